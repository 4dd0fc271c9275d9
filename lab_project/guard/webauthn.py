"""Exercise 5 guards the bank: a security-key sign-in is checked with the learner's
verify_assertion, against the origin and RP ID of the lab's configuration (origins.py).

The lab throttles failed assertions like every other factor (throttle.py) and stores the
new sign count with `UPDATE ... WHERE sign_count = <the count it read>`, so one assertion
cannot sign in twice in parallel.
"""

import base64

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from two_factor.plugins.webauthn.models import WebauthnDevice
from webauthn.helpers.parse_authentication_credential_json import parse_authentication_credential_json

from . import learner, origins, throttle

PROBE = {"credential_public_key": b"", "client_data_json": b"", "authenticator_data": b"", "signature": b"",
         "expected_challenge": b"", "expected_origin": "", "expected_rp_id": "", "stored_sign_count": 0}


def is_count(result):
    return type(result) is int and 0 <= result < 2**32


def guards():
    return learner.written("ex05", "verify_assertion", **PROBE)


def _bytes(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def verify(request, user, token, challenge):
    """The device `token` signed in with, or None (refused). Raises throttle.Throttled,
    learner.Broken; ValueError when the token is not a credential."""
    credential = parse_authentication_credential_json(token)
    with transaction.atomic():
        device = WebauthnDevice.objects.select_for_update().filter(user=user, key_handle=credential.id).first()
        if device is None:
            return None
        throttle.claim(device)
        try:
            count = learner.answer(
                "ex05", "verify_assertion", valid=is_count, refusals=(ValueError,),
                credential_public_key=_bytes(device.public_key),
                client_data_json=bytes(credential.response.client_data_json),
                authenticator_data=bytes(credential.response.authenticator_data),
                signature=bytes(credential.response.signature), expected_challenge=_bytes(challenge),
                expected_origin=origins.expected_origin(request), expected_rp_id=origins.rp_id(),
                stored_sign_count=device.sign_count,
                require_user_verification=settings.TWO_FACTOR_WEBAUTHN_UV_REQUIREMENT == "required")
        except learner.Refused:
            return None
        stored = WebauthnDevice.objects.filter(pk=device.pk, sign_count=device.sign_count).update(
            sign_count=count, last_used_at=timezone.now(), **throttle.RESET)
        return device if stored == 1 else None
