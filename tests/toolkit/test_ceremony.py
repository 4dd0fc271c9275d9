"""Tests for mfalab.ceremony: decoding, parsing, py_webauthn verdicts, the lab's real wizards, the stepper."""

import hashlib
import json

import pytest

from mfalab import ceremony
from mfalab.authenticator import SoftAuthenticator, b64url_encode
from mfalab.lab import LoginFailed

OPTIONS = {"rp": {"id": "localhost", "name": "MFA Lab Bank"}, "user": {"id": "dXNlcg", "name": "user"},
           "challenge": b64url_encode(b"registration-challenge"),
           "pubKeyCredParams": [{"type": "public-key", "alg": a} for a in (-7, -8, -257)]}


def registration(algorithm="ES256", **options):
    key = SoftAuthenticator(algorithm, seed=b"toolkit", **options)
    return key, key.create(OPTIONS, "http://localhost")


def test_decode_client_data_and_attestation_object():
    key, response = registration(attestation="packed")
    client_data = ceremony.decode_client_data(response["response"]["clientDataJSON"])
    assert client_data == {"type": "webauthn.create", "challenge": OPTIONS["challenge"],
                           "origin": "http://localhost", "crossOrigin": False}
    attestation = ceremony.decode_attestation_object(response["response"]["attestationObject"])
    assert attestation["fmt"] == "packed" and attestation["attStmt"]["alg"] == -7
    assert ceremony.parse_authenticator_data(attestation["authData"])["credential_public_key"] == \
        key.credentials[0].public_key_cose


@pytest.mark.parametrize("algorithm", ["ES256", "EdDSA", "RS256"])
def test_reference_parse_matches_solution_and_py_webauthn(algorithm):
    from webauthn.helpers import parse_authenticator_data as library_parse

    from solutions.ex05_webauthn import parse_authenticator_data as solution_parse

    _, response = registration(algorithm, user_verification=True)
    data = ceremony.decode_attestation_object(response["response"]["attestationObject"])["authData"]
    mine = ceremony.parse_authenticator_data(data)
    assert mine == solution_parse(data)
    theirs = library_parse(data)
    assert (mine["sign_count"], mine["up"], mine["uv"], mine["at"]) == \
        (theirs.sign_count, theirs.flags.up, theirs.flags.uv, theirs.flags.at)
    assert mine["credential_id"] == theirs.attested_credential_data.credential_id
    assert mine["credential_public_key"] == theirs.attested_credential_data.credential_public_key


@pytest.mark.parametrize("bad", [b"", bytes(36), bytes(32) + b"\x41" + bytes(4), bytes(37) + b"\x00"])
def test_reference_parse_refuses_malformed(bad):
    with pytest.raises(ValueError):
        ceremony.parse_authenticator_data(bad)


def test_authenticator_data_fields_table():
    _, response = registration()
    data = ceremony.decode_attestation_object(response["response"]["attestationObject"])["authData"]
    rows = {row.name.strip(): row for row in ceremony.authenticator_data_fields(data, rp_id="localhost")}
    assert rows["rpIdHash"].raw == hashlib.sha256(b"localhost").digest()
    assert "= SHA-256('localhost')" in rows["rpIdHash"].meaning
    assert rows["flags"].meaning == "0b01000001"
    assert rows["UP (0x01)"].meaning.startswith("1") and rows["UV (0x04)"].meaning.startswith("0")
    assert rows["signCount"].offset == 33 and rows["credentialIdLength"].raw == b"\x00\x20"
    assert rows["credentialPublicKey"].meaning.endswith("ES256 (ECDSA P-256, SHA-256)")
    assert "<table>" in ceremony.fields_html(list(rows.values()))
    assert set(ceremony.cose_key_fields(rows["credentialPublicKey"].raw)) == \
        {"1 (kty)", "3 (alg)", "-1 (crv)", "-2 (x)", "-3 (y)"}


