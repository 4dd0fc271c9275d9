"""Code replay: a code the victim already used, sent again by the attacker.

RFC 6238 §5.2 and NIST SP 800-63B ask that an OTP be accepted once. django-otp's
TOTPDevice remembers the last time step used (last_t) and refuses it again;
two-factor's PhoneDevice (SMS, voice) keeps no such record, so an SMS code works for
its whole validity window (about 3 minutes), as often as it is sent.
"""

from .. import wizards
from .results import AttackResult, factor_name, lab_name, page_evidence, reached, stopwatch


def victim_login(lab, username):
    """The victim signs in normally; returns the code they typed."""
    persona = lab.persona(username)
    lab.forget_used_codes(username)  # earlier scenes' sign-ins must not use up this step's codes
    if persona.factor == "totp":
        code = lab.current_code(username)
        lab.login(username, code=code)
        return code
    lab.login(username)  # reads the SMS / email code from the outbox
    to = persona.phone if persona.factor in ("sms", "call") else persona.email
    return lab.outbox(persona.factor, to)[-1].token


def replay(lab, username="bob"):
    """Victim signs in; the attacker (who saw the code: shoulder, screenshot, a relay's log) reuses it."""
    factor = factor_name(lab, username)
    with stopwatch() as watch:
        code = victim_login(lab, username)
        client = lab.client()
        wizards.password_step(client, username, lab.persona(username).password)
        page = wizards.token_step(client, code)
        ok = wizards.signed_in(page) and reached(client)[0]
        final = reached(client)[1] if ok else page
    evidence = {"code": code, "victim": "signed in with it first", **page_evidence(final)}
    if ok:
        reason = f"a used code signed in a second time: the {factor} device keeps no record of used codes"
    else:
        errors = " ".join(wizards.form_errors(page))
        evidence["error"] = errors
        reason = f"a used code was refused ({errors}): the device remembers the last time step used"
    return AttackResult(f"{factor} code replay", factor, lab_name(lab), ok, attempts=2, elapsed=watch.elapsed,
                        evidence=evidence, reason=reason)
