"""Enrolment codes: how a privileged user past the grace period may enrol a device.

Exercise 4 stops such a user from enrolling on their own (a password alone must never add
a factor to a privileged account). An administrator issues a code instead, with the
`enrolment_code` management command or the "Issue an MFA enrolment code" action of the
user admin. The code is single use, expires, and is shown once to the administrator and
sent to the user's email (the outbox). The user types it at /account/enrol/; the session
that redeemed it may then walk the setup wizard (`redeemed(request)`).
"""

import base64
import hashlib
import secrets
from datetime import timedelta

from django.core.mail import send_mail
from django.db import transaction

from . import clock
from .models import EnrolmentCode

VALID_FOR = timedelta(hours=24)
SESSION_KEY = "lab_enrolment_code"


class EnrolmentCodeError(ValueError):
    """The code cannot be used; the message says why and what to do."""


def normalise(code):
    """Codes are shown in groups of four (ABCD-EFGH-...); spaces, hyphens and case do not matter."""
    return "".join(str(code).split()).replace("-", "").upper()


def digest(code):
    return hashlib.sha256(normalise(code).encode()).hexdigest()


def issue(user, *, issued_by="", valid_for=VALID_FOR, using="default"):
    """Make a new code for `user` (any older unused one stops working); returns the code."""
    raw = base64.b32encode(secrets.token_bytes(10)).decode()  # 16 characters, 80 bits
    code = "-".join(raw[i:i + 4] for i in range(0, 16, 4))
    now = clock.now(using)
    with transaction.atomic(using=using):
        EnrolmentCode.objects.using(using).filter(user=user, used_at__isnull=True).update(used_at=now)
        EnrolmentCode.objects.using(using).create(user=user, digest=digest(code), issued_by=issued_by,
                                                  created_at=now, expires_at=now + valid_for)
    if user.email:
        send_mail("Your MFA Lab Bank enrolment code",
                  f"An administrator ({issued_by or 'the bank'}) issued an enrolment code for your account "
                  f"on {now:%Y-%m-%d %H:%M} UTC. Enter it at /account/enrol/ to set up a second factor: "
                  f"{code}\nIt works once and expires at {now + valid_for:%Y-%m-%d %H:%M} UTC. If you did "
                  "not ask for it, tell the bank at once.",
                  None, [user.email])
    return code


def redeem(request, code):
    """Use `code` for the signed-in user: mark it used (once, even under parallel requests)
    and let this session enrol. Raises EnrolmentCodeError saying what is wrong."""
    user = request.user
    if not normalise(code):
        raise EnrolmentCodeError("Type the enrolment code an administrator gave you.")
    found = EnrolmentCode.objects.filter(digest=digest(code)).first()
    if found is None or found.user_id != user.pk:  # another user's code says no more than a wrong one
        raise EnrolmentCodeError("That is not a valid enrolment code for this account. Check it, or ask an "
                                 "administrator for a new one.")
    now = clock.now()
    if found.used_at is not None:
        raise EnrolmentCodeError("That enrolment code was already used. Ask an administrator for a new one.")
    if now >= found.expires_at:
        raise EnrolmentCodeError(f"That enrolment code expired at {found.expires_at:%Y-%m-%d %H:%M} UTC. Ask an "
                                 "administrator for a new one.")
    taken = EnrolmentCode.objects.filter(pk=found.pk, used_at__isnull=True).update(used_at=now)
    if taken != 1:  # a parallel request used it first
        raise EnrolmentCodeError("That enrolment code was already used. Ask an administrator for a new one.")
    request.session[SESSION_KEY] = {"user": user.pk, "code": found.pk}
    return found


def redeemed(request):
    """True when this session redeemed an enrolment code for the signed-in user."""
    marker = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    return bool(marker) and request.user.is_authenticated and marker.get("user") == request.user.pk
