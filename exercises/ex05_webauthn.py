"""Exercise 5: verify a WebAuthn assertion step by step (20 points).

Follow W3C WebAuthn Level 3, section 7.2 ("Verifying an Authentication Assertion").
Use `cbor2` for the COSE key and `cryptography` for signatures; notebook 03 parses
every byte with you.

parse_authenticator_data(data: bytes) -> dict
    Split authenticatorData into rp_id_hash (32 bytes), flags (int) and the named
    flags up, uv, be, bs, at, ed (bools), sign_count (int, 4 bytes big-endian), and,
    when AT is set, aaguid (16 bytes), credential_id (bytes) and
    credential_public_key (the COSE key, as bytes). Raise ValueError when it is too
    short or malformed. The layout (section 6.1): 37 bytes, then, when AT is set, the
    attested credential data (aaguid, a 2-byte credentialIdLength, the credential id,
    then the COSE key: one CBOR map, whose end you find by decoding it); then, when
    ED is set, the extensions: one CBOR map, which you skip. Anything else is
    malformed: data cut short, a length that does not fit, or any byte left over
    after the last part the flags announce (with neither AT nor ED: after byte 37).

verify_assertion(*, credential_public_key: bytes, client_data_json: bytes,
                 authenticator_data: bytes, signature: bytes, expected_challenge: bytes,
                 expected_origin: str, expected_rp_id: str, stored_sign_count: int,
                 require_user_verification: bool = False) -> int
    Return the new sign count. Otherwise raise the exception for the first step of
    section 7.2 that fails, in this order (import them from mfalab.webauthn_errors;
    all are ValueErrors):

      MalformedAssertion     clientDataJSON is not a UTF-8 JSON object, or
                             authenticatorData cannot be parsed
      WrongType              clientData "type" is not "webauthn.get"
      ChallengeMismatch      clientData "challenge" (base64url) is not expected_challenge
      OriginMismatch         clientData "origin" is not expected_origin
      RpIdHashMismatch       rpIdHash is not SHA-256(expected_rp_id)
      UserNotPresent         the UP flag is clear
      UserNotVerified        require_user_verification and the UV flag is clear
      UnsupportedAlgorithm   the COSE key is unreadable or not ES256 (-7),
                             EdDSA (-8) or RS256 (-257)
      BadSignature           the signature over
                             authenticatorData || SHA-256(clientDataJSON) fails
      SignCountNotIncreased  the new sign count is not above stored_sign_count
                             (allowed only when both are zero)

    Signatures: ES256 is ASN.1 DER ECDSA P-256 with SHA-256; EdDSA is Ed25519;
    RS256 is RSASSA-PKCS1-v1_5 with SHA-256.
"""


def parse_authenticator_data(data: bytes) -> dict:
    raise NotImplementedError("Exercise 5: split authenticatorData into its fields.")


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
    raise NotImplementedError("Exercise 5: verify the assertion as W3C WebAuthn section 7.2 says.")
