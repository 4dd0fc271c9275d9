"""SMS and voice codes: what the lab sends, and how exercise 1 checks them.

two-factor's PhoneDevice code is a TOTP of the device key, accepted for six steps
(about three minutes) and as often as it is sent. With exercise 1 written, the lab instead:

- accepts only the code of a step it sent within the last step (30 s, lab clock):
  verify_totp(window=0) at that step;
- passes the device's last used step, so a used code is refused (verify_totp's
  last_step: that is the learner's job), and strikes the code off with a conditional
  UPDATE, so two requests with one code cannot both sign in.

The send limit (settings.LAB_SMS_SEND_LIMIT, on in the hardened lab) counts the codes sent
to a user in a window of the lab clock, inside the transaction that sends the next one.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django_otp.oath import hotp
from two_factor.utils import totp_digits

from lab_project.mfa import clock

from .models import PhoneCode
from .throttle import RESET

LIMIT_REACHED = ("Too many codes were sent to this phone, so no new code was sent. Wait ten minutes, "
                 "or use another way to sign in.")
STEP = 30  # two-factor's phone codes use django-otp's totp(): 30-s steps from t0 = 0


def record_send(device, token):
    """Note a code the gateway is sending (its step: the one of now, or the one before)."""
    import time

    now = int(time.time()) // STEP
    step = next((s for s in (now, now - 1) if str(hotp(device.bin_key, s, digits=len(token))).zfill(len(token))
                 == token), now)
    PhoneCode.objects.create(device=device, step=step, sent_at=clock.now())


def sends_left(user):
    """How many more codes the limit lets the lab send to `user` now (None: no limit)."""
    if settings.LAB_SMS_SEND_LIMIT is None:
        return None
    count, seconds = settings.LAB_SMS_SEND_LIMIT
    since = clock.now() - timedelta(seconds=seconds)
    return max(0, count - PhoneCode.objects.filter(device__user=user, sent_at__gt=since).count())


def send_code(device):
    """Send the device's code unless the limit is reached (atomic). True when sent."""
    with transaction.atomic():
        if sends_left(device.user) == 0:
            return False
        device.generate_challenge()
        return True


def verify(device, token, learner_step):
    """Exercise 1's check of a phone code (called with the device row locked)."""
    recent = PhoneCode.objects.filter(device=device, sent_at__gte=clock.now() - timedelta(seconds=STEP))
    last_used = PhoneCode.objects.filter(device=device, used_at__isnull=False).aggregate(m=Max("step"))["m"]
    for sent in sorted(set(recent.values_list("step", flat=True)), reverse=True):
        step = learner_step(secret=device.bin_key, code=str(token), at=float(sent * STEP), window=0,
                            last_step=last_used, step=STEP, digits=totp_digits())
        if step is None:
            continue
        struck = PhoneCode.objects.filter(device=device, step=step, used_at__isnull=True).update(
            used_at=clock.now())
        if struck:
            type(device).objects.filter(pk=device.pk).update(**RESET)
        return struck > 0
    return False
