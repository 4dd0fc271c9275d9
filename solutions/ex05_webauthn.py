"""Exercise 5, reference solution: verify a WebAuthn assertion as W3C WebAuthn §7.2 says."""

import hashlib
import json
import struct

import cbor2
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa

from mfalab.webauthn_errors import (
    BadSignature, ChallengeMismatch, MalformedAssertion, OriginMismatch, RpIdHashMismatch,
    SignCountNotIncreased, UnsupportedAlgorithm, UserNotPresent, UserNotVerified, WrongType,
)

FLAGS = {"up": 0x01, "uv": 0x04, "be": 0x08, "bs": 0x10, "at": 0x40, "ed": 0x80}


def parse_authenticator_data(data: bytes) -> dict:
    """rpIdHash(32) | flags(1) | signCount(4) | [attestedCredentialData] | [extensions] (§6.1)."""
    data = bytes(data)
    if len(data) < 37:
        raise ValueError(f"authenticatorData needs at least 37 bytes, got {len(data)}")
    flags = data[32]
    parsed = {"rp_id_hash": data[:32], "flags": flags, **{name: bool(flags & bit) for name, bit in FLAGS.items()},
              "sign_count": struct.unpack(">I", data[33:37])[0]}
    rest = data[37:]
    if parsed["at"]:
        if len(rest) < 18:
            raise ValueError("AT is set but attestedCredentialData is cut short")
        length = struct.unpack(">H", rest[16:18])[0]
        if length > 1023 or len(rest) < 18 + length + 1:
            raise ValueError(f"credentialIdLength {length} does not fit the data")
        parsed["aaguid"], parsed["credential_id"] = rest[:16], rest[18:18 + length]
        rest = rest[18 + length:]
        key, rest = _one_cbor_item(rest, "credentialPublicKey")
        parsed["credential_public_key"] = key
    if parsed["ed"]:
        _, rest = _one_cbor_item(rest, "extensions")
    if rest:
        raise ValueError(f"{len(rest)} unexpected bytes after authenticatorData")
    return parsed


def _one_cbor_item(data: bytes, what: str):
    """Split one CBOR map off the front of data: (its bytes, the rest)."""
    import io

    stream = io.BytesIO(data)
    try:
        item = cbor2.CBORDecoder(stream).decode()
    except Exception as error:  # noqa: BLE001 (cbor2 raises several types)
        raise ValueError(f"{what} is not valid CBOR: {error}") from None
    if not isinstance(item, dict):
        raise ValueError(f"{what} is not a CBOR map")
    end = stream.tell()
    return data[:end], data[end:]


def _b64url_decode(text: str) -> bytes:
    import base64

    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _verify_signature(cose_key: bytes, signature: bytes, signed: bytes) -> None:
    try:
        key = cbor2.loads(cose_key)
    except Exception as error:  # noqa: BLE001
        raise UnsupportedAlgorithm(f"the stored credential public key is not a COSE key: {error}") from None
    if not isinstance(key, dict):
        raise UnsupportedAlgorithm("the stored credential public key is not a COSE map")
    kty, alg = key.get(1), key.get(3)
    try:
        if alg == -7 and kty == 2 and key.get(-1) == 1:
            x, y = key[-2], key[-3]
            public = ec.EllipticCurvePublicNumbers(int.from_bytes(x, "big"), int.from_bytes(y, "big"),
                                                   ec.SECP256R1()).public_key()
            verify = lambda: public.verify(signature, signed, ec.ECDSA(hashes.SHA256()))  # noqa: E731
        elif alg == -8 and kty == 1 and key.get(-1) == 6:
            public = ed25519.Ed25519PublicKey.from_public_bytes(key[-2])
            verify = lambda: public.verify(signature, signed)  # noqa: E731
        elif alg == -257 and kty == 3:
            public = rsa.RSAPublicNumbers(int.from_bytes(key[-2], "big"), int.from_bytes(key[-1], "big")).public_key()
            verify = lambda: public.verify(signature, signed, padding.PKCS1v15(), hashes.SHA256())  # noqa: E731
        else:
            raise UnsupportedAlgorithm(f"COSE key kty={kty} alg={alg}: only ES256 (-7), EdDSA (-8), RS256 (-257)")
    except (KeyError, TypeError, ValueError) as error:
        if isinstance(error, UnsupportedAlgorithm):
            raise
        raise UnsupportedAlgorithm(f"the COSE key (alg {alg}) is incomplete or invalid: {error}") from None
    try:
        verify()
    except (InvalidSignature, ValueError):
        raise BadSignature("the signature does not verify with the stored public key") from None


def verify_assertion(
    *,
    credential_public_key: bytes,
    client_data_json: bytes,
    authenticator_data: bytes,
    signature: bytes,
    expected_challenge: bytes,
    expected_origin: str,
    expected_rp_id: str,
    stored_sign_count: int,
    require_user_verification: bool = False,
) -> int:
    """Run the checks of §7.2 in its order; return the new sign count."""
    # Steps 5-10: decode clientDataJSON, parse authenticatorData.
    try:
        client_data = json.loads(bytes(client_data_json).decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise MalformedAssertion("clientDataJSON is not UTF-8 JSON") from None
    if not isinstance(client_data, dict):
        raise MalformedAssertion("clientDataJSON is not a JSON object")
    try:
        auth = parse_authenticator_data(authenticator_data)
    except ValueError as error:
        raise MalformedAssertion(f"authenticatorData: {error}") from None
    # Step 11: the ceremony type.
    if client_data.get("type") != "webauthn.get":
        raise WrongType(f"clientData.type is {client_data.get('type')!r}, not 'webauthn.get'")
    # Step 12: the challenge this RP sent, base64url-encoded by the client.
    challenge = client_data.get("challenge")
    try:
        same = isinstance(challenge, str) and _b64url_decode(challenge) == bytes(expected_challenge)
    except ValueError:
        same = False
    if not same:
        raise ChallengeMismatch("clientData.challenge is not the challenge this RP sent")
    # Step 13: the origin the browser saw.
    if client_data.get("origin") != expected_origin:
        raise OriginMismatch(f"clientData.origin is {client_data.get('origin')!r}, expected {expected_origin!r}")
    # Step 15: the RP ID the authenticator scoped the credential to.
    if auth["rp_id_hash"] != hashlib.sha256(expected_rp_id.encode()).digest():
        raise RpIdHashMismatch(f"rpIdHash is not SHA-256({expected_rp_id!r})")
    # Steps 16-17: user presence, and verification when the RP requires it.
    if not auth["up"]:
        raise UserNotPresent("the UP flag is not set")
    if require_user_verification and not auth["uv"]:
        raise UserNotVerified("user verification is required but the UV flag is not set")
    # Steps 20-21: the signature over authenticatorData || SHA-256(clientDataJSON).
    signed = bytes(authenticator_data) + hashlib.sha256(bytes(client_data_json)).digest()
    _verify_signature(bytes(credential_public_key), bytes(signature), signed)
    # Step 22: the signature counter must grow, unless the authenticator keeps none (both zero).
    new = auth["sign_count"]
    if (new or stored_sign_count) and new <= stored_sign_count:
        raise SignCountNotIncreased(f"signCount {new} is not above the stored {stored_sign_count}: cloned authenticator?")
    return new
