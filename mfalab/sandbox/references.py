"""The kit's own implementations of exercise material, out of graded code's reach.

Notebooks teach with complete reference code (mfalab.totp_math for exercise 1, the
authenticatorData parser in mfalab.webauthn_bytes and the verification in
mfalab.webauthn_verify for exercise 5, with mfalab.ceremony, the notebooks' name for
both, and helpers in mfalab.enforcement for exercises 2-4). Learner code in a sandbox must not borrow them:

- `block()`, in every sandbox child before learner code runs: those modules leave
  sys.modules and any import of them fails (what a learner's own check shows too);
- `files()`: their sources and compiled copies, which a grader running as root covers
  with an empty file in the sandbox's mount namespace, so no import trick can load them.
"""

import importlib.abc
import importlib.util
import sys
from pathlib import Path

MODULES = ("mfalab.totp_math", "mfalab.webauthn_bytes", "mfalab.webauthn_verify", "mfalab.ceremony",
           "mfalab.enforcement")
KIT = Path(__file__).resolve().parents[1]  # the mfalab package


class _Refuse(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name in MODULES:
            raise ModuleNotFoundError(f"{name} is the kit's reference; graded code cannot import it", name=name)
        return None


def block():
    for name in MODULES:
        sys.modules.pop(name, None)
        parent, _, child = name.rpartition(".")
        if parent in sys.modules and hasattr(sys.modules[parent], child):
            delattr(sys.modules[parent], child)
    sys.meta_path.insert(0, _Refuse())


def files():
    """Every file that holds one of MODULES: its source and its cached bytecode."""
    found = []
    for name in MODULES:
        stem = name.rpartition(".")[2]
        found.append(KIT / f"{stem}.py")
        found.extend(sorted((KIT / "__pycache__").glob(f"{stem}.*.pyc")))
    return [str(path) for path in found if path.exists()]
