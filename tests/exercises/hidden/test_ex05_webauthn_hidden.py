"""Exercise 5, hidden tests: every step of §7.2 on its own, all algorithms, and py_webauthn's verdict.

Each negative case changes one thing and, where the change touches signed bytes, signs
again with the credential key (ceremony.resign), so exactly one step of §7.2 fails.
"""

import hashlib
import struct

import cbor2
import pytest

from mfalab import ceremony
from mfalab.authenticator import SoftAuthenticator
from mfalab.sandbox import StudentError

pytestmark = [pytest.mark.exercise("ex05"), pytest.mark.hidden]
ALGORITHMS = ("ES256", "EdDSA", "RS256")
# Exception names that are ValueErrors (the contract of parse_authenticator_data).
VALUE_ERRORS = {"ValueError", "MalformedAssertion", "UnicodeDecodeError", "CBORDecodeError", "CBORDecodeValueError",
                "CBORDecodeEOF", "JSONDecodeError"}


def raised(call, **kwargs):
    try:
        call(**kwargs)
    except StudentError as error:
        return error.type_name
    return None


def auth_data(flags, sign_count=0, tail=b""):
    return hashlib.sha256(b"localhost").digest() + bytes([flags]) + struct.pack(">I", sign_count) + tail


@pytest.mark.points(1, hint="Each flag is one bit of byte 32: UP 0x01, UV 0x04, BE 0x08, BS 0x10, AT 0x40, ED 0x80.")
def test_each_flag(ex05):
    """parse_authenticator_data names every flag bit, and skips ED extensions"""
    names = {"up": 0x01, "uv": 0x04, "be": 0x08, "bs": 0x10}
    for name, bit in names.items():
        parsed = ex05.parse_authenticator_data(auth_data(bit, 7))
        assert parsed["flags"] == bit and parsed["sign_count"] == 7
        assert {n: parsed[n] for n in (*names, "at", "ed")} == {n: n == name for n in (*names, "at", "ed")}
    extensions = cbor2.dumps({"credProtect": 1})
    parsed = ex05.parse_authenticator_data(auth_data(0x81, 2**32 - 1, extensions))
    assert parsed["ed"] and parsed["up"] and not parsed["at"] and parsed["sign_count"] == 2**32 - 1


@pytest.mark.points(1, hint="With AT set, check the lengths: cut-short data and stray trailing bytes are malformed.")
def test_malformed_attested_data(ex05):
    """parse_authenticator_data raises ValueError on cut or padded attested credential data"""
    key = SoftAuthenticator(seed=b"hidden-at")
    response = key.create({"rp": {"id": "localhost", "name": "Lab"}, "user": {"id": "dQ", "name": "u"},
                           "challenge": "Y2g", "pubKeyCredParams": [{"type": "public-key", "alg": -7}]},
                          "http://localhost")
    good = ceremony.decode_attestation_object(response["response"]["attestationObject"])["authData"]
    assert ex05.parse_authenticator_data(good)["credential_id"] == key.credentials[0].credential_id
    huge_length = good[:53] + struct.pack(">H", 5000) + good[55:]
    for bad in (good[:45], good[:60], good[:-3], huge_length, good + b"\x00", auth_data(0x41)):
        assert raised(ex05.parse_authenticator_data, data=bad) in VALUE_ERRORS, bad.hex()


@pytest.mark.points(1, hint="Step 11: clientData.type must be exactly 'webauthn.get'.")
def test_wrong_type(ex05):
    """A registration's clientData (webauthn.create) is refused with WrongType"""
    kwargs, _, key = ceremony.assertion_case("EdDSA")
    bad = ceremony.resign(key, kwargs, client_data_json=ceremony.with_client_data(kwargs, type="webauthn.create"))
    assert raised(ex05.verify_assertion, **bad) == "WrongType"


@pytest.mark.points(1, hint="Step 15: compare rpIdHash with SHA-256 of expected_rp_id.")
def test_rp_id_hash(ex05):
    """A credential scoped to another RP ID is refused with RpIdHashMismatch"""
    kwargs, _, key = ceremony.assertion_case(origin="https://bank.example", rp_id="bank.example")
    other = dict(kwargs, expected_origin="https://bank.example", expected_rp_id="example")
    assert raised(ex05.verify_assertion, **other) == "RpIdHashMismatch"
    forged = hashlib.sha256(b"evil.example").digest() + kwargs["authenticator_data"][32:]
    assert raised(ex05.verify_assertion, **ceremony.resign(key, kwargs, authenticator_data=forged)) == \
        "RpIdHashMismatch"


