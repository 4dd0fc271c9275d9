"""WebAuthn ceremonies, byte by byte, in one name for notebooks: decode, parse, verify, run
them against the lab, draw them.

    from mfalab import ceremony
    ceremony.decode_client_data(response["response"]["clientDataJSON"])
    ceremony.authenticator_data_fields(auth_data)        # a table, one row per field
    ceremony.register_key(lab, "mallory", SoftAuthenticator(seed=b"m"))   # real setup wizard
    ceremony.login_with_key(lab, "dana", ceremony.persona_key("dana"))    # real login wizard

Each job lives in a module of its own, which code outside notebooks imports directly:
mfalab.webauthn_bytes (decoding and parsing), mfalab.webauthn_verify (py_webauthn as the
relying party), mfalab.ceremonies (the lab's real wizards), mfalab.assertion_cases
(ready-made assertions, negative cases, exercise 5 on them) and mfalab.ceremony_widgets
(sequence diagram, stepper, tables).
"""

from .assertion_cases import (FIXED_CHALLENGE, as_response, assertion_case, exercise_kwargs, exercise_verdicts,
                              parse_with_exercise, replace_parts, resign, with_client_data, with_flags)
from .ceremonies import CeremonyError, creation_options, login_with_key, persona_key, register_key, request_options
from .ceremony_widgets import SEQUENCES, CeremonyStepper, ceremony_messages, draw_sequence, fields_html, print_rows
from .webauthn_bytes import (COSE_NAMES, FLAG_MEANING, FLAGS, Field, assertion_parts, authenticator_data_fields,
                             cose_key_fields, cose_key_summary, decode_attestation_object, decode_client_data,
                             parse_authenticator_data)
from .webauthn_verify import Verdict, check_signature, signed_bytes, verify_authentication, verify_registration

__all__ = [
    "FIXED_CHALLENGE", "as_response", "assertion_case", "exercise_kwargs", "exercise_verdicts", "parse_with_exercise",
    "replace_parts", "resign", "with_client_data", "with_flags",
    "CeremonyError", "creation_options", "login_with_key", "persona_key", "register_key", "request_options",
    "SEQUENCES", "CeremonyStepper", "ceremony_messages", "draw_sequence", "fields_html", "print_rows",
    "COSE_NAMES", "FLAG_MEANING", "FLAGS", "Field", "assertion_parts", "authenticator_data_fields", "cose_key_fields",
    "cose_key_summary", "decode_attestation_object", "decode_client_data", "parse_authenticator_data",
    "Verdict", "check_signature", "signed_bytes", "verify_authentication", "verify_registration",
]
