"""Exercise 6's hook: every view that adds, removes or replaces a factor.

lab_project/urls.py wraps each factor-changing view with `factor_change(view)`:

- the learner's `require_step_up(view)` decides who may use it (naive fallback: a
  login is enough, which is what django-two-factor-auth does);
- around it, the lab compares the user's factors before and after the request and hands
  each change to the learner's `notify_factor_change(user, change, when)` (naive: nobody
  is told).

The lab also records when a session last passed a real second-factor step
(`verified_at(request)`): the login wizard's token, security-key or backup step, or the
end of the setup wizard, which verifies the session with the new device.
"""

import functools
from datetime import datetime

from django.contrib.auth.decorators import login_required
from django.dispatch import receiver
from django_otp import devices_for_user
from two_factor.signals import user_verified

from . import clock
from .exercise_code import call, say_once

SESSION_KEY = "lab_verified_at"



def record_verification(request):
    """This session just passed a second-factor step: remember when, by the lab clock."""
    request.session[SESSION_KEY] = clock.now().isoformat()


def verified_at(request):
    """When this session last passed a second-factor step (an aware datetime), or None."""
    value = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    try:
        return datetime.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


@receiver(user_verified)
def login_wizard_verified(sender, request, user, device, **kwargs):
    record_verification(request)


def factors(user):
    """What the user can sign in with: {device persistent id: description}, and the backup codes."""
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    from .models import BackupCode, BackupCodeDevice

    found = {d.persistent_id: describe(d) for d in devices_for_user(user, confirmed=True)
             if not isinstance(d, (StaticDevice, BackupCodeDevice))}  # backup codes: below
    codes = (frozenset(BackupCode.objects.filter(user=user, used_at__isnull=True).values_list("pk", flat=True)),
             frozenset(StaticToken.objects.filter(device__user=user).values_list("pk", flat=True)))
    return found, codes


def describe(device):
    kind = {"totpdevice": "an authenticator app", "phonedevice": "a phone", "emaildevice": "an email address",
            "webauthndevice": "a security key"}.get(type(device)._meta.model_name, "a device")
    return f"{kind} ({device.name})"


def changes(before, after):
    """Plain sentences for what changed between two `factors()` snapshots."""
    (devices_before, codes_before), (devices_after, codes_after) = before, after
    found = [f"added {devices_after[k]}" for k in devices_after if k not in devices_before]
    found += [f"removed {devices_before[k]}" for k in devices_before if k not in devices_after]
    for old, new in zip(codes_before, codes_after):
        if new and new - old:
            found.append("generated a new set of backup codes")
        elif old and not new:
            found.append("removed the backup codes")
    return found


def notify(user, change, when):
    """Tell the user (exercise 6); naive: nobody is told. The change is made already, so a
    crash here must not turn it into an error page."""
    try:
        call("ex06", "notify_factor_change", user, change, when, fallback=lambda *args: None)
    except Exception as error:
        say_once(f"ex06: notify_factor_change() raised {type(error).__name__}: {error}; no email was sent.")


def require_step_up(view):
    """The learner's gate for factor-changing views; naive: a login is enough."""
    return call("ex06", "require_step_up", view, fallback=login_required)


def factor_change(view):
    """Wrap a view that can change a factor: the learner's gate, then notifications."""
    gated = require_step_up(view)

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return gated(request, *args, **kwargs)
        before = factors(user)
        response = gated(request, *args, **kwargs)
        for change in changes(before, factors(user)):
            notify(user, change, clock.now())
        return response

    return wrapped
