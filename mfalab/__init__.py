"""MFA Lab toolkit: boot the lab bank, drive its two-factor wizards, check exercises.

    import mfalab
    lab = mfalab.boot()          # the lab bank inside this kernel, personas seeded
    client = lab.login("alice")  # password + TOTP through the real login wizard
    mfalab.check("ex01")         # the public tests of exercise 1, in a separate process
"""

from .check import check
from .lab import boot

__all__ = ["boot", "check"]
