"""Exercise 1 (hidden tests): the corners of HOTP, TOTP, verification and the URI.

Expected values come from pyotp and from the RFCs, computed in the test process; the
learner's code is reached only through the `ex01` sandbox fixture.
"""

import base64
import hashlib
from urllib.parse import parse_qs, unquote, urlsplit

import pyotp
import pytest

from mfalab.sandbox import StudentError

pytestmark = [pytest.mark.exercise("ex01"), pytest.mark.hidden]

SECRET = bytes(range(101, 121))  # a fixed 160-bit demo secret
AT = 1_800_000_007.0
STEP_NOW = int(AT // 30)


def b32(secret):
    return base64.b32encode(secret).decode()


def reference_code(secret, counter, digits=6, digest="sha1"):
    return pyotp.HOTP(b32(secret), digits=digits, digest=getattr(hashlib, digest)).at(counter)


def error_type(call, *args, **kwargs):
    with pytest.raises(StudentError) as caught:
        call(*args, **kwargs)
    return caught.value.type_name


@pytest.mark.points(1, hint="hotp must honour both `digits` (6, 7 or 8) and `digest` together.")
def test_hotp_digits_and_digests(ex01):
    """hotp() matches pyotp for every digest with 6, 7 and 8 digits"""
    for digest in ("sha1", "sha256", "sha512"):
        for digits in (6, 7, 8):
            for counter in (0, 1, 2**32 + 5):
                assert ex01.hotp(SECRET, counter, digits, digest) == reference_code(SECRET, counter, digits, digest), \
                    (digest, digits, counter)


@pytest.mark.points(1, hint="counter = floor((at - t0) / step): use the `step` and `t0` you are given.")
def test_totp_step_and_t0(ex01):
    """totp() uses step and t0: a 60-second step and a shifted T0 give pyotp's codes"""
    assert ex01.totp(SECRET, AT, step=60) == pyotp.TOTP(b32(SECRET), interval=60).at(AT)
    assert ex01.totp(SECRET, AT, t0=15) == reference_code(SECRET, int((AT - 15) // 30))
    assert ex01.totp(SECRET, 29.999) == reference_code(SECRET, 0)
    assert ex01.totp(SECRET, 30.0) == reference_code(SECRET, 1)


@pytest.mark.points(1, hint="window=n tries n steps on each side of now; window=0 tries only now.")
def test_verify_window_sizes(ex01):
    """verify_totp() honours window=0 and window=2 and returns the matched step"""
    previous = reference_code(SECRET, STEP_NOW - 1)
    assert ex01.verify_totp(SECRET, previous, AT, window=0) is None
    assert ex01.verify_totp(SECRET, reference_code(SECRET, STEP_NOW), AT, window=0) == STEP_NOW
    for offset in (-2, 2):
        code = reference_code(SECRET, STEP_NOW + offset)
        assert ex01.verify_totp(SECRET, code, AT, window=2) == STEP_NOW + offset
    assert ex01.verify_totp(SECRET, reference_code(SECRET, STEP_NOW + 3), AT, window=2) is None


@pytest.mark.points(1, hint="Compare the whole code as a string of exactly `digits` digits, never as a number.")
def test_verify_malformed_and_spaced(ex01):
    """verify_totp() compares strings: no signs, no numbers as int, spaces removed, 8 digits"""
    code = reference_code(SECRET, STEP_NOW)
    assert ex01.verify_totp(SECRET, " ".join(code), AT) == STEP_NOW
    assert ex01.verify_totp(SECRET, code + " ", AT) == STEP_NOW
    for bad in ("+" + code[1:], "-" + code[1:], code[:5] + ".", "1e5000", code[:3] + "-" + code[3:]):
        assert ex01.verify_totp(SECRET, bad, AT) is None, bad
    eight = reference_code(SECRET, STEP_NOW, digits=8)
    assert ex01.verify_totp(SECRET, eight, AT, digits=8) == STEP_NOW
    assert ex01.verify_totp(SECRET, eight[-6:], AT, digits=8) is None


@pytest.mark.points(1, hint="A replay is any matching step <= last_step, even inside the window.")
def test_verify_replay_inside_window(ex01):
    """verify_totp() refuses an older step after a newer one was used, accepts a newer one"""
    older, newer = reference_code(SECRET, STEP_NOW - 1), reference_code(SECRET, STEP_NOW + 1)
    assert ex01.verify_totp(SECRET, older, AT, last_step=STEP_NOW) is None
    assert ex01.verify_totp(SECRET, newer, AT, last_step=STEP_NOW) == STEP_NOW + 1
    assert ex01.verify_totp(SECRET, newer, AT, last_step=STEP_NOW + 1) is None


@pytest.mark.points(1, hint="Percent-encode issuer and account (urllib.parse.quote) in the label and in the "
                            "query; add algorithm, digits and period.")
def test_provisioning_uri_special_characters(ex01):
    """provisioning_uri() encodes special characters and carries digest, digits and period"""
    issuer, account = "Bank & Co #1", "alice smith+mfa@bank.lab"
    uri = ex01.provisioning_uri(SECRET, account, issuer, digits=8, step=60, digest="sha256")
    parts = urlsplit(uri)
    assert " " not in uri and parts.scheme == "otpauth" and parts.netloc == "totp"
    query = parse_qs(parts.query)
    assert query["issuer"] == [issuer]
    assert unquote(parts.path) == f"/{issuer}:{account}"
    assert "#" not in uri and "&" not in parts.path
    parsed = pyotp.parse_uri(uri)
    assert (parsed.issuer, parsed.name, parsed.digits, parsed.interval) == (issuer, account, 8, 60)
    assert parsed.at(AT) == pyotp.TOTP(b32(SECRET), digits=8, interval=60, digest=hashlib.sha256).at(AT)


@pytest.mark.points(1, hint="Check every argument: totp and verify_totp as well as hotp.")
def test_more_value_errors(ex01):
    """totp(), verify_totp() and provisioning_uri() refuse invalid arguments with ValueError"""
    assert error_type(ex01.hotp, SECRET, 0, digits=9) == "ValueError"
    assert error_type(ex01.totp, SECRET, AT, digest="md5") == "ValueError"
    assert error_type(ex01.totp, SECRET, AT, step=-30) == "ValueError"
    assert error_type(ex01.totp, SECRET, AT, digits=4) == "ValueError"
    assert error_type(ex01.verify_totp, SECRET, "123456", AT, step=0) == "ValueError"
    assert error_type(ex01.provisioning_uri, SECRET, "a", "b", digits=10) == "ValueError"
