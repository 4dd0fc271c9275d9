"""Exercise 2, reference solution: a verified second factor on every sensitive page."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.urls import reverse
from django_otp import user_has_device
from two_factor.admin import AdminSiteOTPRequired


def require_mfa(view):
    @wraps(view)
    def verified_only(request, *args, **kwargs):
        user = request.user
        if user.is_verified():
            return view(request, *args, **kwargs)
        if user.is_authenticated and not user_has_device(user):
            # otp_required alone would send this user to the login wizard, which logs a
            # device-less user straight back in: a loop. Enrolment is the way forward.
            return redirect_to_login(request.get_full_path(), reverse("two_factor:setup"))
        return redirect_to_login(request.get_full_path(), reverse("two_factor:login"))

    return verified_only


def secure_admin(site):
    site.__class__ = AdminSiteOTPRequired
