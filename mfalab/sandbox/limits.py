"""Resource limits for a process that runs learner code (applied in the child).

By default a sandbox child keeps the user of the process that starts it. A grader
running as root asks for more, either with Limits(user=..., hide=...) or, for the
sandboxes that graded tests start on their own, through the environment of the test
process (MFALAB_SANDBOX_UID, MFALAB_SANDBOX_HIDE):

- user: the child drops to this unprivileged uid (and gid) before learner code runs,
  after taking ownership of its throwaway working directory;
- hide: paths (hidden tests, solutions) covered by an empty, unreadable tmpfs in a
  private mount namespace, so the learner's code cannot read them whatever their modes.
"""

import ctypes
import ctypes.util
import os
import resource
from dataclasses import dataclass, field

KIT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # mfalab, lab_project
USER_VARIABLE = "MFALAB_SANDBOX_UID"
HIDE_VARIABLE = "MFALAB_SANDBOX_HIDE"

_CLONE_NEWNS = 0x00020000
_MS_BIND, _MS_REC, _MS_PRIVATE = 0x1000, 0x4000, 1 << 18
_libc = None


def _load_libc():
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    return _libc


def hide_paths(paths):
    """In this (private) mount namespace, cover each existing path with an empty, mode-000 tmpfs."""
    libc = _load_libc()
    for path in paths:
        if os.path.isdir(path):
            if libc.mount(b"tmpfs", os.fsencode(path), b"tmpfs", 0, b"size=4k,mode=000") != 0:
                raise OSError(ctypes.get_errno(), f"hiding {path} failed")


def _new_mount_namespace():
    libc = _load_libc()
    if libc.unshare(_CLONE_NEWNS) != 0:
        raise OSError(ctypes.get_errno(), "unshare(CLONE_NEWNS) failed")
    if libc.mount(b"none", b"/", None, _MS_REC | _MS_PRIVATE, None) != 0:
        raise OSError(ctypes.get_errno(), "making mounts private failed")


def make_traversable(path):
    """In this (private) mount namespace, let other users reach `path`.

    An ancestor that others may not enter (e.g. /root, 0700, holding the interpreter)
    is covered with a 0755 tmpfs in which only the one entry on the way to `path` is
    bound back. Nothing on disk changes; other entries of that ancestor stay out of reach.
    """
    libc = _load_libc()
    parts = os.path.realpath(path).strip("/").split("/")
    current = "/"
    for part in parts:
        if not os.stat(current).st_mode & 0o001:
            handle = os.open(os.path.join(current, part), os.O_PATH)
            try:
                if libc.mount(b"tmpfs", os.fsencode(current), b"tmpfs", 0, b"size=64k,mode=755") != 0:
                    raise OSError(ctypes.get_errno(), f"covering {current} failed")
                target = os.path.join(current, part)
                if os.path.isdir(f"/proc/self/fd/{handle}"):
                    os.mkdir(target)
                else:
                    open(target, "w").close()
                if libc.mount(os.fsencode(f"/proc/self/fd/{handle}"), os.fsencode(target), None, _MS_BIND, None):
                    raise OSError(ctypes.get_errno(), f"binding {target} failed")
            finally:
                os.close(handle)
        current = os.path.join(current, part)


def drop_privileges(uid, gid=None):
    """Become `uid` for good; first hand it the working directory (and what it holds)."""
    gid = uid if gid is None else gid
    for root, dirs, files in os.walk("."):
        for name in dirs + files:
            os.lchown(os.path.join(root, name), uid, gid)
    os.chown(".", uid, gid)
    os.setgroups([])
    os.setgid(gid)
    os.setuid(uid)
    if os.getuid() != uid or os.geteuid() != uid:
        raise OSError("dropping privileges failed")


def _environment_user():
    value = os.environ.get(USER_VARIABLE, "")
    return int(value) if value.strip() else None


def _environment_hide():
    return tuple(p for p in os.environ.get(HIDE_VARIABLE, "").split(os.pathsep) if p)


@dataclass(frozen=True)
class Limits:
    cpu_seconds: int = 20  # CPU time for the whole process
    memory_mb: int = 1024  # address space
    output_mb: int = 8  # largest file the process may write (its captured output)
    processes: int | None = None  # RLIMIT_NPROC; None leaves it
    user: int | None = None  # drop to this uid (needs root); None: MFALAB_SANDBOX_UID or keep
    hide: tuple[str, ...] = field(default=())  # paths to hide (needs root); also MFALAB_SANDBOX_HIDE

    def resolved(self):
        """These limits with the user and hidden paths the environment asks for filled in."""
        from dataclasses import replace

        return replace(self, user=self.user if self.user is not None else _environment_user(),
                       hide=tuple(self.hide or _environment_hide()))

    def apply(self):
        """Call in the child before any learner code runs."""
        os.setsid()  # its own process group: killing it takes its children too
        resolved = self.resolved()
        hide, user = resolved.hide, resolved.user
        namespace = False
        if hide or user is not None:
            try:
                _new_mount_namespace()
                namespace = True
            except OSError:
                if hide:  # asked to hide and cannot: refuse to run learner code
                    raise
        if user is not None and namespace:  # before hiding: a bind mount leaves out the mounts under it
            import sys

            for needed in {sys.executable, sys.prefix, sys.base_prefix, KIT}:
                make_traversable(needed)
        if hide:
            hide_paths(hide)
        resource.setrlimit(resource.RLIMIT_CPU, (self.cpu_seconds, self.cpu_seconds + 1))
        memory = self.memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        size = self.output_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if self.processes is not None:
            resource.setrlimit(resource.RLIMIT_NPROC, (self.processes, self.processes))
        if user is not None:
            drop_privileges(user)


def kill_group(process):
    """Kill a sandbox process and everything it started."""
    import signal

    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        process.kill()
    except ProcessLookupError:
        pass
    process.wait()


def kill_user(uid):
    """Kill every process running as `uid` (what a sandbox user left behind); returns how many."""
    import signal

    killed = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status") as status:
                uids = next(line for line in status if line.startswith("Uid:")).split()[1:]
        except (OSError, StopIteration):
            continue
        if str(uid) in uids:
            try:
                os.kill(int(entry), signal.SIGKILL)
                killed += 1
            except (ProcessLookupError, PermissionError):
                pass
    return killed
