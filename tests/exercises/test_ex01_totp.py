"""Exercise 1 (public tests): HOTP and TOTP from RFC 4226 and RFC 6238.

Expected values come from the RFCs' appendices and from pyotp, computed here in the
test process; the learner's code is reached only through the `ex01` sandbox fixture.
"""

import base64
from urllib.parse import parse_qs, unquote, urlsplit

import pyotp
import pytest

from mfalab.sandbox import StudentError

pytestmark = pytest.mark.exercise("ex01")

# RFC 4226 Appendix D: secret "12345678901234567890", counters 0..9.
RFC4226_SECRET = b"12345678901234567890"
RFC4226_HOTP = ["755224", "287082", "359152", "969429", "338314",
                "254676", "287922", "162583", "399871", "520489"]

# RFC 6238 Appendix B: the seed length matches the hash (20, 32, 64 bytes), 8 digits.
RFC6238_SEEDS = {
    "sha1": b"12345678901234567890",
    "sha256": b"12345678901234567890123456789012",
    "sha512": b"1234567890123456789012345678901234567890123456789012345678901234",
}
RFC6238_TOTP = {
    59: {"sha1": "94287082", "sha256": "46119246", "sha512": "90693936"},
    1111111109: {"sha1": "07081804", "sha256": "68084774", "sha512": "25091201"},
    1111111111: {"sha1": "14050471", "sha256": "67062674", "sha512": "99943326"},
    1234567890: {"sha1": "89005924", "sha256": "91819424", "sha512": "93441116"},
    2000000000: {"sha1": "69279037", "sha256": "90698825", "sha512": "38618901"},
    20000000000: {"sha1": "65353130", "sha256": "77737706", "sha512": "47863826"},
}

