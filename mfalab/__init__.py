"""MFA Lab toolkit: boot the lab bank, drive its two-factor wizards, check exercises.

    import mfalab
    lab = mfalab.boot()          # the lab bank inside this kernel, personas seeded
    client = lab.login("alice")  # password + TOTP through the real login wizard
    mfalab.check("ex01")         # the public tests of exercise 1, in a separate process
"""

from . import workspace

workspace.activate()  # inside a learner's workspace: its exercises/ and var/ (before anything reads them)

from .check import check  # noqa: E402  (standard library only: cheap, and it must shadow the submodule's name)

__all__ = ["boot", "check"]


def __getattr__(name):
    # Imported on first use: a sandbox worker imports mfalab.sandbox without Django.
    if name == "boot":
        from .lab import boot

        return boot
    raise AttributeError(f"module 'mfalab' has no attribute {name!r}")
