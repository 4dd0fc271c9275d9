"""Codes a persona's phone would show: TOTP for a secret at a time, avoiding replays."""

import base64
import time
from urllib.parse import parse_qs, urlsplit

from django_otp.oath import hotp


def totp_code(secret: bytes, at: float | None = None, *, step: int = 30, digits: int = 6, offset: int = 0) -> str:
    """The TOTP code of `secret` at time `at` (now by default), `offset` steps later."""
    counter = int((time.time() if at is None else at) // step) + offset
    return f"{hotp(secret, counter, digits):0{digits}d}"


def next_usable_step(last_t: int, *, at: float | None = None, step: int = 30, tolerance: int = 1) -> int:
    """The earliest step a server with replay protection still accepts now.

    django-otp refuses any step <= last_t (the last one used) and accepts the current
    step +- tolerance. The current step is the safest choice: it stays inside the window
    even if a step boundary passes before the server checks it. Right after a login with
    it, the next step's code is the one to use.
    """
    now_step = int((time.time() if at is None else at) // step)
    usable = max(now_step, last_t + 1)
    if usable > now_step + tolerance:
        raise RuntimeError(f"Every code inside the window was already used; wait {step} s for the next step.")
    return usable


def secret_from_uri(uri: str) -> bytes:
    """The secret bytes of an otpauth:// URI."""
    value = parse_qs(urlsplit(uri).query)["secret"][0]
    return base64.b32decode(value.upper() + "=" * (-len(value) % 8))
