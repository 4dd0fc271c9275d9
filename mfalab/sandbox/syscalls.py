"""The few Linux calls the sandbox needs that Python's os module lacks (through libc)."""

import ctypes
import ctypes.util
import os

CLONE_NEWNS = 0x00020000
CLONE_NEWIPC = 0x08000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
MS_NOSUID, MS_NODEV, MS_NOEXEC = 0x2, 0x4, 0x8
MS_RDONLY, MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 0x1, 0x20, 0x1000, 0x4000, 1 << 18
PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_SET_NO_NEW_PRIVS = 1, 4, 38

_libc = None


def libc():
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    return _libc


def _check(result, doing):
    if result != 0:
        error = ctypes.get_errno()
        raise OSError(error, f"{doing}: {os.strerror(error)}")


def unshare(flags):
    _check(libc().unshare(flags), "unshare")


def mount(source, target, fstype=None, flags=0, data=None):
    encode = lambda value: None if value is None else os.fsencode(value)  # noqa: E731
    _check(libc().mount(encode(source), encode(target), encode(fstype), ctypes.c_ulong(flags), encode(data)),
           f"mount {target}")


def prctl(option, value):
    _check(libc().prctl(option, ctypes.c_ulong(value), 0, 0, 0), "prctl")


def die_with_parent():
    """Be killed when the process that started this one dies (call after any setuid: it clears
    the setting). If the parent is already gone, exit now, as the setting would have made us."""
    import signal

    parent = os.getppid()
    prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(1)
