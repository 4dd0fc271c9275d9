"""Workarounds for known upstream behaviour, each with the reason it is here."""

from django.urls import get_script_prefix


def strip_script_prefix_in_is_otp_view():
    """two_factor's OTPRequiredMixin.is_otp_view(next) resolves `next` as given; behind a
    proxy `next` carries the script prefix, nothing resolves, and a device-less user who
    signs in to reach an OTP-protected page gets a 403 page instead of the setup wizard."""
    from two_factor.views.mixins import OTPRequiredMixin

    original = OTPRequiredMixin.is_otp_view.__func__

    def is_otp_view(cls, view_path):
        prefix = get_script_prefix()
        if view_path and prefix != "/" and view_path.startswith(prefix):
            view_path = "/" + view_path[len(prefix):]
        return original(cls, view_path)

    OTPRequiredMixin.is_otp_view = classmethod(is_otp_view)
