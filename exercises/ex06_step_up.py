"""Exercise 6: step-up. Changing a factor needs a fresh second factor (20 points).

An attacker who knows a password must never add, remove or replace a factor. In the
naive lab a password-only session can walk two-factor's setup wizard (by POST) and
enrol the attacker's own authenticator app, and any verified session, however old,
can disable two-factor or make new backup codes. The lab wraps every view that
changes a factor with your `require_step_up`: the setup wizard and its QR code,
adding or removing a phone, registering a security key (a setup-wizard method),
disabling two-factor, (re)generating backup codes, and the admin's password change.
After each request through those views, the lab tells you what changed, and you tell
the user.

def require_step_up(view) -> view:
    Return a view function that calls `view(request, *args, **kwargs)` only when:
    - the user is signed in (anonymous: redirect_to_login to two_factor:login,
      keeping ?next=); and
    - the user has no device at all (django_otp.user_has_device(user) is False):
      trust on first use, they may enrol a first device (exercise 4 decides for
      privileged users past their grace period, before your view runs); or
    - the user has a device, the session is verified (request.user.is_verified())
      AND its last second-factor step was at most RECENT ago by the lab's clock:
      lab_project.mfa.stepup.verified_at(request) (None: never) compared with
      lab_project.mfa.clock.now() (tests freeze it to age a session).
    Anyone else is sent to verify again: redirect_to_login(request.get_full_path(),
    reverse("two_factor:login")), which keeps ?next=. That wizard asks for a real
    second factor; a password alone never counts, so never send them to
    /accounts/login/.

def notify_factor_change(user, change: str, when: datetime) -> None:
    Email the user (django.core.mail.send_mail to user.email; the lab's outbox
    receives it) saying what changed and when: the subject or body must contain
    `change` (e.g. "added an authenticator app (default)", "removed a phone (backup)",
    "generated a new set of backup codes") and the date and time as
    f"{when:%Y-%m-%d %H:%M} UTC", and tell the user what to do if it was not them.
    A user without an email address: send nothing, raise nothing.

RECENT is 5 minutes. The naive lab (this stub) does what django-two-factor-auth does
today: a login is enough, and nobody is told.
"""

from datetime import timedelta

RECENT = timedelta(minutes=5)


def require_step_up(view):
    raise NotImplementedError("Exercise 6: a factor change needs a recent, verified second factor.")


def notify_factor_change(user, change, when):
    raise NotImplementedError("Exercise 6: email the user when a factor changes.")
