"""Whether a process (a notebook's kernel) runs an exercise file older than the one on disk.

A kernel imports a module once, so a learner's edit reaches it only when the module is
imported again. Exercises whose functions the lab and the toolkit look up by name on every
call (RELOADABLE) are imported again as soon as their file changes. The others are wired
into the lab's URLs, admin and middleware when it starts: for them the lab, and the check,
say in one line to restart the kernel. No Django here: the toolkit uses it too.
"""

import importlib
import os
import sys

RELOADABLE = {"ex01", "ex03", "ex05"}
_stamps = {}  # module name -> (mtime_ns, size) of its file when it was (re)imported


def _stamp(module):
    try:
        info = os.stat(module.__file__)
    except (AttributeError, TypeError, OSError):
        return None
    return info.st_mtime_ns, info.st_size


def remember(module):
    """Note the state of a freshly imported module's file."""
    if module is not None:
        _stamps[module.__name__] = _stamp(module)
    return module


def changed(module):
    """True when the file of `module` changed since remember(module)."""
    if module is None or module.__name__ not in _stamps:
        return False
    return _stamp(module) != _stamps[module.__name__]


def fresh(module):
    """`module`, imported again in place when its file changed (so every holder of the module
    object sees the edit). A file that no longer imports leaves the module as it was and
    raises the import's error."""
    if module.__name__ not in _stamps:
        return remember(module)
    if changed(module):
        remember(importlib.reload(module))
    return module


def files():
    """The files of the exercise modules this process imported (the learner's code)."""
    return {getattr(sys.modules.get(name), "__file__", None) for name in list(_stamps)} - {None}