@pytest.mark.parametrize("algorithm", ["ES256", "EdDSA", "RS256"])
def test_signature_by_hand_and_py_webauthn_verdict(algorithm):
    kwargs, response, key = ceremony.assertion_case(algorithm)
    signed = ceremony.signed_bytes(kwargs["authenticator_data"], kwargs["client_data_json"])
    assert ceremony.check_signature(kwargs["credential_public_key"], kwargs["signature"], signed)
    assert not ceremony.check_signature(kwargs["credential_public_key"], kwargs["signature"], signed + b"!")
    good = dict(public_key=kwargs["credential_public_key"], challenge=kwargs["expected_challenge"],
                origin="http://localhost", rp_id="localhost", sign_count=0)
    assert str(ceremony.verify_authentication(response, **good)) == "accepted, new signCount 1"
    refused = ceremony.verify_authentication(response, **dict(good, origin="https://localhost"))
    assert not refused.ok and "origin" in refused.reason


def test_resign_changes_one_thing_only():
    from solutions.ex05_webauthn import verify_assertion

    kwargs, _, key = ceremony.assertion_case()
    changed = ceremony.resign(key, kwargs, client_data_json=ceremony.with_client_data(kwargs, origin="http://x"))
    with pytest.raises(ValueError, match="origin"):
        verify_assertion(**changed)
    assert verify_assertion(**dict(changed, expected_origin="http://x")) == 1


def test_registration_verifies_with_py_webauthn():
    _, response = registration("EdDSA")
    verified = ceremony.verify_registration(response, challenge=b"registration-challenge",
                                            origin="http://localhost", rp_id="localhost")
    assert verified.sign_count == 0 and verified.credential_public_key[:1] == b"\xa4"


def test_register_and_login_through_the_lab_wizards(lab):
    key = SoftAuthenticator(seed=b"mallory-key")
    client, response, page = ceremony.register_key(lab, "mallory", key)
    assert page.location.endswith("/setup/complete/")
    device = lab.devices("mallory")[0]
    assert type(device).__name__ == "WebauthnDevice" and device.sign_count == 0
    assert device.key_handle == response["id"]
    client = ceremony.login_with_key(lab, "mallory", key)
    assert client.get("/dashboard/").status == 200
    device.refresh_from_db()
    assert device.sign_count == 1


def test_lab_refuses_wrong_origin_and_clone(lab):
    key = ceremony.persona_key("dana")
    twin = key.clone()
    with pytest.raises(LoginFailed, match="not valid"):
        ceremony.login_with_key(lab, "dana", key, origin="http://localhost:8000")
    ceremony.login_with_key(lab, "dana", key)
    ceremony.login_with_key(lab, "dana", key)
    with pytest.raises(LoginFailed, match="not valid"):
        ceremony.login_with_key(lab, "dana", twin)


def test_dana_is_seeded_with_a_security_key(lab):
    device = lab.devices("dana")[0]
    credential = ceremony.persona_key("dana").credentials[0]
    assert device.name == "default" and device.key_handle == b64url_encode(credential.credential_id)
    assert ceremony.persona_key("dana").credentials[0].public_key_cose == credential.public_key_cose
    assert ceremony.login_with_key(lab, "dana", ceremony.persona_key("dana")).get("/dashboard/").status == 200


def test_persona_key_follows_the_lab_counter(lab):
    for _ in range(3):  # what Lab.login("dana") would do: a key in step with the stored count
        ceremony.login_with_key(lab, "dana", ceremony.persona_key("dana", lab))
    assert lab.devices("dana")[0].sign_count == 3
    with pytest.raises(LoginFailed):  # a fresh copy (counter 0) is a clone now
        ceremony.login_with_key(lab, "dana", ceremony.persona_key("dana"))


def test_failed_assertions_are_not_throttled(lab):
    key = ceremony.persona_key("dana")
    flip = lambda r: dict(r, response=dict(r["response"], signature=b64url_encode(b"\x30\x00")))  # noqa: E731
    for _ in range(5):
        with pytest.raises(LoginFailed):
            ceremony.login_with_key(lab, "dana", key, tamper=flip)
    device = lab.devices("dana")[0]
    assert device.throttling_failure_count == 0
    assert ceremony.login_with_key(lab, "dana", key).get("/dashboard/").status == 200


