"""PID 1 of a sandbox's own PID namespace: everything learner code starts dies with it.

After unshare(CLONE_NEWPID) the caller stays where it was; its first child is PID 1 of
the new namespace. `enter_pid_namespace()` forks twice:

    outer   (the caller's namespace)  waits for PID 1, then exits with its status
    PID 1   (the new namespace)       mounts a /proc that shows this namespace only, then reaps
    worker  (the new namespace)       returns from enter_pid_namespace() and runs the learner's code

When the worker ends, PID 1 exits and the kernel kills every other process in the
namespace: a detached fork, a setsid() chain, a fork bomb. Killing the outer process's
group (its pid) from outside kills PID 1 the same way; PID 1 also dies with the outer
process (a parent-death signal), and the outer with whoever started it. Inside, PID 1
cannot be signalled (the kernel ignores signals without a handler sent to a namespace's
init from within), and it keeps no file open: the worker's pipes close when the worker does.
"""

import os
import signal

from . import syscalls


def _close_everything():
    os.closerange(0, 1 << 20)


def _exit_like(status):
    """Exit with the status a waitpid() returned (a signal becomes 128 + its number)."""
    code = os.waitstatus_to_exitcode(status)
    os._exit(code if code >= 0 else 128 - code)


def _wait_for(child):
    """Reap every child (orphans are re-parented here) until `child` ends; exit like it."""
    while True:
        try:
            pid, status = os.wait()
        except ChildProcessError:
            os._exit(1)
        except InterruptedError:
            continue
        if pid == child:
            _exit_like(status)


def enter_pid_namespace(mount_proc=True, reaper_uid=None):
    """Call as root after unshare(CLONE_NEWPID | CLONE_NEWNS ...); returns in the worker only."""
    syscalls.prctl(syscalls.PR_SET_PDEATHSIG, signal.SIGKILL)  # the outer dies with its parent
    first = os.fork()
    if first:
        _close_everything()
        _wait_for(first)
    # PID 1
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    if mount_proc:
        syscalls.mount("proc", "/proc", "proc", syscalls.MS_NOSUID | syscalls.MS_NODEV | syscalls.MS_NOEXEC)
    worker = os.fork()
    if worker:
        _close_everything()
        if reaper_uid is not None:
            os.setgroups([])
            os.setgid(reaper_uid)
            os.setuid(reaper_uid)
        syscalls.prctl(syscalls.PR_SET_DUMPABLE, 0)
        syscalls.prctl(syscalls.PR_SET_PDEATHSIG, signal.SIGKILL)  # set after setuid, which clears it
        _wait_for(worker)
