"""Exercise 2: demand a verified second factor on every sensitive page (20 points).

The lab bank's accounts, transfer and statement pages, and its admin site, are
protected the way many tutorials leave them: a password login is enough, and
Django's plain password-only login at /accounts/login/ is still open. Until you write
these two functions the lab runs exactly that naive setup.

require_mfa(view) -> view
    The lab wraps every sensitive view with this (see lab_project/bank/urls.py).
    Return a view that:
    - sends an anonymous visitor to the two-factor login (two_factor:login), keeping
      the page they asked for in ?next=;
    - sends a signed-in user who has no second factor to the setup wizard
      (two_factor:setup), keeping ?next=;
    - sends a signed-in user whose session is not verified (say, one who came in
      through /accounts/login/) to the two-factor login, keeping ?next=;
    - lets a verified user (request.user.is_verified()) through.
    Start from django_otp.decorators.otp_required and see what it does for a user
    without a device (notebook 04 shows it).

secure_admin(site) -> None
    Make the admin site refuse a staff user whose session is not verified. The
    default two-factor patch only replaces the admin's login page.
    Hint: two_factor.admin.AdminSiteOTPRequired.
"""


def require_mfa(view):
    raise NotImplementedError("Exercise 2: wrap `view` so it demands a verified second factor.")


def secure_admin(site):
    raise NotImplementedError("Exercise 2: make the admin demand a verified second factor.")
