"""Exercise 5, public tests: parse authenticatorData, verify an assertion (W3C WebAuthn §7.2).

Every input comes from the course's software authenticator, built here in the test process;
the learner's functions are reached only through the `ex05` sandbox fixture.
"""

import hashlib

import cbor2
import pytest

from mfalab import ceremony
from mfalab.authenticator import SoftAuthenticator
from mfalab.sandbox import StudentError

pytestmark = pytest.mark.exercise("ex05")


def raised(call, **kwargs):
    """The type name of the exception the learner's code raised (None when it returned)."""
    try:
        call(**kwargs)
    except StudentError as error:
        return error.type_name
    return None


@pytest.mark.points(1, hint="rpIdHash is bytes 0-31, flags byte 32, signCount bytes 33-36 (big-endian).")
def test_parse_assertion_authenticator_data(ex05):
    """parse_authenticator_data splits an assertion's authenticatorData"""
    kwargs, _, _ = ceremony.assertion_case(sign_count_start=41)
    parsed = ex05.parse_authenticator_data(kwargs["authenticator_data"])
    assert parsed["rp_id_hash"] == hashlib.sha256(b"localhost").digest()
    assert parsed["flags"] == 0x01
    assert (parsed["up"], parsed["uv"], parsed["at"], parsed["ed"]) == (True, False, False, False)
    assert parsed["sign_count"] == 42


@pytest.mark.points(1, hint="With AT: aaguid (16) | credentialIdLength (2, big-endian) | credentialId | COSE key.")
def test_parse_attested_credential_data(ex05):
    """parse_authenticator_data reads the attested credential of a registration"""
    key = SoftAuthenticator("EdDSA", seed=b"public-at", aaguid=bytes(range(16)))
    response = key.create({"rp": {"id": "localhost", "name": "Lab"}, "user": {"id": "dQ", "name": "u"},
                           "challenge": "Y2g", "pubKeyCredParams": [{"type": "public-key", "alg": -8}]},
                          "http://localhost")
    auth_data = ceremony.decode_attestation_object(response["response"]["attestationObject"])["authData"]
    parsed = ex05.parse_authenticator_data(auth_data)
    credential = key.credentials[0]
    assert parsed["at"] is True and parsed["sign_count"] == 0
    assert parsed["aaguid"] == bytes(range(16))
    assert parsed["credential_id"] == credential.credential_id
    assert parsed["credential_public_key"] == credential.public_key_cose
    assert cbor2.loads(parsed["credential_public_key"])[3] == -8


@pytest.mark.points(1, hint="Fewer than 37 bytes cannot be authenticatorData: raise ValueError.")
def test_parse_refuses_short_data(ex05):
    """parse_authenticator_data raises ValueError for data shorter than 37 bytes"""
    kwargs, _, _ = ceremony.assertion_case()
    assert raised(ex05.parse_authenticator_data, data=kwargs["authenticator_data"][:36]) == "ValueError"
    assert raised(ex05.parse_authenticator_data, data=b"") == "ValueError"


@pytest.mark.points(1, hint="Return the signCount from authenticatorData when every step passes.")
def test_valid_es256_assertion(ex05):
    """A valid ES256 assertion is accepted and its new sign count returned"""
    kwargs, _, key = ceremony.assertion_case("ES256", sign_count_start=6)
    assert ex05.verify_assertion(**kwargs) == 7
    kwargs, _, _ = ceremony.assertion_case(authenticator=key)
    assert ex05.verify_assertion(**kwargs) == 8


@pytest.mark.points(1, hint="EdDSA (-8) is Ed25519 over the raw bytes; RS256 (-257) is PKCS#1 v1.5 with SHA-256.")
def test_valid_eddsa_and_rs256_assertions(ex05):
    """Valid EdDSA and RS256 assertions are accepted"""
    for algorithm in ("EdDSA", "RS256"):
        kwargs, _, _ = ceremony.assertion_case(algorithm)
        assert ex05.verify_assertion(**kwargs) == 1, algorithm


@pytest.mark.points(1, hint="clientData.challenge is base64url: decode it and compare with expected_challenge.")
def test_wrong_challenge(ex05):
    """A replayed challenge is refused with ChallengeMismatch"""
    kwargs, _, _ = ceremony.assertion_case()
    replay = dict(kwargs, expected_challenge=b"the-challenge-of-this-new-login!")
    assert raised(ex05.verify_assertion, **replay) == "ChallengeMismatch"


@pytest.mark.points(1, hint="Compare clientData.origin with expected_origin exactly.")
def test_wrong_origin(ex05):
    """An assertion made on another origin is refused with OriginMismatch"""
    kwargs, _, _ = ceremony.assertion_case(origin="http://phish.localhost", rp_id="localhost")
    assert raised(ex05.verify_assertion, **dict(kwargs, expected_origin="http://localhost")) == "OriginMismatch"


@pytest.mark.points(1, hint="The signature covers authenticatorData || SHA-256(clientDataJSON).")
def test_tampered_authenticator_data(ex05):
    """A changed signCount byte breaks the signature: BadSignature"""
    kwargs, _, _ = ceremony.assertion_case()
    data = bytearray(kwargs["authenticator_data"])
    data[36] ^= 0x80
    assert raised(ex05.verify_assertion, **dict(kwargs, authenticator_data=bytes(data))) == "BadSignature"


@pytest.mark.points(1, hint="Refuse a signCount that is not above the stored one (unless both are zero).")
def test_cloned_authenticator(ex05):
    """A cloned key's counter falls behind: SignCountNotIncreased"""
    _, _, key = ceremony.assertion_case()
    twin = key.clone()
    for _ in range(3):
        kwargs, _, _ = ceremony.assertion_case(authenticator=key)
    stored = ex05.verify_assertion(**kwargs)
    assert stored == 4
    kwargs, _, _ = ceremony.assertion_case(authenticator=twin)
    assert raised(ex05.verify_assertion, **dict(kwargs, stored_sign_count=stored)) == "SignCountNotIncreased"


@pytest.mark.points(1, hint="The lab signs dana in with your verify_assertion and its own origin: compare "
                            "clientData.origin with expected_origin exactly, whatever Host the request claims.")
def test_the_lab_refuses_a_relayed_origin(graded_lab):
    """The lab running your verify_assertion signs dana in with her key and refuses a relay that forges the Host"""
    from mfalab.attacks import relay

    graded_lab.login("dana")  # her own sign-in works
    relayed = relay.relay_webauthn_forged_host(graded_lab)
    assert not relayed.succeeded and relayed.evidence["refused by"] == "lab (origin check)", relayed
