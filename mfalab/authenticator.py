"""A software WebAuthn authenticator for teaching: browser (client) + authenticator in one object.

``SoftAuthenticator.create()`` / ``.get()`` play the role of ``navigator.credentials.create()``
/ ``.get()``: they take the options JSON a Relying Party (RP) sends to the page, plus the page's
origin, and return the JSON the page posts back. Names follow the W3C WebAuthn Level 3 spec.

Not a security product: private keys live in memory, there is no user interaction, and the
RP ID check uses a simple suffix rule instead of the Public Suffix List.
"""

from __future__ import annotations

import base64
import hashlib
import ipaddress
import json
import os
import struct
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

__all__ = [
    "SoftAuthenticator", "Credential", "b64url_encode", "b64url_decode",
    "AuthenticatorError", "InsecureOrigin", "RelyingPartyMismatch", "NoSupportedAlgorithm",
    "CredentialExcluded", "NoMatchingCredential",
]

# COSE algorithm identifiers (IANA COSE registry, RFC 9053 / RFC 8812).
COSE_ALG = {"ES256": -7, "EdDSA": -8, "RS256": -257}

# authenticatorData flag bits (WebAuthn §6.1).
FLAG_UP = 0x01  # User Present
FLAG_UV = 0x04  # User Verified
FLAG_AT = 0x40  # Attested credential data included


class AuthenticatorError(Exception):
    """Base class: the client/authenticator refused the ceremony (nothing was signed)."""


class InsecureOrigin(AuthenticatorError, ValueError):
    """The origin is not a secure context (https, or http on localhost) or is malformed."""


class RelyingPartyMismatch(AuthenticatorError, ValueError):
    """The RP ID is not the origin's host nor a registrable suffix of it."""


class NoSupportedAlgorithm(AuthenticatorError, ValueError):
    """None of the RP's pubKeyCredParams algorithms is the one this authenticator uses."""


class CredentialExcluded(AuthenticatorError, ValueError):
    """A credential listed in excludeCredentials already exists on this authenticator."""


class NoMatchingCredential(AuthenticatorError, LookupError):
    """No stored credential matches the rpId (and allowCredentials, if given)."""


def b64url_encode(data: bytes) -> str:
    """Encode bytes as unpadded base64url, as WebAuthn JSON uses."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Decode base64url, with or without '=' padding."""
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _as_bytes(value: str | bytes) -> bytes:
    return value if isinstance(value, bytes) else b64url_decode(value)


def _load_options(options: str | bytes | dict) -> dict:
    return options if isinstance(options, dict) else json.loads(options)


def _effective_domain(origin: str) -> str:
    """Return the origin's host after the secure-context checks a browser performs."""
    parts = urlsplit(origin)
    host = parts.hostname
    if not host or parts.path not in ("", "/") or parts.query or parts.fragment:
        raise InsecureOrigin(f"origin {origin!r} must look like 'https://host[:port]'")
    is_localhost = host == "localhost" or host.endswith(".localhost")
    if parts.scheme != "https" and not (parts.scheme == "http" and is_localhost):
        raise InsecureOrigin(f"origin {origin!r} is not a secure context: use https (http is only allowed for localhost)")
    return host


def _is_ip_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
        return True
    except ValueError:
        return False


def _check_rp_id(rp_id: str, origin: str) -> None:
    """WebAuthn §5.1.3 step 8 (simplified): rp_id must equal the host or be a suffix of it."""
    host = _effective_domain(origin)
    if _is_ip_address(host):
        raise RelyingPartyMismatch(f"origin {origin!r} uses an IP address; WebAuthn needs a domain name")
    if not (host == rp_id or host.endswith("." + rp_id)):
        raise RelyingPartyMismatch(
            f"RP ID {rp_id!r} is neither the origin host {host!r} nor a registrable suffix of it")