def test_creation_options_come_from_the_page_script(lab):
    client = lab.login("mallory")
    client.get("/account/two_factor/setup/")
    client.post("/account/two_factor/setup/", {"setup_view-current_step": "welcome"})
    client.post("/account/two_factor/setup/", {"setup_view-current_step": "method", "method-method": "webauthn"})
    options = ceremony.creation_options(client)
    assert options["rp"] == {"name": "MFA Lab Bank", "id": "localhost"}
    assert json.loads(client.session["webauthn_creation_options"]) == options
    with pytest.raises(ceremony.CeremonyError):
        ceremony.request_options(client)


def test_stepper_moves_by_setting_values():
    stepper = ceremony.CeremonyStepper([("one", "a"), ("two", "b <c>"), ("three", "d")])
    assert stepper.current == ("one", "a") and stepper.back.disabled and "1/3" in stepper.html.value
    stepper.slider.value = 1
    assert stepper.current[0] == "two" and "b &lt;c&gt;" in stepper.html.value
    stepper.go(+5)
    assert stepper.slider.value == 2 and stepper.next.disabled
    stepper.next.click()
    stepper.back.click()
    assert stepper.slider.value == 1
    with pytest.raises(ValueError):
        ceremony.CeremonyStepper([])


def test_ceremony_messages_for_both_ceremonies():
    key, response = registration()
    titles = [t for t, _ in ceremony.ceremony_messages(OPTIONS, response)]
    assert titles[2].startswith("authenticator -> browser: attestationObject")
    kwargs, assertion, _ = ceremony.assertion_case(authenticator=key)
    messages = ceremony.ceremony_messages({"challenge": "x"}, assertion)
    assert messages[2] == ("authenticator -> browser: signature", assertion["response"]["signature"])
    assert "signCount" in messages[3][1]


def test_draw_sequence_has_every_message():
    import matplotlib

    matplotlib.use("Agg")
    ax = ceremony.draw_sequence("authentication")
    texts = [t.get_text() for t in ax.texts]
    assert sum(t[:2] in {f"{i}." for i in range(1, 7)} for t in texts) == 6
    assert "Relying Party (lab)" in texts


# Half right: the reference's parsing, but a verify_assertion that checks the signature and
# nothing else (no type, challenge, origin, RP ID, flags or counter). Self-contained, as a
# student's module must be: graded code cannot import the kit's own WebAuthn code.
HALF_RIGHT_VERIFY = '''

def verify_assertion(*, credential_public_key, client_data_json, authenticator_data, signature,
                     expected_challenge, expected_origin, expected_rp_id, stored_sign_count,
                     require_user_verification=False):
    import hashlib

    from webauthn.helpers import decode_credential_public_key, decoded_public_key_to_cryptography, verify_signature

    data = parse_authenticator_data(authenticator_data)
    decoded = decode_credential_public_key(credential_public_key)
    verify_signature(public_key=decoded_public_key_to_cryptography(decoded), signature_alg=decoded.alg,
                     signature=signature, data=authenticator_data + hashlib.sha256(client_data_json).digest())
    return data["sign_count"]
'''


def half_right():
    from mfalab.check import REPO

    reference = (REPO / "solutions" / "ex05_webauthn.py").read_text()
    return reference.split("\ndef verify_assertion(")[0] + HALF_RIGHT_VERIFY


def test_half_right_solution_scores_between(grade_submission):
    report = grade_submission("ex05", half_right())
    outcomes = report.rows
    assert report.max_score == 20
    assert 0 < report.score < 20, report.score
    parse = next(r for r in outcomes if r["name"] == "test_parse_attested_credential_data")
    assert parse["points"] == parse["max_points"]
    passed = {r["name"] for r in outcomes if r["points"]}
    assert "test_valid_es256_assertion" in passed and "test_wrong_origin" not in passed


def test_round_trip_over_a_live_server(lab):
    from mfalab.client import HttpClient

    server = lab.serve()
    assert server.url.startswith("http://localhost:")
    key = SoftAuthenticator(seed=b"over-http")
    client, response, _ = ceremony.register_key(lab, "mallory", key, client=lab.login("mallory",
                                                                                     client=HttpClient(server.url)))
    assert ceremony.decode_client_data(response["response"]["clientDataJSON"])["origin"] == server.url
    client = ceremony.login_with_key(lab, "mallory", key, HttpClient(server.url))
    assert client.get("/dashboard/").status == 200
