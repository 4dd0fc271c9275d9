"""What an attack run returns: one AttackResult per attack, lab and factor.

Every attack in mfalab.attacks returns one of these, so a notebook can print it, a
test can assert on it, and mfalab.attacks.matrix can tabulate a whole set of runs.
"""

import time
from contextlib import contextmanager
from dataclasses import dataclass, field

SENSITIVE_PAGE = "/dashboard/"


@dataclass
class AttackResult:
    attack: str  # e.g. "2FA bypass", "SMS replay"
    factor: str  # the second factor attacked: "TOTP", "SMS", "email", "WebAuthn", "backup codes", "any"
    lab: str  # which lab: its code source ("exercises", "naive", "solutions", a folder)
    succeeded: bool
    attempts: int = 0  # requests or guesses the attacker made
    elapsed: float = 0.0  # seconds
    evidence: dict = field(default_factory=dict)  # the page reached, the code used, what was read
    reason: str = ""  # one sentence: why it worked, or what stopped it
    setting: str = ""  # any lab configuration the run changed (say so, always)

    @property
    def outcome(self):
        return "succeeded" if self.succeeded else "blocked"

    def summary(self):
        """One deterministic line: no timings (those vary from run to run)."""
        extra = f" [{self.setting}]" if self.setting else ""
        return f"{self.attack} ({self.factor}) on {self.lab}{extra}: {self.outcome.upper()}. {self.reason}"

    def __str__(self):
        return self.summary()


FACTOR_NAMES = {"totp": "TOTP", "sms": "SMS", "call": "voice call", "email": "email", "webauthn": "WebAuthn",
                None: "none"}


def factor_name(lab, username):
    return FACTOR_NAMES[lab.persona(username).factor]


def lab_name(lab):
    """The label an attack run records for a lab: its code source."""
    return str(lab.code) if "/" not in str(lab.code) else "submission"


def reached(client, path=SENSITIVE_PAGE):
    """GET a sensitive page; (True, page) when it answered 200 on that same path."""
    page = client.get(path)
    return page.status == 200 and page.path == path, page


def page_evidence(page):
    """What a page shows about where the attacker ended up."""
    where = page.path if page.status == 200 else f"{page.status} -> {page.location.split('?')[0] or page.path}"
    return {"page": where, "status": page.status}


class Stopwatch:
    def __init__(self):
        self.start = time.perf_counter()

    @property
    def elapsed(self):
        return time.perf_counter() - self.start


@contextmanager
def stopwatch():
    watch = Stopwatch()
    yield watch