SECRET = bytes(range(1, 21))  # a fixed 160-bit demo secret
AT = 1_700_000_015.0  # a fixed moment, 5 s into its 30-second step
STEP_NOW = int(AT // 30)


def reference_code(secret, counter, digits=6):
    """The HOTP code pyotp computes (independent of the code under test)."""
    return pyotp.HOTP(base64.b32encode(secret).decode(), digits=digits).at(counter)


def student_error(call, *args, **kwargs):
    with pytest.raises(StudentError) as caught:
        call(*args, **kwargs)
    return caught.value


@pytest.mark.points(2, hint="HMAC-SHA1 over the counter as 8 big-endian bytes (struct.pack('>Q', counter)), "
                            "then dynamic truncation (RFC 4226, section 5.3).")
def test_rfc4226_vectors(ex01):
    """hotp() reproduces all ten values of RFC 4226 Appendix D"""
    assert [ex01.hotp(RFC4226_SECRET, counter) for counter in range(10)] == RFC4226_HOTP


@pytest.mark.points(1, hint="Return a string padded with leading zeros to `digits` characters, e.g. "
                            "str(n % 10**digits).zfill(digits).")
def test_leading_zeros_kept(ex01):
    """hotp() keeps the leading zeros of a code (it returns a string of `digits` characters)"""
    counter = next(c for c in range(1000) if reference_code(RFC4226_SECRET, c).startswith("0"))
    code = ex01.hotp(RFC4226_SECRET, counter)
    assert code == reference_code(RFC4226_SECRET, counter)
    assert isinstance(code, str) and len(code) == 6


@pytest.mark.points(1, hint="The TOTP counter is floor((at - t0) / step); pass `digits` on to hotp.")
def test_rfc6238_sha1_vectors(ex01):
    """totp() reproduces RFC 6238 Appendix B for SHA-1 with 8 digits"""
    got = {at: ex01.totp(RFC6238_SEEDS["sha1"], at, digits=8) for at in RFC6238_TOTP}
    assert got == {at: row["sha1"] for at, row in RFC6238_TOTP.items()}


@pytest.mark.points(1, hint="Pick the hash from `digest` (hashlib.sha256, hashlib.sha512); the RFC's SHA-256 "
                            "seed is 32 bytes and its SHA-512 seed 64 bytes.")
def test_rfc6238_sha256_sha512_vectors(ex01):
    """totp() reproduces RFC 6238 Appendix B for SHA-256 and SHA-512"""
    for digest in ("sha256", "sha512"):
        got = {at: ex01.totp(RFC6238_SEEDS[digest], at, digits=8, digest=digest) for at in RFC6238_TOTP}
        assert got == {at: row[digest] for at, row in RFC6238_TOTP.items()}, digest


@pytest.mark.points(2, hint="Try the steps now-window .. now+window and return the step whose code matches.")
def test_verify_window_returns_matched_step(ex01):
    """verify_totp() accepts the previous, current and next step's codes and returns that step"""
    for offset in (-1, 0, 1):
        code = reference_code(SECRET, STEP_NOW + offset)
        assert ex01.verify_totp(SECRET, code, AT) == STEP_NOW + offset, offset
    for offset in (-2, 2):
        assert ex01.verify_totp(SECRET, reference_code(SECRET, STEP_NOW + offset), AT) is None, offset


@pytest.mark.points(1, hint="Remove spaces, then refuse anything that is not exactly `digits` decimal digits.")
def test_verify_refuses_malformed_codes(ex01):
    """verify_totp() refuses malformed codes and accepts a right code written with spaces"""
    code = reference_code(SECRET, STEP_NOW)
    for bad in ("", "abcdef", code[:5], code + "0", "0" + code, code[:5] + "x"):
        assert ex01.verify_totp(SECRET, bad, AT) is None, bad
    assert ex01.verify_totp(SECRET, f"{code[:3]} {code[3:]}", AT) == STEP_NOW


@pytest.mark.points(1, hint="Skip every step <= last_step: a code that was used once must never work again.")
def test_verify_refuses_replay(ex01):
    """verify_totp() refuses a code whose step is at or before last_step"""
    code = reference_code(SECRET, STEP_NOW)
    assert ex01.verify_totp(SECRET, code, AT, last_step=STEP_NOW - 1) == STEP_NOW
    assert ex01.verify_totp(SECRET, code, AT, last_step=STEP_NOW) is None
    assert ex01.verify_totp(SECRET, code, AT, last_step=STEP_NOW + 1) is None


@pytest.mark.points(1, hint="otpauth://totp/ISSUER:ACCOUNT?secret=...&issuer=ISSUER with base32 minus the '=' "
                            "padding; percent-encode with urllib.parse.quote.")
def test_provisioning_uri_parses(ex01):
    """provisioning_uri() gives a Key Uri Format URI that pyotp parses back"""
    uri = ex01.provisioning_uri(SECRET, "alice@bank.lab", "MFA Lab Bank")
    parsed = pyotp.parse_uri(uri)
    assert uri.startswith("otpauth://totp/")
    assert base64.b32decode(parsed.secret) == SECRET
    assert parsed.name == "alice@bank.lab" and parsed.issuer == "MFA Lab Bank"
    assert unquote(urlsplit(uri).path) == "/MFA Lab Bank:alice@bank.lab"  # issuer in the label too
    assert parsed.at(AT) == reference_code(SECRET, STEP_NOW)
    odd = SECRET[:16]  # 16 bytes: standard base32 would end in "======"
    value = parse_qs(urlsplit(ex01.provisioning_uri(odd, "bob@bank.lab", "MFA Lab Bank")).query)["secret"][0]
    assert "=" not in value and base64.b32decode(value + "=" * (-len(value) % 8)) == odd


@pytest.mark.points(1, hint="Raise ValueError for a negative counter, an unknown digest, digits outside 6..8 "
                            "and a step that is not positive.")
def test_invalid_arguments_raise_value_error(ex01):
    """Invalid arguments raise ValueError"""
    assert student_error(ex01.hotp, RFC4226_SECRET, -1).type_name == "ValueError"
    assert student_error(ex01.hotp, RFC4226_SECRET, 0, digest="md5").type_name == "ValueError"
    assert student_error(ex01.hotp, RFC4226_SECRET, 0, digits=5).type_name == "ValueError"
    assert student_error(ex01.totp, RFC4226_SECRET, 59, step=0).type_name == "ValueError"


@pytest.mark.points(2, hint="The lab checks TOTP and SMS codes with your verify_totp and passes the device's last used "
                            "step: return None for any matching step <= last_step.")
def test_the_lab_refuses_a_replayed_code(graded_lab):
    """The lab running your verify_totp refuses a used SMS code and a used TOTP code (real login wizard)"""
    from mfalab.attacks import replay

    sms = replay.replay(graded_lab, "bob")  # bob signs in, then the attacker sends his code again
    assert not sms.succeeded and "Invalid token" in sms.evidence["error"], sms
    totp = replay.replay(graded_lab, "alice")
    assert not totp.succeeded and "Invalid token" in totp.evidence["error"], totp
