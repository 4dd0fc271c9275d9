"""Exercise 4, reference solution: MFA for privileged users, with a grace period."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.urls import Resolver404, resolve, reverse
from django_otp import user_has_device

from lab_project.mfa.enrolment import redeemed
from lab_project.mfa.policy import grace_period_ends, in_grace_period, is_privileged

# Where a privileged user must always be able to go: signing in, leaving, the enrolment code.
OPEN_ROUTES = {"two_factor:login", "enrolment_code", "logout", "password_login", "admin:login", "admin:logout"}
OPEN_NAMESPACE = "two_factor:two_factor_webauthn:"  # the WebAuthn steps' JavaScript
SETUP_ROUTES = {"two_factor:setup", "two_factor:qr", "two_factor:setup_complete"}


def warning(ends):
    return (f"Your account can move other people's money, so it needs a second factor. "
            f"Set one up before {ends:%d %B %Y %H:%M} UTC ({ends:%Y-%m-%d}); after that, only an "
            f"administrator's enrolment code lets this account set one up.")


def route_name(request):
    try:
        return resolve(request.path_info).view_name  # path_info: without a proxy's prefix
    except Resolver404:
        return ""


class MFAPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if not is_privileged(user) or user.is_verified():
            return self.get_response(request)
        name = route_name(request)
        if (request.path.startswith(settings.STATIC_URL)  # STATIC_URL carries any script prefix
                or name in OPEN_ROUTES or name.startswith(OPEN_NAMESPACE)):
            return self.get_response(request)
        if user_has_device(user):
            return redirect_to_login(request.get_full_path(), reverse("two_factor:login"))
        if not user.is_superuser and in_grace_period(user):
            if name not in SETUP_ROUTES:
                messages.warning(request, warning(grace_period_ends(user)))  # shown on this very page
            return self.get_response(request)
        if redeemed(request):
            if name in SETUP_ROUTES:
                return self.get_response(request)
            return redirect_to_login(request.get_full_path(), reverse("two_factor:setup"))
        return redirect_to_login(request.get_full_path(), reverse("enrolment_code"))
