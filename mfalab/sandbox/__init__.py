"""The process boundary between learner code and the code that judges it.

- `Sandbox`: one exercise module imported in a worker process; calls go in and
  results come back as plain JSON data (never pickles, never live objects).
- `SandboxLab`: the lab bank, running the learner's code, served from a process.

Either way the learner's code runs with time and memory limits, in a throwaway
working directory, and the test process only ever sees data.
"""

from .proxy import Sandbox, SandboxCrashed, SandboxError, SandboxTimeout, StudentError

__all__ = ["Sandbox", "SandboxLab", "SandboxError", "SandboxCrashed", "SandboxTimeout", "StudentError"]


def __getattr__(name):
    # SandboxLab needs Django; a sandbox worker (mfalab.sandbox.worker) must not pay for it.
    if name == "SandboxLab":
        from .labserver import SandboxLab

        return SandboxLab
    raise AttributeError(f"module 'mfalab.sandbox' has no attribute {name!r}")
