"""Exercise 4, reference solution: MFA for privileged users, with a grace period."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django_otp import user_has_device

from lab_project.mfa.policy import grace_period_ends, in_grace_period, is_privileged

# Where a privileged user must always be able to go: signing in, enrolling, leaving.
OPEN_ROUTES = ["two_factor:login", "two_factor:setup", "two_factor:qr", "two_factor:setup_complete",
               "logout", "password_login", "admin:login", "admin:logout"]
OPEN_PREFIXES = ["/account/two_factor/webauthn/"]  # the setup wizard's JavaScript


def warning(ends):
    return (f"Your account can move other people's money, so it needs a second factor. "
            f"Set one up before {ends:%d %B %Y %H:%M} UTC ({ends:%Y-%m-%d}); after that, this account "
            f"can only reach the setup page.")


class MFAPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def open_path(self, path):
        if path.startswith("/" + settings.STATIC_URL.lstrip("/")):
            return True
        return path in {reverse(name) for name in OPEN_ROUTES} or any(path.startswith(p) for p in OPEN_PREFIXES)

    def __call__(self, request):
        user = request.user
        if not is_privileged(user) or user.is_verified() or self.open_path(request.path):
            return self.get_response(request)
        if user_has_device(user):
            return redirect_to_login(request.get_full_path(), reverse("two_factor:login"))
        if not in_grace_period(user):
            return redirect_to_login(request.get_full_path(), reverse("two_factor:setup"))
        text = warning(grace_period_ends(user))
        if hasattr(request, "_messages"):  # MessageMiddleware already ran: show it on this page
            messages.warning(request, text)
            return self.get_response(request)
        # MessageMiddleware comes after this one: queue the warning for the next page.
        response = self.get_response(request)
        storage = getattr(request, "_messages", None)
        if storage is not None and (storage.used or all(text != str(m) for m in storage._loaded_messages)):
            storage.add(messages.WARNING, text)
            storage.update(response)
        return response
