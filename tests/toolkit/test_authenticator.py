"""Tests for mfalab.authenticator: every response must verify with py_webauthn, the real RP library."""

import hashlib
import json

import cbor2
import pytest
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import options_to_json
from webauthn.helpers.exceptions import InvalidAuthenticationResponse, InvalidRegistrationResponse
from webauthn.helpers.structs import COSEAlgorithmIdentifier, PublicKeyCredentialDescriptor

from mfalab.authenticator import (
    AuthenticatorError,
    CredentialExcluded,
    InsecureOrigin,
    NoMatchingCredential,
    NoSupportedAlgorithm,
    RelyingPartyMismatch,
    SoftAuthenticator,
    b64url_decode,
    b64url_encode,
)

ORIGIN = "http://localhost:8000"
RP_ID = "localhost"
ALGORITHMS = ["ES256", "EdDSA", "RS256"]


def registration_options(rp_id=RP_ID, **kwargs):
    options = generate_registration_options(rp_id=rp_id, rp_name="MFA Lab", user_name="alice", **kwargs)
    return options, options_to_json(options)


def authentication_options(rp_id=RP_ID, **kwargs):
    options = generate_authentication_options(rp_id=rp_id, **kwargs)
    return options, options_to_json(options)


def register(authenticator, rp_id=RP_ID, origin=ORIGIN, require_user_verification=False):
    options, options_json = registration_options(rp_id)
    response = authenticator.create(options_json, origin)
    return options, verify_registration_response(
        credential=response,
        expected_challenge=options.challenge,
        expected_origin=origin,
        expected_rp_id=rp_id,
        require_user_verification=require_user_verification,
    )


def authenticate(authenticator, verified_registration, current_sign_count, rp_id=RP_ID, origin=ORIGIN,
                 require_user_verification=False):
    options, options_json = authentication_options(rp_id)
    response = authenticator.get(options_json, origin)
    return verify_authentication_response(
        credential=response,
        expected_challenge=options.challenge,
        expected_origin=origin,
        expected_rp_id=rp_id,
        credential_public_key=verified_registration.credential_public_key,
        credential_current_sign_count=current_sign_count,
        require_user_verification=require_user_verification,
    )


@pytest.mark.parametrize("attestation", ["none", "packed"])
@pytest.mark.parametrize("user_verification", [False, True])
@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_registration_verifies_with_py_webauthn(algorithm, user_verification, attestation):
    authenticator = SoftAuthenticator(algorithm, user_verification=user_verification, attestation=attestation)
    _, verified = register(authenticator, require_user_verification=user_verification)

    assert verified.fmt == attestation
    assert verified.user_verified is user_verification
    assert verified.sign_count == 0
    assert verified.aaguid == "00000000-0000-0000-0000-000000000000"
    assert verified.credential_device_type == "single_device"
    stored = authenticator.credentials[0]
    assert verified.credential_id == stored.credential_id
    assert verified.credential_public_key == stored.public_key_cose
    assert cbor2.loads(stored.public_key_cose)[3] == {"ES256": -7, "EdDSA": -8, "RS256": -257}[algorithm]


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_authentication_verifies_and_sign_count_increases(algorithm):
    authenticator = SoftAuthenticator(algorithm, attestation="packed")
    _, registration = register(authenticator)

    first = authenticate(authenticator, registration, registration.sign_count)
    second = authenticate(authenticator, registration, first.new_sign_count)

    assert first.credential_id == registration.credential_id
    assert (registration.sign_count, first.new_sign_count, second.new_sign_count) == (0, 1, 2)
    assert authenticator.credentials[0].sign_count == 2


def test_assertion_is_bound_to_the_registered_key():
    authenticator = SoftAuthenticator()
    other = SoftAuthenticator()
    register(authenticator)
    _, other_registration = register(other)
    with pytest.raises(InvalidAuthenticationResponse, match="signature"):
        authenticate(authenticator, other_registration, 0)


