"""Exercise 4, reference solution: MFA for privileged users, with a grace period."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django_otp import user_has_device

from lab_project.mfa.policy import grace_period_ends, in_grace_period, is_privileged

# Where a privileged user must always be able to go: signing in, enrolling, leaving.
OPEN_ROUTES = {"two_factor:login", "two_factor:setup", "two_factor:qr", "two_factor:setup_complete",
               "logout", "password_login", "admin:login", "admin:logout"}
OPEN_NAMESPACE = "two_factor:two_factor_webauthn:"  # the setup wizard's WebAuthn JavaScript


def warning(ends):
    return (f"Your account can move other people's money, so it needs a second factor. "
            f"Set one up before {ends:%d %B %Y %H:%M} UTC ({ends:%Y-%m-%d}); after that, this account "
            f"can only reach the setup page.")


class MFAPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def open_path(self, request):
        if request.path.startswith(settings.STATIC_URL):  # STATIC_URL carries any script prefix
            return True
        try:
            name = resolve(request.path_info).view_name  # path_info: without a proxy's prefix
        except Resolver404:
            return False
        return name in OPEN_ROUTES or name.startswith(OPEN_NAMESPACE)

    def __call__(self, request):
        user = request.user
        if not is_privileged(user) or user.is_verified() or self.open_path(request):
            return self.get_response(request)
        if user_has_device(user):
            return redirect_to_login(request.get_full_path(), reverse("two_factor:login"))
        if not in_grace_period(user):
            return redirect_to_login(request.get_full_path(), reverse("two_factor:setup"))
        messages.warning(request, warning(grace_period_ends(user)))  # shown on this very page
        return self.get_response(request)
