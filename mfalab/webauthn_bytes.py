"""WebAuthn's structures byte by byte: clientDataJSON, the attestation object, authenticatorData
and COSE keys, decoded and parsed, each field with its offset and meaning.

Names follow W3C WebAuthn Level 3 (§5.8.1 clientData, §6.1 authenticatorData, §6.5
attestation object) and RFC 9052/9053 (COSE keys). parse_authenticator_data is the kit's
reference for exercise 5: graded code cannot import this module (mfalab.sandbox.references).
"""

from __future__ import annotations

import hashlib
import io
import json
import struct
from dataclasses import dataclass

import cbor2

from .authenticator import b64url_decode

# authenticatorData flag bits (WebAuthn §6.1).
FLAGS = {"UP": 0x01, "UV": 0x04, "BE": 0x08, "BS": 0x10, "AT": 0x40, "ED": 0x80}
FLAG_MEANING = {"UP": "user present", "UV": "user verified", "BE": "backup eligible", "BS": "backed up",
                "AT": "attested credential data included", "ED": "extension data included"}
COSE_NAMES = {-7: "ES256 (ECDSA P-256, SHA-256)", -8: "EdDSA (Ed25519)", -257: "RS256 (RSA PKCS#1 v1.5, SHA-256)"}


def _as_bytes(value: str | bytes) -> bytes:
    return bytes(value) if isinstance(value, (bytes, bytearray, memoryview)) else b64url_decode(value)


def decode_client_data(client_data_json: str | bytes) -> dict:
    """clientDataJSON (base64url text or raw bytes) as a dict: type, challenge, origin, crossOrigin."""
    return json.loads(_as_bytes(client_data_json).decode("utf-8"))


def decode_attestation_object(attestation_object: str | bytes) -> dict:
    """The CBOR attestation object (§6.5): {"fmt": ..., "attStmt": {...}, "authData": bytes}."""
    return cbor2.loads(_as_bytes(attestation_object))


def _split_cbor(data: bytes, what: str) -> tuple[bytes, bytes]:
    stream = io.BytesIO(data)
    try:
        item = cbor2.CBORDecoder(stream).decode()
    except Exception as error:  # noqa: BLE001 (cbor2 raises several types)
        raise ValueError(f"{what} is not valid CBOR ({error})") from None
    if not isinstance(item, dict):
        raise ValueError(f"{what} is not a CBOR map")
    return data[:stream.tell()], data[stream.tell():]


def parse_authenticator_data(data: bytes) -> dict:
    """Reference parse of authenticatorData (§6.1), same contract as exercise 5's function."""
    data = bytes(data)
    if len(data) < 37:
        raise ValueError(f"authenticatorData needs at least 37 bytes, got {len(data)}")
    parsed = {"rp_id_hash": data[:32], "flags": data[32],
              **{name.lower(): bool(data[32] & bit) for name, bit in FLAGS.items()},
              "sign_count": struct.unpack(">I", data[33:37])[0]}
    rest = data[37:]
    if parsed["at"]:
        if len(rest) < 18:
            raise ValueError("AT is set but attestedCredentialData is cut short")
        length = struct.unpack(">H", rest[16:18])[0]
        if length > 1023 or len(rest) < 18 + length + 1:
            raise ValueError(f"credentialIdLength {length} does not fit the data")
        parsed["aaguid"], parsed["credential_id"] = rest[:16], rest[18:18 + length]
        parsed["credential_public_key"], rest = _split_cbor(rest[18 + length:], "credentialPublicKey")
    if parsed["ed"]:
        _, rest = _split_cbor(rest, "extensions")
    if rest:
        raise ValueError(f"{len(rest)} unexpected bytes after authenticatorData")
    return parsed


@dataclass
class Field:
    """One field of a WebAuthn structure: where it sits, its bytes, what they mean."""

    name: str
    offset: int
    raw: bytes
    meaning: str

    @property
    def length(self) -> int:
        return len(self.raw)

    def hex(self, limit: int = 16) -> str:
        text = self.raw.hex()
        return text if len(self.raw) <= limit else f"{self.raw[:limit].hex()}... ({len(self.raw)} bytes)"


def authenticator_data_fields(data: bytes, rp_id: str | None = None) -> list[Field]:
    """authenticatorData field by field, flags bit by bit, for teaching."""
    parsed = parse_authenticator_data(data)
    data = bytes(data)
    rp_note = ""
    if rp_id is not None:
        same = hashlib.sha256(rp_id.encode()).digest() == parsed["rp_id_hash"]
        rp_note = f" = SHA-256({rp_id!r})" if same else f" != SHA-256({rp_id!r})"
    rows = [Field("rpIdHash", 0, data[:32], "SHA-256 of the RP ID" + rp_note),
            Field("flags", 32, data[32:33], f"0b{parsed['flags']:08b}")]
    for name, bit in FLAGS.items():
        state = "1" if parsed[name.lower()] else "0"
        rows.append(Field(f"  {name} (0x{bit:02x})", 32, b"", f"{state}: {FLAG_MEANING[name]}"))
    rows.append(Field("signCount", 33, data[33:37], f"{parsed['sign_count']} (4 bytes, big-endian)"))
    offset = 37
    if parsed["at"]:
        cid, key = parsed["credential_id"], parsed["credential_public_key"]
        rows += [Field("aaguid", offset, parsed["aaguid"], "authenticator model (all zeros: not disclosed)"
                       if parsed["aaguid"] == bytes(16) else "authenticator model"),
                 Field("credentialIdLength", offset + 16, data[offset + 16:offset + 18], f"{len(cid)}"),
                 Field("credentialId", offset + 18, cid, "the handle the RP stores and sends back"),
                 Field("credentialPublicKey", offset + 18 + len(cid), key, cose_key_summary(key))]
        offset += 18 + len(cid) + len(key)
    if parsed["ed"]:
        rows.append(Field("extensions", offset, data[offset:], "CBOR map of extension outputs"))
    return rows


def cose_key_fields(cose_key: bytes) -> dict:
    """A COSE_Key with its labels named (RFC 9052 §7, RFC 9053)."""
    key = cbor2.loads(cose_key)
    kty = key.get(1)
    names = {1: "kty", 3: "alg"}
    if kty in (1, 2):  # OKP, EC2
        names.update({-1: "crv", -2: "x", -3: "y"})
    elif kty == 3:  # RSA
        names.update({-1: "n", -2: "e"})
    return {f"{label} ({names.get(label, '?')})": value for label, value in key.items()}


def cose_key_summary(cose_key: bytes) -> str:
    key = cbor2.loads(cose_key)
    return f"COSE_Key, alg {key.get(3)} = {COSE_NAMES.get(key.get(3), 'unknown')}"


def assertion_parts(response: dict) -> dict:
    """The raw bytes of an authentication response: client_data_json, authenticator_data, signature."""
    r = response["response"]
    return {"client_data_json": b64url_decode(r["clientDataJSON"]),
            "authenticator_data": b64url_decode(r["authenticatorData"]),
            "signature": b64url_decode(r["signature"])}
