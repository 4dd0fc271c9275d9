"""SMS flood: password steps sent at once, each of which asks the lab to text a code.

Nothing in django-otp, two-factor or Django limits how often a code is sent: anyone
with the password can run up the bank's SMS bill, bury the victim's phone in texts, and
collect a code per step to try. The hardened lab sends at most 3 codes to a user per
10 minutes of the lab clock (settings.LAB_SMS_SEND_LIMIT, counted and sent inside one
locked transaction) and says so instead of sending.
"""

from .. import wizards
from ..client import HttpClient
from .races import at_once
from .relay import lab_url
from .results import AttackResult, lab_name, stopwatch

POLICY = 3  # codes per 10 minutes that the course calls enough
REFUSED = "Too many codes were sent to this phone"


def sms_flood(lab, username="bob", steps=20):
    """`steps` password steps for `username` at once; succeeded when more than POLICY texts went out."""
    persona = lab.persona(username)
    lab.forget_used_codes(username)  # earlier scenes' texts are not part of this flood
    since = max([m.id for m in lab.outbox()], default=0)
    with stopwatch() as watch, lab_url(lab) as url:
        pages = at_once([lambda: wizards.password_step(HttpClient(url), username, persona.password)
                         for _ in range(steps)])
    sent = [m for m in lab.outbox("sms", persona.phone) if m.id > since]
    told = sum(REFUSED in page.text for page in pages)
    ok = len(sent) > POLICY
    reason = (f"{len(sent)} of {steps} parallel password steps texted a code: nothing limits sending" if ok else
              f"{len(sent)} of {steps} parallel password steps texted a code; the other {told} pages said "
              "too many codes were sent")
    return AttackResult("SMS flood, 20 password steps at once", "SMS", lab_name(lab), ok, attempts=steps,
                        elapsed=watch.elapsed, reason=reason,
                        evidence={"password steps": steps, "texts sent": len(sent), "pages that said no": told,
                                  "distinct codes": len({m.token for m in sent})})
