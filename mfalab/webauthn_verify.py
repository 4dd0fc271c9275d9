"""What a relying party checks, through py_webauthn: the signed bytes, a signature, and the
§7.1 / §7.2 verification of a registration or an authentication as a Verdict.

The kit's own verification, which exercise 5 asks learners to write: graded code cannot
import this module (mfalab.sandbox.references).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass


def signed_bytes(authenticator_data: bytes, client_data_json: bytes) -> bytes:
    """What an assertion signature covers: authenticatorData || SHA-256(clientDataJSON) (§6.3.3)."""
    return bytes(authenticator_data) + hashlib.sha256(bytes(client_data_json)).digest()


def check_signature(cose_key: bytes, signature: bytes, data: bytes) -> bool:
    """True when `signature` over `data` verifies with the COSE public key (via py_webauthn's helpers)."""
    from cryptography.exceptions import InvalidSignature
    from webauthn.helpers import decode_credential_public_key, decoded_public_key_to_cryptography, verify_signature

    decoded = decode_credential_public_key(cose_key)
    try:
        verify_signature(public_key=decoded_public_key_to_cryptography(decoded), signature_alg=decoded.alg,
                         signature=signature, data=data)
    except InvalidSignature:
        return False
    return True


@dataclass
class Verdict:
    """py_webauthn's answer: ok, the reason when not, and the new sign count when ok."""

    ok: bool
    reason: str = ""
    sign_count: int | None = None

    def __str__(self):
        return f"accepted, new signCount {self.sign_count}" if self.ok else f"refused: {self.reason}"


def verify_registration(response: dict, *, challenge: bytes, origin: str, rp_id: str):
    """py_webauthn's verify_registration_response (§7.1) on a registration response dict."""
    from webauthn import verify_registration_response

    return verify_registration_response(credential=response, expected_challenge=challenge,
                                        expected_origin=origin, expected_rp_id=rp_id)


def verify_authentication(response: dict, *, public_key: bytes, challenge: bytes, origin: str, rp_id: str,
                          sign_count: int, require_user_verification: bool = False) -> Verdict:
    """py_webauthn's verify_authentication_response (§7.2), as a Verdict instead of an exception."""
    from webauthn import verify_authentication_response
    from webauthn.helpers.exceptions import InvalidAuthenticationResponse, InvalidJSONStructure

    try:
        verified = verify_authentication_response(
            credential=response, expected_challenge=challenge, expected_origin=origin, expected_rp_id=rp_id,
            credential_public_key=public_key, credential_current_sign_count=sign_count,
            require_user_verification=require_user_verification)
    except (InvalidAuthenticationResponse, InvalidJSONStructure) as error:
        return Verdict(False, str(error))
    return Verdict(True, sign_count=verified.new_sign_count)
