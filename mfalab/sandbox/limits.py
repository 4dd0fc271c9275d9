"""Resource limits and isolation for a process that runs learner code (applied in the child).

By default a sandbox child keeps the user of the process that starts it. A grader
running as root asks for more, either with Limits(user=..., hide=..., spaces=...) or,
for the sandboxes that graded tests start on their own, through the environment of the
test process (MFALAB_SANDBOX_UID, MFALAB_SANDBOX_HIDE, MFALAB_SANDBOX_SPACES):

- user: the child drops to this unprivileged uid (and gid) before learner code runs,
  with a process-count limit of its own;
- hide: paths (hidden tests, solutions, submissions, the grader's output) covered by an
  empty, unreadable mount in a private mount namespace, whatever their modes; the
  kit's reference implementations (mfalab.sandbox.references) are covered too;
- spaces: namespaces of its own beyond the mount namespace: "pid" (a PID 1 that reaps,
  a /proc that shows only the sandbox, everything killed with it), "net" (no network:
  not even the host's loopback), "ipc" (no System V or POSIX IPC shared with the host).
"""

import os
import resource
from dataclasses import dataclass, field

from . import references, syscalls
from .init import enter_pid_namespace

KIT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # mfalab, lab_project
USER_VARIABLE = "MFALAB_SANDBOX_UID"
HIDE_VARIABLE = "MFALAB_SANDBOX_HIDE"
SPACES_VARIABLE = "MFALAB_SANDBOX_SPACES"
SPACES = {"pid": syscalls.CLONE_NEWPID, "net": syscalls.CLONE_NEWNET, "ipc": syscalls.CLONE_NEWIPC}
PROCESSES = 64  # processes and threads of a sandbox uid (a lab server runs a thread per open connection)
SCRATCH_MB = 64  # a private tmpfs for the working folder and for /dev/shm


def hide_paths(paths):
    """In this (private) mount namespace, cover each existing folder with an empty, mode-000
    tmpfs and each existing file with an empty file."""
    for path in paths:
        if os.path.isdir(path):
            syscalls.mount("tmpfs", path, "tmpfs", syscalls.MS_NOSUID | syscalls.MS_NODEV, "size=4k,mode=000")
        elif os.path.exists(path):
            syscalls.mount("/dev/null", path, None, syscalls.MS_BIND)


def _new_mount_namespace(flags=0):
    syscalls.unshare(syscalls.CLONE_NEWNS | flags)
    syscalls.mount("none", "/", None, syscalls.MS_REC | syscalls.MS_PRIVATE)


def _private_scratch(user):
    """A fresh, size-limited tmpfs on the working folder and on /dev/shm: what learner code
    writes there takes no disk and vanishes with the sandbox."""
    owner = f",uid={user},gid={user}" if user is not None else ""
    here = os.getcwd()
    flags = syscalls.MS_NOSUID | syscalls.MS_NODEV
    syscalls.mount("tmpfs", here, "tmpfs", flags, f"size={SCRATCH_MB}m,mode=700{owner}")
    os.chdir(here)
    os.environ["TMPDIR"] = here  # the learner's temporary files go there too
    if os.path.isdir("/dev/shm"):
        syscalls.mount("tmpfs", "/dev/shm", "tmpfs", flags, f"size={SCRATCH_MB}m,mode=1777")


def make_traversable(path):
    """In this (private) mount namespace, let other users reach `path`.

    An ancestor that others may not enter (e.g. /root, 0700, holding the interpreter)
    is covered with a 0755 tmpfs in which only the one entry on the way to `path` is
    bound back. Nothing on disk changes; other entries of that ancestor stay out of reach.
    """
    parts = os.path.realpath(path).strip("/").split("/")
    current = "/"
    for part in parts:
        if not os.stat(current).st_mode & 0o001:
            handle = os.open(os.path.join(current, part), os.O_PATH)
            try:
                syscalls.mount("tmpfs", current, "tmpfs", 0, "size=64k,mode=755")
                target = os.path.join(current, part)
                if os.path.isdir(f"/proc/self/fd/{handle}"):
                    os.mkdir(target)
                else:
                    open(target, "w").close()
                syscalls.mount(f"/proc/self/fd/{handle}", target, None, syscalls.MS_BIND)
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


def _environment_list(name, separator):
    return tuple(p for p in os.environ.get(name, "").split(separator) if p)


@dataclass(frozen=True)
class Limits:
    cpu_seconds: int = 20  # CPU time for the whole process
    memory_mb: int = 1024  # address space
    output_mb: int = 8  # largest file the process may write (RLIMIT_FSIZE)
    processes: int | None = None  # RLIMIT_NPROC; None: PROCESSES with a user of its own, else unchanged
    user: int | None = None  # drop to this uid (needs root); None: MFALAB_SANDBOX_UID or keep
    hide: tuple[str, ...] = field(default=())  # paths to hide (needs root); also MFALAB_SANDBOX_HIDE
    spaces: tuple[str, ...] = field(default=())  # "pid", "net", "ipc" (needs root); also MFALAB_SANDBOX_SPACES

    def resolved(self):
        """These limits with what the environment asks for filled in."""
        from dataclasses import replace

        user = self.user if self.user is not None else _environment_user()
        processes = self.processes if self.processes is not None else (PROCESSES if user is not None else None)
        return replace(self, user=user, processes=processes,
                       hide=tuple(self.hide or _environment_list(HIDE_VARIABLE, os.pathsep)),
                       spaces=tuple(self.spaces or _environment_list(SPACES_VARIABLE, ",")))

    def apply(self):
        """Call in the child before any learner code runs (as root, to isolate).

        With "pid" in spaces this forks (mfalab.sandbox.init): it returns in a grandchild
        inside the new PID namespace, never in the calling process."""
        os.setsid()  # its own process group: killing it takes its children too
        resolved = self.resolved()
        hide, user, spaces = resolved.hide, resolved.user, set(resolved.spaces)
        unknown = spaces - set(SPACES)
        if unknown:
            raise ValueError(f"unknown namespaces: {', '.join(sorted(unknown))}")
        namespace = False
        if hide or user is not None or spaces:
            try:
                _new_mount_namespace(sum(SPACES[name] for name in spaces))
                namespace = True
            except OSError:
                if hide or spaces:  # asked to isolate and cannot: refuse to run learner code
                    raise
        if namespace:
            if user is not None:  # before hiding: a bind mount leaves out the mounts under it
                import sys

                from .interpreter import import_roots

                for needed in {sys.executable, sys.prefix, sys.base_prefix, KIT, *import_roots()}:
                    make_traversable(needed)
                _private_scratch(user)
            hide_paths([*hide, *references.files()])
        if "pid" in spaces:
            enter_pid_namespace(mount_proc=True, reaper_uid=user)
        resource.setrlimit(resource.RLIMIT_CPU, (self.cpu_seconds, self.cpu_seconds + 1))
        memory = self.memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        size = self.output_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if resolved.processes is not None:
            resource.setrlimit(resource.RLIMIT_NPROC, (resolved.processes, resolved.processes))
        if user is not None:
            drop_privileges(user)
            syscalls.prctl(syscalls.PR_SET_NO_NEW_PRIVS, 1)
        syscalls.die_with_parent()  # after setuid, which clears it
        references.block()


def kill_group(process):
    """Kill a sandbox process and everything it started (with a PID namespace: everything
    in it, since its PID 1 is in the group)."""
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