def test_response_shape_is_what_a_browser_posts():
    authenticator = SoftAuthenticator()
    options, options_json = registration_options()
    response = authenticator.create(options_json, ORIGIN)

    assert response["type"] == "public-key"
    assert response["id"] == response["rawId"] and "=" not in response["id"]
    assert response["response"]["transports"] == ["usb"]
    assert response["authenticatorAttachment"] == "cross-platform"
    assert response["clientExtensionResults"] == {}
    client_data = json.loads(b64url_decode(response["response"]["clientDataJSON"]))
    assert client_data == {"type": "webauthn.create", "challenge": b64url_encode(options.challenge),
                           "origin": ORIGIN, "crossOrigin": False}

    attestation_object = cbor2.loads(b64url_decode(response["response"]["attestationObject"]))
    auth_data = attestation_object["authData"]
    assert attestation_object["fmt"] == "none" and attestation_object["attStmt"] == {}
    assert auth_data[:32] == hashlib.sha256(b"localhost").digest()
    assert auth_data[32] == 0x41  # UP | AT

    request, request_json = authentication_options()
    assertion = authenticator.get(json.loads(request_json), ORIGIN)  # a dict works too
    assert b64url_decode(assertion["response"]["userHandle"]) == options.user.id
    assert json.loads(b64url_decode(assertion["response"]["clientDataJSON"]))["type"] == "webauthn.get"
    assert len(b64url_decode(assertion["response"]["authenticatorData"])) == 37  # no attested data


def test_wrong_expected_origin_is_rejected_by_the_relying_party():
    authenticator = SoftAuthenticator()
    options, options_json = registration_options()
    response = authenticator.create(options_json, ORIGIN)
    with pytest.raises(InvalidRegistrationResponse, match="origin"):
        verify_registration_response(credential=response, expected_challenge=options.challenge,
                                     expected_origin="https://mfa-lab.example", expected_rp_id=RP_ID)

    request, request_json = authentication_options()
    assertion = authenticator.get(request_json, ORIGIN)
    with pytest.raises(InvalidAuthenticationResponse, match="origin"):
        verify_authentication_response(
            credential=assertion, expected_challenge=request.challenge, expected_origin="http://localhost:9999",
            expected_rp_id=RP_ID, credential_public_key=authenticator.credentials[0].public_key_cose,
            credential_current_sign_count=0)


def test_phishing_origin_cannot_use_a_foreign_rp_id():
    authenticator = SoftAuthenticator()
    _, options_json = registration_options(rp_id="bank.example")
    with pytest.raises(RelyingPartyMismatch, match="bank.example"):
        authenticator.create(options_json, ORIGIN)
    assert authenticator.credentials == []  # refused before any key was made

    register(authenticator)
    _, request_json = authentication_options(rp_id="bank.example")
    with pytest.raises(RelyingPartyMismatch):
        authenticator.get(request_json, ORIGIN)
    with pytest.raises(RelyingPartyMismatch):  # a look-alike domain is not a suffix
        authenticator.create(registration_options(rp_id="bank.example")[1], "https://evilbank.example")
    assert authenticator.credentials[0].sign_count == 0  # nothing was signed


def test_registrable_suffix_is_accepted():
    origin = "https://login.bank.example"
    authenticator = SoftAuthenticator()
    _, registration = register(authenticator, rp_id="bank.example", origin=origin)
    assert authenticator.credentials[0].rp_id == "bank.example"
    result = authenticate(authenticator, registration, 0, rp_id="bank.example", origin=origin)
    assert result.new_sign_count == 1


@pytest.mark.parametrize("origin", ["http://bank.example", "https://127.0.0.1", "localhost:8000",
                                    "http://localhost:8000/login"])
def test_insecure_or_malformed_origins_are_refused(origin):
    _, options_json = registration_options(rp_id="bank.example" if "bank" in origin else RP_ID)
    with pytest.raises(AuthenticatorError):
        SoftAuthenticator().create(options_json, origin)


def test_ip_address_origin_is_refused():
    _, options_json = registration_options(rp_id="127.0.0.1")
    with pytest.raises(RelyingPartyMismatch, match="IP address"):
        SoftAuthenticator().create(options_json, "https://127.0.0.1")
    with pytest.raises(InsecureOrigin):
        SoftAuthenticator().create(options_json, "http://127.0.0.1:8000")


def test_unsupported_algorithm_is_refused():
    _, options_json = registration_options(
        supported_pub_key_algs=[COSEAlgorithmIdentifier.ECDSA_SHA_256])
    with pytest.raises(NoSupportedAlgorithm, match="EdDSA"):
        SoftAuthenticator("EdDSA").create(options_json, ORIGIN)


def test_exclude_and_allow_credentials():
    authenticator = SoftAuthenticator()
    register(authenticator)
    existing = PublicKeyCredentialDescriptor(id=authenticator.credentials[0].credential_id)
    _, options_json = registration_options(exclude_credentials=[existing])
    with pytest.raises(CredentialExcluded):
        authenticator.create(options_json, ORIGIN)

    unknown = PublicKeyCredentialDescriptor(id=b"\x01" * 32)
    _, request_json = authentication_options(allow_credentials=[unknown])
    with pytest.raises(NoMatchingCredential, match="allowCredentials"):
        authenticator.get(request_json, ORIGIN)
    _, request_json = authentication_options(allow_credentials=[unknown, existing])
    assert b64url_decode(authenticator.get(request_json, ORIGIN)["id"]) == existing.id
    with pytest.raises(NoMatchingCredential):
        SoftAuthenticator().get(authentication_options()[1], ORIGIN)


