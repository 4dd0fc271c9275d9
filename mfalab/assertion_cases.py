"""Ready-made WebAuthn assertions and their negative cases (a field changed and signed again,
flags flipped, clientData edited), and exercise 5 run on them.

    kwargs, response, key = assertion_case("ES256")     # exercise 5's verify_assertion arguments
    bad = resign(key, kwargs, client_data_json=with_client_data(kwargs, origin="https://evil.example"))
    exercise_verdicts({"wrong origin": (bad, "InvalidOrigin")})
"""

from __future__ import annotations

import json

from .authenticator import SoftAuthenticator, b64url_encode
from .webauthn_bytes import assertion_parts, parse_authenticator_data
from .webauthn_verify import signed_bytes


FIXED_CHALLENGE = b"mfalab-fixed-challenge-32-bytes!"


def assertion_case(algorithm: str = "ES256", *, seed: bytes | None = b"case", challenge: bytes = FIXED_CHALLENGE,
                   origin: str = "http://localhost", rp_id: str = "localhost", authenticator=None,
                   **authenticator_options) -> tuple[dict, dict, SoftAuthenticator]:
    """Register a credential, then sign one assertion; return (verify kwargs, response, authenticator).

    The kwargs are exactly exercise 5's verify_assertion arguments, with stored_sign_count
    the credential's count at registration. Pass authenticator= to reuse one (its newest
    credential for rp_id signs).
    """
    if authenticator is None:
        authenticator = SoftAuthenticator(algorithm, seed=seed, **authenticator_options)
        authenticator.create({"rp": {"id": rp_id, "name": "MFA Lab Bank"}, "user": {"id": "dXNlcg", "name": "user"},
                              "challenge": "cmVn", "pubKeyCredParams": [{"type": "public-key", "alg": a}
                                                                        for a in (-7, -8, -257)]}, origin)
    credential = [c for c in authenticator.credentials if c.rp_id == rp_id][-1]
    stored = credential.sign_count
    response = authenticator.get({"challenge": b64url_encode(challenge), "rpId": rp_id}, origin)
    kwargs = {"credential_public_key": credential.public_key_cose, **assertion_parts(response),
              "expected_challenge": challenge, "expected_origin": origin, "expected_rp_id": rp_id,
              "stored_sign_count": stored}
    return kwargs, response, authenticator


def resign(authenticator: SoftAuthenticator, kwargs: dict, **changes) -> dict:
    """A copy of verify kwargs with some fields changed and the signature made again over them.

    Only the changed field is wrong then, as if the authenticator itself had produced it.
    """
    changed = {**kwargs, **changes}
    credential = authenticator.credentials[-1]
    changed["signature"] = credential.sign(signed_bytes(changed["authenticator_data"], changed["client_data_json"]))
    return changed


def with_client_data(kwargs: dict, **fields) -> bytes:
    """clientDataJSON of kwargs with some members replaced (same compact JSON form)."""
    data = {**json.loads(kwargs["client_data_json"]), **fields}
    return json.dumps(data, separators=(",", ":")).encode()


def with_flags(authenticator_data: bytes, *, set_bits: int = 0, clear_bits: int = 0) -> bytes:
    """authenticatorData with flag bits set or cleared."""
    data = bytearray(authenticator_data)
    data[32] = (data[32] | set_bits) & ~clear_bits & 0xFF
    return bytes(data)


def as_response(kwargs: dict, response: dict) -> dict:
    """The response JSON carrying kwargs' bytes (to ask py_webauthn about the same inputs)."""
    r = dict(response["response"], clientDataJSON=b64url_encode(kwargs["client_data_json"]),
             authenticatorData=b64url_encode(kwargs["authenticator_data"]),
             signature=b64url_encode(kwargs["signature"]))
    return dict(response, response=r)


def replace_parts(response: dict, **parts: bytes) -> dict:
    """A copy of an authentication response with client_data_json / authenticator_data / signature replaced."""
    names = {"client_data_json": "clientDataJSON", "authenticator_data": "authenticatorData", "signature": "signature"}
    inner = dict(response["response"], **{names[k]: b64url_encode(v) for k, v in parts.items()})
    return dict(response, response=inner)


def exercise_kwargs(response: dict, *, public_key: bytes, challenge: bytes, origin: str, rp_id: str,
                    sign_count: int, require_user_verification: bool = False) -> dict:
    """Exercise 5's verify_assertion arguments for a response and what the RP expects."""
    return {"credential_public_key": public_key, **assertion_parts(response), "expected_challenge": challenge,
            "expected_origin": origin, "expected_rp_id": rp_id, "stored_sign_count": sign_count,
            "require_user_verification": require_user_verification}


def _exercise(name: str):
    from lab_project.mfa.exercise_code import implementation

    return implementation("ex05", name)


def parse_with_exercise(data: bytes) -> tuple[dict, str]:
    """(parsed, who parsed it): your parse_authenticator_data when it works, else the reference."""
    function = _exercise("parse_authenticator_data")
    if function is not None:
        try:
            return function(data), "your parse_authenticator_data (exercise 5)"
        except NotImplementedError:
            pass
        except Exception as error:  # noqa: BLE001 (the learner's code)
            return parse_authenticator_data(data), (f"your parse_authenticator_data raised {type(error).__name__}: "
                                                    f"{error}; the toolkit's reference parse is shown")
    return parse_authenticator_data(data), "exercise 5 is not written yet: the toolkit's reference parse"


def exercise_verdicts(cases: dict) -> list[tuple[str, str, str, str]]:
    """Run your verify_assertion on each case: rows of (case, expected, yours, mark).

    cases: name -> (verify_assertion kwargs, expected exception name or "accepted").
    """
    function = _exercise("verify_assertion")
    rows = []
    for name, (kwargs, expected) in cases.items():
        if function is None:
            yours = "(no verify_assertion)"
        else:
            try:
                yours = f"accepted ({function(**kwargs)})"
            except NotImplementedError:
                yours = "(not written yet)"
            except Exception as error:  # noqa: BLE001 (the learner's code)
                yours = type(error).__name__
        mark = "ok" if yours.split(" ")[0] == expected else "--"
        rows.append((name, expected, yours, mark))
    return rows
