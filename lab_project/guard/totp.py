"""Exercise 1 guards the bank: authenticator-app, SMS and voice codes are checked with the
learner's verify_totp, and the matched time step is recorded atomically.

For a TOTP device the lab passes the device's key, step, digits and drift window, the time
shifted by its t0, and its last used step (django-otp's last_t); the step that comes back
is written with `UPDATE ... SET last_t = step WHERE last_t < step`, and only a request that
changed the row signs in. Of two requests with one code, one wins. Phone codes: see phone.py.
"""

import time

from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from two_factor.plugins.phonenumber.models import PhoneDevice

from . import learner, phone, throttle

PROBE = {"secret": bytes(20), "code": "000000", "at": 0.0}


def is_step(result):
    return result is None or type(result) is int


def learner_step(**kwargs):
    """The step the learner's verify_totp matched (or None); learner.Broken if it misbehaved."""
    return learner.answer("ex01", "verify_totp", valid=is_step, **kwargs)


def guards(device):
    """True when exercise 1 checks this device's codes (else: the naive check)."""
    return isinstance(device, (TOTPDevice, PhoneDevice)) and learner.written("ex01", "verify_totp", **PROBE)


def verify(device, token):
    """Check `token` for `device` under the throttle. True: accepted and its step recorded.

    Raises throttle.Throttled (refused unchecked) or learner.Broken (refused).
    """
    with transaction.atomic():
        fresh = throttle.locked(device)
        throttle.claim(fresh)
        if isinstance(fresh, TOTPDevice):
            return _totp(fresh, token)
        return phone.verify(fresh, token, learner_step)


def _totp(device, token):
    step = learner_step(secret=device.bin_key, code=str(token), at=time.time() - device.t0,
                        window=device.tolerance, last_step=device.last_t if device.last_t >= 0 else None,
                        step=device.step, digits=device.digits)
    if step is None:
        return False
    recorded = TOTPDevice.objects.filter(pk=device.pk, last_t__lt=step).update(
        last_t=step, last_used_at=timezone.now(), **throttle.RESET)
    return recorded == 1
