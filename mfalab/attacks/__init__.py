"""Attacks on the lab bank, each a function that returns an AttackResult.

    from mfalab import attacks
    result = attacks.bypass.password_only(lab)        # the 2FA simple bypass
    result.succeeded, result.evidence

Every attack runs unchanged against an in-process lab (mfalab.boot()) and a served
one (mfalab.sandbox.SandboxLab): it only uses the Lab API, the lab's HTTP pages and,
where the attacker has stolen a copy, the lab's database.
LAB ONLY: these are teaching simulations against a local lab, never a real service.
"""

from . import backup_dump, bruteforce, bypass, flood, interception, matrix, races, relay, replay, seed_theft, takeover
from .campaign import Campaign, hardened_lab
from .results import AttackResult

__all__ = ["AttackResult", "Campaign", "backup_dump", "bruteforce", "bypass", "flood", "hardened_lab", "interception", "matrix",
           "races", "relay", "replay", "seed_theft", "takeover"]