def test_cloned_authenticator_is_detected_by_sign_count():
    original = SoftAuthenticator()
    _, registration = register(original)
    stored_count = authenticate(original, registration, registration.sign_count).new_sign_count  # 1

    clone = original.clone()
    assert clone.credentials[0] is not original.credentials[0]
    assert clone.credentials[0].public_key_cose == original.credentials[0].public_key_cose

    stored_count = authenticate(original, registration, stored_count).new_sign_count  # original -> 2
    assert stored_count == 2
    with pytest.raises(InvalidAuthenticationResponse, match="sign count of 2 was not greater than current count of 2"):
        authenticate(clone, registration, stored_count)  # clone also says 2: went "backwards"
    assert clone.credentials[0].sign_count == 2 and original.credentials[0].sign_count == 2


def test_zero_counter_authenticator_is_accepted():
    authenticator = SoftAuthenticator(counter_step=0)
    _, registration = register(authenticator)
    assert authenticate(authenticator, registration, 0).new_sign_count == 0
    assert authenticate(authenticator, registration, 0).new_sign_count == 0


def test_sign_count_start_is_reported_at_registration():
    authenticator = SoftAuthenticator(sign_count_start=41)
    _, registration = register(authenticator)
    assert registration.sign_count == 41
    assert authenticate(authenticator, registration, 41).new_sign_count == 42


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_user_verification_flag(algorithm):
    without_uv = SoftAuthenticator(algorithm, user_verification=False)
    with pytest.raises(InvalidRegistrationResponse, match="[Uu]ser verification"):
        register(without_uv, require_user_verification=True)
    _, registration = register(without_uv)
    assert registration.user_verified is False
    with pytest.raises(InvalidAuthenticationResponse, match="[Uu]ser verification"):
        authenticate(without_uv, registration, 0, require_user_verification=True)

    with_uv = SoftAuthenticator(algorithm, user_verification=True)
    _, registration = register(with_uv, require_user_verification=True)
    assert registration.user_verified is True
    result = authenticate(with_uv, registration, 0, require_user_verification=True)
    assert result.user_verified is True


@pytest.mark.parametrize("algorithm", ["ES256", "EdDSA"])
def test_seed_makes_credentials_deterministic(algorithm):
    first, second = SoftAuthenticator(algorithm, seed=b"lesson-3"), SoftAuthenticator(algorithm, seed=b"lesson-3")
    for _ in range(2):
        register(first)
        register(second)
    assert [c.credential_id for c in first.credentials] == [c.credential_id for c in second.credentials]
    assert [c.public_key_cose for c in first.credentials] == [c.public_key_cose for c in second.credentials]
    assert first.credentials[0].credential_id != first.credentials[1].credential_id
    assert first.credentials[0].public_key_cose != first.credentials[1].public_key_cose

    other = SoftAuthenticator(algorithm, seed=b"lesson-4")
    register(other)
    assert other.credentials[0].credential_id != first.credentials[0].credential_id
    assert other.credentials[0].public_key_cose != first.credentials[0].public_key_cose


def test_without_seed_credentials_are_random():
    a, b = SoftAuthenticator(), SoftAuthenticator()
    register(a)
    register(b)
    assert a.credentials[0].credential_id != b.credentials[0].credential_id
    assert a.credentials[0].public_key_cose != b.credentials[0].public_key_cose


def test_aaguid_is_reported_and_validated():
    aaguid = bytes(range(16))
    _, registration = register(SoftAuthenticator(aaguid=aaguid))
    assert registration.aaguid == "00010203-0405-0607-0809-0a0b0c0d0e0f"
    with pytest.raises(ValueError, match="16 bytes"):
        SoftAuthenticator(aaguid=b"short")
    with pytest.raises(ValueError, match="algorithm"):
        SoftAuthenticator("PS256")


def test_b64url_round_trip():
    data = bytes(range(256))
    text = b64url_encode(data)
    assert "=" not in text and "+" not in text and "/" not in text
    assert b64url_decode(text) == data
    assert b64url_decode("YQ==") == b64url_decode("YQ") == b"a"
