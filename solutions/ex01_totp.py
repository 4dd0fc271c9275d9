"""Exercise 1, reference solution: HOTP (RFC 4226) and TOTP (RFC 6238), standard library only."""

import base64
import hashlib
import hmac
import math
import struct
from urllib.parse import quote, urlencode

DIGESTS = {"sha1": hashlib.sha1, "sha256": hashlib.sha256, "sha512": hashlib.sha512}


def _digest(name):
    try:
        return DIGESTS[str(name).lower()]
    except KeyError:
        raise ValueError(f"Unknown digest {name!r}: use sha1, sha256 or sha512.") from None


def _check_digits(digits):
    if isinstance(digits, bool) or not isinstance(digits, int) or not 6 <= digits <= 8:
        raise ValueError(f"digits must be 6, 7 or 8, not {digits!r}.")


def _check_step(step):
    if not step > 0:
        raise ValueError(f"step must be positive, not {step!r}.")


def hotp(secret: bytes, counter: int, digits: int = 6, digest: str = "sha1") -> str:
    if counter < 0:
        raise ValueError("The counter cannot be negative.")
    _check_digits(digits)
    mac = hmac.new(secret, struct.pack(">Q", counter), _digest(digest)).digest()
    offset = mac[-1] & 0x0F  # RFC 4226 5.4: the low nibble of the last byte
    binary = struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF
    return str(binary % 10**digits).zfill(digits)


def _time_step(at, step, t0=0):
    _check_step(step)
    return math.floor((at - t0) / step)


def totp(secret: bytes, at: float, step: int = 30, digits: int = 6, digest: str = "sha1", t0: int = 0) -> str:
    return hotp(secret, _time_step(at, step, t0), digits, digest)


def verify_totp(
    secret: bytes,
    code: str,
    at: float,
    *,
    window: int = 1,
    last_step: int | None = None,
    step: int = 30,
    digits: int = 6,
) -> int | None:
    _check_digits(digits)
    now = _time_step(at, step)
    if not isinstance(code, str):
        return None
    code = code.replace(" ", "")
    if len(code) != digits or not (code.isascii() and code.isdigit()):
        return None
    for candidate in range(now - window, now + window + 1):
        if candidate < 0 or (last_step is not None and candidate <= last_step):
            continue
        if hmac.compare_digest(hotp(secret, candidate, digits), code):
            return candidate
    return None


def provisioning_uri(
    secret: bytes, account: str, issuer: str, *, digits: int = 6, step: int = 30, digest: str = "sha1"
) -> str:
    _check_digits(digits)
    _check_step(step)
    _digest(digest)
    label = f"{quote(issuer, safe='')}:{quote(account, safe='@')}"
    params = {
        "secret": base64.b32encode(secret).decode("ascii").rstrip("="),
        "issuer": issuer,
        "algorithm": digest.upper(),
        "digits": digits,
        "period": step,
    }
    return f"otpauth://totp/{label}?{urlencode(params, quote_via=quote)}"
