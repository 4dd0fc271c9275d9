"""One exception per failed step of W3C WebAuthn Level 3 §7.2 ("Verifying an Authentication Assertion").

Exercise 5 (`verify_assertion`) raises these; learners import them too:

    from mfalab.webauthn_errors import ChallengeMismatch, BadSignature, ...

Every class is a ValueError, through AssertionVerificationError, so `except ValueError`
still catches them. The step numbers are those of §7.2 in WebAuthn Level 3.
"""

__all__ = [
    "AssertionVerificationError", "MalformedAssertion", "WrongType", "ChallengeMismatch",
    "OriginMismatch", "RpIdHashMismatch", "UserNotPresent", "UserNotVerified",
    "UnsupportedAlgorithm", "BadSignature", "SignCountNotIncreased", "STEP_ORDER",
]


class AssertionVerificationError(ValueError):
    """The Relying Party refused an authentication assertion (WebAuthn §7.2)."""


class MalformedAssertion(AssertionVerificationError):
    """clientDataJSON is not a UTF-8 JSON object, or authenticatorData cannot be parsed (§7.2 steps 5-10)."""


class WrongType(AssertionVerificationError):
    """clientData.type is not "webauthn.get" (§7.2 step 11)."""


class ChallengeMismatch(AssertionVerificationError):
    """clientData.challenge is not the base64url of the challenge the RP sent (§7.2 step 12)."""


class OriginMismatch(AssertionVerificationError):
    """clientData.origin is not the RP's expected origin (§7.2 step 13)."""


class RpIdHashMismatch(AssertionVerificationError):
    """authenticatorData.rpIdHash is not SHA-256 of the expected RP ID (§7.2 step 15)."""


class UserNotPresent(AssertionVerificationError):
    """The UP flag is not set (§7.2 step 16)."""


class UserNotVerified(AssertionVerificationError):
    """User verification is required but the UV flag is not set (§7.2 step 17)."""


class UnsupportedAlgorithm(AssertionVerificationError):
    """The stored COSE key is unreadable, or not ES256 (-7), EdDSA (-8) or RS256 (-257) (§7.2 step 21)."""


class BadSignature(AssertionVerificationError):
    """The signature over authenticatorData || SHA-256(clientDataJSON) does not verify (§7.2 step 21)."""


class SignCountNotIncreased(AssertionVerificationError):
    """The signature counter did not grow: a sign of a cloned authenticator (§7.2 step 22)."""


# The order §7.2 checks things in: when several are wrong, the first one in this list wins.
STEP_ORDER = [MalformedAssertion, WrongType, ChallengeMismatch, OriginMismatch, RpIdHashMismatch,
              UserNotPresent, UserNotVerified, UnsupportedAlgorithm, BadSignature, SignCountNotIncreased]