@dataclass
class Credential:
    """A public key credential source stored inside the authenticator (WebAuthn §4)."""

    credential_id: bytes
    rp_id: str
    user_handle: bytes
    private_key: ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey | rsa.RSAPrivateKey
    algorithm: str
    sign_count: int

    @property
    def public_key_cose(self) -> bytes:
        """The credential public key as a CBOR-encoded COSE_Key (RFC 9053)."""
        public = self.private_key.public_key()
        if self.algorithm == "ES256":
            nums = public.public_numbers()
            key = {1: 2, 3: -7, -1: 1, -2: nums.x.to_bytes(32, "big"), -3: nums.y.to_bytes(32, "big")}
        elif self.algorithm == "EdDSA":
            key = {1: 1, 3: -8, -1: 6, -2: public.public_bytes(Encoding.Raw, PublicFormat.Raw)}
        else:  # RS256
            nums = public.public_numbers()
            key = {1: 3, 3: -257, -1: nums.n.to_bytes((nums.n.bit_length() + 7) // 8, "big"),
                   -2: nums.e.to_bytes((nums.e.bit_length() + 7) // 8, "big")}
        return cbor2.dumps(key)

    def sign(self, data: bytes) -> bytes:
        """Sign data with the credential private key, in the format WebAuthn expects."""
        if self.algorithm == "ES256":
            return self.private_key.sign(data, ec.ECDSA(hashes.SHA256()))  # ASN.1 DER
        if self.algorithm == "EdDSA":
            return self.private_key.sign(data)
        return self.private_key.sign(data, padding.PKCS1v15(), hashes.SHA256())


class SoftAuthenticator:
    """A roaming ("cross-platform") authenticator plus the browser code that talks to it.

    algorithm:         "ES256" (default), "EdDSA" or "RS256"; the only algorithm it offers.
    user_verification: if True it "verifies" the user and sets the UV flag; it never refuses
                       a ceremony over the RP's userVerification preference, so the RP's own
                       check is what is being taught.
    aaguid:            16-byte authenticator model id (default all zeros).
    attestation:       "none", or "packed" self-attestation (signed with the credential key).
    sign_count_start:  signature counter of new credentials; counter_step is added per assertion
                       (use counter_step=0 for an authenticator whose counter stays 0).
    seed:              makes credential ids and ES256/EdDSA keys deterministic (derived with
                       HKDF-SHA-256 from seed and credential number). RS256 keys stay random.
    """

    def __init__(self, algorithm: str = "ES256", *, user_verification: bool = False,
                 aaguid: bytes = bytes(16), attestation: str = "none",
                 sign_count_start: int = 0, counter_step: int = 1, seed: bytes | None = None):
        if algorithm not in COSE_ALG:
            raise ValueError(f"algorithm must be one of {sorted(COSE_ALG)}, not {algorithm!r}")
        if attestation not in ("none", "packed"):
            raise ValueError(f"attestation must be 'none' or 'packed', not {attestation!r}")
        if len(aaguid) != 16:
            raise ValueError(f"aaguid must be 16 bytes, got {len(aaguid)}")
        self.algorithm = algorithm
        self.user_verification = user_verification
        self.aaguid = bytes(aaguid)
        self.attestation = attestation
        self.sign_count_start = sign_count_start
        self.counter_step = counter_step
        self.seed = seed
        self.credentials: list[Credential] = []
        self._created = 0  # number of credentials made so far (input to the seeded derivation)

    # -- key material -------------------------------------------------------------------
    def _derive(self, label: bytes, length: int) -> bytes:
        info = b"mfalab-soft-authenticator|" + label + b"|" + str(self._created).encode()
        return HKDF(algorithm=hashes.SHA256(), length=length, salt=None, info=info).derive(self.seed)

    def _new_key_and_id(self):
        if self.seed is None:
            credential_id = os.urandom(32)
        else:
            credential_id = self._derive(b"credential-id", 32)
        if self.algorithm == "ES256":
            if self.seed is None:
                key = ec.generate_private_key(ec.SECP256R1())
            else:  # map 48 uniform bytes onto the scalar range [1, n-1]
                n = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
                scalar = int.from_bytes(self._derive(b"p256-key", 48), "big") % (n - 1) + 1
                key = ec.derive_private_key(scalar, ec.SECP256R1())
        elif self.algorithm == "EdDSA":
            raw = os.urandom(32) if self.seed is None else self._derive(b"ed25519-key", 32)
            key = ed25519.Ed25519PrivateKey.from_private_bytes(raw)
        else:
            key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self._created += 1
        return key, credential_id

    # -- data structures ----------------------------------------------------------------
    def _authenticator_data(self, rp_id: str, sign_count: int, attested: Credential | None = None) -> bytes:
        """rpIdHash(32) | flags(1) | signCount(4) | [aaguid(16) | credIdLen(2) | credId | COSE key]."""
        flags = FLAG_UP | (FLAG_UV if self.user_verification else 0) | (FLAG_AT if attested else 0)
        data = hashlib.sha256(rp_id.encode()).digest() + bytes([flags]) + struct.pack(">I", sign_count)
        if attested:
            cid = attested.credential_id
            data += self.aaguid + struct.pack(">H", len(cid)) + cid + attested.public_key_cose
        return data

    @staticmethod
    def _client_data_json(ceremony: str, challenge: str | bytes, origin: str) -> bytes:
        client_data = {"type": ceremony, "challenge": b64url_encode(_as_bytes(challenge)),
                       "origin": origin, "crossOrigin": False}
        return json.dumps(client_data, separators=(",", ":")).encode()

    # -- ceremonies ---------------------------------------------------------------------
    def create(self, options: str | bytes | dict, origin: str) -> dict:
        """navigator.credentials.create(): register a new credential; return the RegistrationResponseJSON."""
        options = _load_options(options)
        origin = origin.rstrip("/")
        rp_id = options.get("rp", {}).get("id") or _effective_domain(origin)
        _check_rp_id(rp_id, origin)
        wanted = [p.get("alg") for p in options.get("pubKeyCredParams", [])]
        if COSE_ALG[self.algorithm] not in wanted:
            raise NoSupportedAlgorithm(
                f"RP accepts COSE algorithms {wanted}; this authenticator only does "
                f"{self.algorithm} ({COSE_ALG[self.algorithm]})")
        excluded = {_as_bytes(c["id"]) for c in options.get("excludeCredentials") or []}
        if any(c.rp_id == rp_id and c.credential_id in excluded for c in self.credentials):
            raise CredentialExcluded(f"this authenticator already holds a credential excluded by {rp_id!r}")

        key, credential_id = self._new_key_and_id()
        credential = Credential(credential_id, rp_id, _as_bytes(options["user"]["id"]), key,
                                self.algorithm, self.sign_count_start)
        client_data_json = self._client_data_json("webauthn.create", options["challenge"], origin)
        auth_data = self._authenticator_data(rp_id, credential.sign_count, attested=credential)
        if self.attestation == "packed":  # self attestation: no x5c, signed by the credential key
            signature = credential.sign(auth_data + hashlib.sha256(client_data_json).digest())
            att_stmt = {"alg": COSE_ALG[self.algorithm], "sig": signature}
        else:
            att_stmt = {}
        attestation_object = cbor2.dumps({"fmt": self.attestation, "attStmt": att_stmt, "authData": auth_data})
        self.credentials.append(credential)
        return {
            "id": b64url_encode(credential_id),
            "rawId": b64url_encode(credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": b64url_encode(client_data_json),
                "attestationObject": b64url_encode(attestation_object),
                "transports": ["usb"],
            },
            "clientExtensionResults": {},
            "authenticatorAttachment": "cross-platform",
        }

    def get(self, options: str | bytes | dict, origin: str) -> dict:
        """navigator.credentials.get(): sign the RP's challenge; return the AuthenticationResponseJSON.

        With an empty allowCredentials (discoverable login) the newest credential for the rpId is used.
        """
        options = _load_options(options)
        origin = origin.rstrip("/")
        rp_id = options.get("rpId") or _effective_domain(origin)
        _check_rp_id(rp_id, origin)
        allowed = {_as_bytes(c["id"]) for c in options.get("allowCredentials") or []}
        candidates = [c for c in self.credentials
                      if c.rp_id == rp_id and (not allowed or c.credential_id in allowed)]
        if not candidates:
            raise NoMatchingCredential(
                f"no credential for RP ID {rp_id!r}" + (" in allowCredentials" if allowed else ""))
        credential = candidates[-1]

        credential.sign_count += self.counter_step
        client_data_json = self._client_data_json("webauthn.get", options["challenge"], origin)
        auth_data = self._authenticator_data(rp_id, credential.sign_count)
        signature = credential.sign(auth_data + hashlib.sha256(client_data_json).digest())
        return {
            "id": b64url_encode(credential.credential_id),
            "rawId": b64url_encode(credential.credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": b64url_encode(client_data_json),
                "authenticatorData": b64url_encode(auth_data),
                "signature": b64url_encode(signature),
                "userHandle": b64url_encode(credential.user_handle),
            },
            "clientExtensionResults": {},
            "authenticatorAttachment": "cross-platform",
        }

    def clone(self) -> SoftAuthenticator:
        """An independent copy holding the same keys and current counters (a 'cloned' authenticator)."""
        twin = SoftAuthenticator(self.algorithm, user_verification=self.user_verification,
                                 aaguid=self.aaguid, attestation=self.attestation,
                                 sign_count_start=self.sign_count_start,
                                 counter_step=self.counter_step, seed=self.seed)
        twin.credentials = [replace(c) for c in self.credentials]  # keys are immutable: sharing is fine
        twin._created = self._created
        return twin

    def __repr__(self) -> str:
        return (f"SoftAuthenticator(algorithm={self.algorithm!r}, user_verification={self.user_verification}, "
                f"attestation={self.attestation!r}, credentials={len(self.credentials)})")
