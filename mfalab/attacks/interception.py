"""Code interception: the attacker has the password and reads the code on its way.

SMS: an SS7 interception or a SIM swap puts the victim's text messages in the
attacker's hands; in the lab that is reading the SMS gateway's outbox. Email: a taken-
over mailbox; in the lab, the email outbox. Nothing the login page does can tell the
attacker from the victim: the code is right.
"""

from .. import wizards
from .results import AttackResult, lab_name, page_evidence, reached, stopwatch

CHANNELS = {"sms": ("SMS", "SS7 interception / SIM swap: the attacker reads the victim's texts"),
            "email": ("email", "mailbox takeover: the attacker reads the victim's email")}


def intercept(lab, username="bob", channel="sms"):
    """Password step as `username`, then the code read from the `channel` outbox."""
    factor, how = CHANNELS[channel]
    persona = lab.persona(username)
    to = persona.phone if channel == "sms" else persona.email
    lab.forget_used_codes(username)  # the victim's own sign-in in an earlier scene used this step's code
    with stopwatch() as watch:
        client = lab.client()
        seen = max([m.id for m in lab.outbox()], default=0)
        page = wizards.password_step(client, username, persona.password)
        sent = [m for m in lab.outbox(channel, to) if m.id > seen]
        code = sent[-1].token if sent else None
        if code is None:
            return AttackResult(f"{factor} interception", factor, lab_name(lab), False, attempts=1,
                                elapsed=watch.elapsed, evidence={"page": page.path, "outbox": 0},
                                reason=f"no {channel} message reached {to}: nothing to intercept")
        page = wizards.token_step(client, code)
        ok = wizards.signed_in(page) and reached(client)[0]
        final = reached(client)[1]
    evidence = {"intercepted": f"{channel} to {to}: {sent[-1].body}", "code": code, **page_evidence(final)}
    reason = (f"{how}; the code it read signed in" if ok else
              f"the intercepted code was refused: {wizards.form_errors(page)}")
    return AttackResult(f"{factor} interception", factor, lab_name(lab), ok, attempts=2, elapsed=watch.elapsed,
                        evidence=evidence, reason=reason)


def sms(lab, username="bob"):
    return intercept(lab, username, "sms")


def email(lab, username="carol"):
    return intercept(lab, username, "email")
