"""Exercise 1: HOTP and TOTP from the RFCs (20 points).

Implement one-time passwords from RFC 4226 (HOTP) and RFC 6238 (TOTP) with nothing but
the standard library (hmac, hashlib, struct, base64, urllib.parse). Notebook 01 walks
through every step. Check your work with `mfalab.check("ex01")` or
`mfalab check ex01` in a terminal.

hotp(secret: bytes, counter: int, digits: int = 6, digest: str = "sha1") -> str
    RFC 4226: HMAC(secret, counter as 8 big-endian bytes), dynamic truncation,
    modulo 10**digits, zero-padded to `digits` characters.
totp(secret: bytes, at: float, step: int = 30, digits: int = 6, digest: str = "sha1",
     t0: int = 0) -> str
    RFC 6238: hotp with counter = floor((at - t0) / step).
verify_totp(secret: bytes, code: str, at: float, *, window: int = 1,
            last_step: int | None = None, step: int = 30, digits: int = 6) -> int | None
    The time step whose code matches, trying the current step and `window` steps on
    either side; None for a wrong code, a malformed one (not `digits` decimal digits
    after removing spaces) or a replay (a matching step <= last_step). Compare codes in
    constant time (hmac.compare_digest).
provisioning_uri(secret: bytes, account: str, issuer: str, *, digits: int = 6,
                 step: int = 30, digest: str = "sha1") -> str
    Google's Key Uri Format: otpauth://totp/ISSUER:ACCOUNT?secret=BASE32&issuer=ISSUER
    (&algorithm, &digits, &period), base32 without "=" padding, label and parameters
    percent-encoded.

Invalid arguments raise ValueError: a negative counter, an unknown digest (use sha1,
sha256 or sha512), digits outside 6..8, a step that is not positive.
"""


def hotp(secret: bytes, counter: int, digits: int = 6, digest: str = "sha1") -> str:
    raise NotImplementedError("Exercise 1: compute the HOTP code (RFC 4226, section 5.3).")


def totp(secret: bytes, at: float, step: int = 30, digits: int = 6, digest: str = "sha1", t0: int = 0) -> str:
    raise NotImplementedError("Exercise 1: compute the TOTP code (RFC 6238, section 4).")


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
    raise NotImplementedError("Exercise 1: accept a code within the window, refuse replays.")


def provisioning_uri(
    secret: bytes, account: str, issuer: str, *, digits: int = 6, step: int = 30, digest: str = "sha1"
) -> str:
    raise NotImplementedError("Exercise 1: build the otpauth:// URI (Key Uri Format).")
