"""Exercise 6, reference solution: a factor change needs a recent, verified second factor."""

from datetime import timedelta
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.mail import send_mail
from django.urls import reverse
from django_otp import user_has_device

from lab_project.mfa.clock import now
from lab_project.mfa.stepup import verified_at

RECENT = timedelta(minutes=5)


def recently_verified(request):
    last = verified_at(request)
    return request.user.is_verified() and last is not None and now() - last <= RECENT


def require_step_up(view):
    @wraps(view)
    def stepped_up(request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and (not user_has_device(user) or recently_verified(request)):
            return view(request, *args, **kwargs)
        return redirect_to_login(request.get_full_path(), reverse("two_factor:login"))

    return stepped_up


def notify_factor_change(user, change, when):
    if not user.email:
        return
    send_mail(f"MFA Lab Bank: your account {change}",
              f"Hello {user.get_username()},\n\nOn {when:%Y-%m-%d %H:%M} UTC your account {change}.\n\n"
              "If this was you, there is nothing to do. If it was not, someone else may have your password: "
              "sign in, remove any factor you do not recognise, change your password and call the bank.",
              None, [user.email])
