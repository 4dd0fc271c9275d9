"""Exercise 4: MFA for privileged users, with a grace period (20 points).

Staff, superusers and members of the "finance" group can move other people's money.
Require a second factor from them, while giving someone who has just been made
privileged a few days (settings.LAB_MFA_GRACE_PERIOD_DAYS) to set one up.

class MFAPolicyMiddleware:
    A Django middleware (__init__(self, get_response), __call__(self, request)) that
    the lab installs for you. For each request:
    - a user who is not privileged, or anonymous: untouched;
    - a privileged user whose session is verified: untouched;
    - a privileged user with a device but an unverified session: sent to the
      two-factor login to verify, keeping ?next=;
    - a privileged user without a device, inside the grace period: let through, with
      a visible warning (django.contrib.messages) naming the date the period ends
      (e.g. "2030-01-15" or "15 January"). Superusers have no grace period at all
      (one made with `manage.py createsuperuser` has full power from the start);
    - the same after the grace period: no self-service enrolment, since a password
      alone must never add a factor to a privileged account. Sent to the lab's
      enrolment-code page (URL name "enrolment_code"), keeping ?next=, where they type
      the code an administrator issued. Once this session has redeemed a code
      (lab_project.mfa.enrolment.redeemed(request) is True), the setup wizard and its
      pages (two_factor:setup, :qr, :setup_complete) are let through and every other
      page sends them to two_factor:setup, keeping ?next=. Without a redeemed code
      the setup wizard sends them to the enrolment-code page like any other page;
    - never redirected, whoever asks (no loops, and a way out): the two-factor login
      (two_factor:login), the enrolment-code page, logout, the password-only login
      (password_login), the admin's login and logout pages, static files
      (STATIC_URL), and the JavaScript of two-factor's WebAuthn steps (every URL in
      the namespace "two_factor:two_factor_webauthn", e.g. create_credential.js:
      without it a security key cannot be registered). Inside the grace period the
      setup wizard and its pages are never redirected either.
    The grace period only helps users without a device: one who has a device must
    verify it at once.

Helpers the lab gives you in lab_project.mfa.policy: is_privileged(user),
privileged_since(user), grace_period_ends(user), in_grace_period(user); in
lab_project.mfa.enrolment: redeemed(request); and the lab's clock,
lab_project.mfa.clock.now(), which tests can freeze. (Administrators issue enrolment
codes with `python manage.py enrolment_code USERNAME` or the user admin's action.)
"""


class MFAPolicyMiddleware:
    def __init__(self, get_response):
        raise NotImplementedError("Exercise 4: require MFA from privileged users after a grace period.")

    def __call__(self, request):
        raise NotImplementedError("Exercise 4: require MFA from privileged users after a grace period.")