@pytest.mark.points(1, hint="Step 16: the UP flag (0x01) must be set.")
def test_user_not_present(ex05):
    """An assertion without user presence is refused with UserNotPresent"""
    kwargs, _, key = ceremony.assertion_case("RS256")
    silent = ceremony.with_flags(kwargs["authenticator_data"], clear_bits=0x01)
    assert raised(ex05.verify_assertion, **ceremony.resign(key, kwargs, authenticator_data=silent)) == "UserNotPresent"


@pytest.mark.points(1, hint="Step 17: when require_user_verification is True, the UV flag (0x04) must be set.")
def test_user_verification(ex05):
    """UV required: refused without UV (UserNotVerified), accepted with it"""
    kwargs, _, _ = ceremony.assertion_case()
    assert ex05.verify_assertion(**kwargs) == 1
    assert raised(ex05.verify_assertion, **dict(kwargs, require_user_verification=True)) == "UserNotVerified"
    kwargs, _, _ = ceremony.assertion_case(user_verification=True)
    assert ex05.verify_assertion(**dict(kwargs, require_user_verification=True)) == 1


@pytest.mark.points(1, hint="Verify with the stored key of the credential; a signature by any other key must fail.")
def test_signature_from_another_key(ex05):
    """For ES256, EdDSA and RS256, a signature by another key is refused with BadSignature"""
    for algorithm in ALGORITHMS:
        kwargs, _, _ = ceremony.assertion_case(algorithm, seed=b"owner")
        stolen, _, _ = ceremony.assertion_case(algorithm, seed=b"intruder")
        assert stolen["credential_public_key"] != kwargs["credential_public_key"]
        assert raised(ex05.verify_assertion, **dict(stolen, credential_public_key=kwargs["credential_public_key"])) \
            == "BadSignature", algorithm
        garbage = dict(kwargs, signature=bytes(len(kwargs["signature"])))
        assert raised(ex05.verify_assertion, **garbage) == "BadSignature", algorithm


@pytest.mark.points(1, hint="Step 22: both counts zero is fine (no counter); otherwise new must be above stored.")
def test_sign_count_rules(ex05):
    """Sign counts: zero-zero accepted, equal refused, a jump forward accepted"""
    kwargs, _, _ = ceremony.assertion_case(counter_step=0)
    assert ex05.verify_assertion(**kwargs) == 0
    kwargs, _, _ = ceremony.assertion_case(sign_count_start=9)
    assert raised(ex05.verify_assertion, **dict(kwargs, stored_sign_count=10)) == "SignCountNotIncreased"
    assert ex05.verify_assertion(**dict(kwargs, stored_sign_count=3)) == 10
    assert raised(ex05.verify_assertion, **dict(kwargs, stored_sign_count=11)) == "SignCountNotIncreased"


@pytest.mark.points(1, hint="Support COSE alg -7, -8 and -257 only; anything else is UnsupportedAlgorithm.")
def test_unsupported_algorithm(ex05):
    """A COSE key with another algorithm (ES384, -35) is refused with UnsupportedAlgorithm"""
    kwargs, _, _ = ceremony.assertion_case()
    key = cbor2.loads(kwargs["credential_public_key"])
    es384 = cbor2.dumps({**key, 3: -35, -1: 2})
    assert raised(ex05.verify_assertion, **dict(kwargs, credential_public_key=es384)) == "UnsupportedAlgorithm"


@pytest.mark.points(1, hint="Whatever py_webauthn accepts or refuses, your verify_assertion should too.")
def test_agrees_with_py_webauthn(ex05):
    """Accept/refuse verdicts agree with py_webauthn on valid and tampered inputs"""
    for algorithm in ALGORITHMS:
        kwargs, response, key = ceremony.assertion_case(algorithm, seed=b"cross")
        variants = {
            "valid": kwargs,
            "uv required": dict(kwargs, require_user_verification=True),
            "origin": dict(kwargs, expected_origin="http://localhost:8000"),
            "challenge": dict(kwargs, expected_challenge=b"x" * 32),
            "rp id": dict(kwargs, expected_rp_id="bank.localhost"),
            "client data": dict(kwargs, client_data_json=kwargs["client_data_json"].replace(b"false", b"true ")),
            "counter": dict(kwargs, stored_sign_count=1),
            "counter ahead": dict(kwargs, stored_sign_count=0),
        }
        for name, case in variants.items():
            verdict = ceremony.verify_authentication(
                ceremony.as_response(case, response), public_key=case["credential_public_key"],
                challenge=case["expected_challenge"], origin=case["expected_origin"], rp_id=case["expected_rp_id"],
                sign_count=case["stored_sign_count"], require_user_verification=case.get("require_user_verification",
                                                                                          False))
            mine = raised(ex05.verify_assertion, **case)
            assert (mine is None) == verdict.ok, f"{algorithm} {name}: py_webauthn {verdict}, learner {mine}"
