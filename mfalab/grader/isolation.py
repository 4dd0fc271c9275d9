"""How far learner code can be isolated on this machine, and what that leaves open.

Each protection is probed on its own (a child started the way sandboxes are, with that
one thing asked for); the grader uses all that work and says plainly which are off.

| name | what it does                                                                  | needs |
|------|-------------------------------------------------------------------------------|-------|
| uid  | learner code runs as a uid of its own (one block per grader run)              | root |
| hide | solutions, hidden tests, submissions, outputs and the kit's references covered | root + mounts |
| pid  | a PID namespace per sandbox: /proc shows only it; all of it dies with it       | root + namespaces |
| net  | a network namespace per sandbox: no network, lab servers on Unix sockets       | root + namespaces |
| ipc  | an IPC namespace per sandbox: no shared memory segments outlive it             | root + namespaces |
"""

import contextlib
import os
import subprocess
import sys
import tempfile

from ..sandbox.limits import Limits

PROTECTIONS = ("uid", "hide", "pid", "net", "ipc")
OFF = {
    "uid": "learner code runs as the grader's own user: it can read and change whatever that user can, "
           "and signal the grader",
    "hide": "solutions, hidden tests, submissions and outputs are hidden only by making them 0700 during the batch",
    "pid": "sandboxes see the host's processes (and the grader's command line); leftovers are killed by uid only",
    "net": "sandboxes share the host's network, loopback included",
    "ipc": "System V and POSIX IPC objects are shared with the host",
}


def _runs(limits, check="", paths=()):
    """Does a child under `limits` start Python and pass `check` (exit 0)?"""
    with tempfile.TemporaryDirectory() as folder:
        os.chmod(folder, 0o711)
        try:
            done = subprocess.run([sys.executable, "-I", "-c", check or "pass", *paths], cwd=folder,
                                  preexec_fn=limits.apply, capture_output=True, timeout=60)
        except (OSError, subprocess.SubprocessError):
            return False
    return done.returncode == 0


_UNREADABLE = ("import os, sys\n"
               "sys.exit(any(os.path.exists(p) and os.access(p, os.R_OK) for p in sys.argv[1:]))\n")


def probe(uid, hidden):
    """The protections that work here, as a tuple in PROTECTIONS order (empty unless root)."""
    if os.geteuid() != 0 or not _runs(Limits(user=uid)):
        return ()
    found = ["uid"]
    existing = [p for p in hidden if os.path.exists(p)]
    if _runs(Limits(user=uid, hide=tuple(hidden)), _UNREADABLE, existing):
        found.append("hide")
        for space in ("pid", "net", "ipc"):
            if _runs(Limits(user=uid, hide=tuple(hidden), spaces=(space,))):
                found.append(space)
    return tuple(found)


def describe(protections):
    """One line per protection that is off (empty when everything is on)."""
    return [f"{name} off: {OFF[name]}" for name in PROTECTIONS if name not in protections]


def unreachable(path):
    """The first folder on the way to `path` that other users cannot enter, or None."""
    current = os.path.realpath(path)
    folders = []
    while True:
        folders.append(current)
        parent = os.path.dirname(current)
        if parent == current:
            break
        current = parent
    for folder in reversed(folders):
        try:
            if not os.stat(folder).st_mode & 0o001:
                return folder
        except OSError:
            return folder
    return None


@contextlib.contextmanager
def private_paths(paths):
    """Make `paths` 0700 (owner root) for a while: hiding without a mount namespace."""
    saved = []
    try:
        for path in paths:
            if os.path.exists(path) and not os.path.islink(path):
                saved.append((path, os.stat(path).st_mode & 0o7777))
                os.chmod(path, 0o700)
        yield
    finally:
        for path, mode in saved:
            os.chmod(path, mode)
