"""Exercise 5: verify a WebAuthn assertion step by step (20 points).

Follow W3C WebAuthn Level 3, section 7.2 ("Verifying an Authentication Assertion").
Use `cbor2` for the COSE key and `cryptography` for signatures; notebook 03 parses
every byte with you.

parse_authenticator_data(data: bytes) -> dict
    Split authenticatorData into rp_id_hash (32 bytes), flags (int) and the named
    flags up, uv, be, bs, at, ed (bools), sign_count (int, 4 bytes big-endian), and,
    when AT is set, aaguid (16 bytes), credential_id (bytes) and
    credential_public_key (the COSE key, as bytes). Raise ValueError when it is too
    short or malformed.

verify_assertion(*, credential_public_key: bytes, client_data_json: bytes,
                 authenticator_data: bytes, signature: bytes, expected_challenge: bytes,
                 expected_origin: str, expected_rp_id: str, stored_sign_count: int,
                 require_user_verification: bool = False) -> int
    Return the new sign count, or raise the matching error (defined in the solution
    and the tests: each failed step of section 7.2 has its own exception): wrong type,
    challenge, origin, RP ID hash, user presence, user verification (when required),
    signature (over authenticatorData || SHA-256(clientDataJSON)), or a sign count
    that did not increase (allowed only when both counts are zero). COSE algorithms:
    ES256 (-7), EdDSA (-8), RS256 (-257).
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
