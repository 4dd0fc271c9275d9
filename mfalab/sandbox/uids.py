"""Sandbox uids: a block of them per grader run, and ending everything a uid left behind.

Two graders on one host must never share a uid: killing one's leftovers would kill the
other's sandboxes. `allocate()` takes the first free block of uids under an exclusive
lock that lives as long as the grader (a crashed grader's lock goes with its process).
No account is needed for any of them.
"""

import fcntl
import os
import shutil
import signal
import stat
import warnings
from pathlib import Path

FIRST = 61000  # the first sandbox uid on a host
BLOCK = 32  # uids per grader run
BLOCKS = 128
LOCKS = Path("/run/mfalab-sandbox-uids" if os.path.isdir("/run") else "/var/tmp/mfalab-sandbox-uids")
SHARED_FOLDERS = ("/tmp", "/var/tmp", "/dev/shm")  # where any uid may leave files behind


class UidBlock:
    """`size` uids, this grader's alone while the block is open."""

    def __init__(self, first, size, lock=None):
        self.first, self.size, self._lock = first, size, lock

    def __getitem__(self, index):
        if not 0 <= index < self.size:
            raise IndexError(f"a block has {self.size} uids")
        return self.first + index

    def __iter__(self):
        return iter(range(self.first, self.first + self.size))

    def close(self):
        if self._lock is not None:
            os.close(self._lock)
            self._lock = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __repr__(self):
        return f"<UidBlock {self.first}-{self.first + self.size - 1}>"


def _lock_folder(folder):
    try:
        os.mkdir(folder, 0o700)
    except FileExistsError:
        pass
    info = os.lstat(folder)
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != 0 or info.st_mode & 0o022:
        raise PermissionError(f"{folder} must be a folder that only root can write")
    return folder


def allocate(folder=LOCKS, size=BLOCK, first=FIRST, blocks=BLOCKS):
    """The first block of uids no other grader on this host holds; whatever still runs
    under its uids (a crashed grader's sandboxes) is killed first."""
    folder = _lock_folder(Path(folder))
    for index in range(blocks):
        handle = os.open(folder / f"block-{index}.lock", os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(handle)
            continue
        block = UidBlock(first + index * size, size, handle)
        for uid in block:
            kill_uid(uid)
        return block
    raise RuntimeError(f"all {blocks} blocks of sandbox uids are held by other graders")


def kill_uid(uid):
    """Kill every process running as `uid`, all at once.

    A child becomes `uid` and calls kill(-1, SIGKILL): the kernel signals every process
    of that uid in one pass under its task-list lock, so a chain of forks cannot outrun
    it (a scan of /proc can be outrun). Returns when the signals are sent."""
    if os.geteuid() != 0:
        return
    with warnings.catch_warnings():
        # Python 3.12 warns about fork() in a threaded process: the child takes no lock (no
        # allocation, no logging), it only makes a few system calls and exits.
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:
        try:
            os.setgroups([])
            os.setgid(uid)
            os.setuid(uid)
            os.kill(-1, signal.SIGKILL)
        except BaseException:  # noqa: BLE001 (ESRCH: nothing of that uid runs)
            pass
        os._exit(0)
    os.waitpid(pid, 0)


def running(uid):
    """The pids of processes running as `uid` (for checks)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/status") as status:
                    uids = next(line for line in status if line.startswith("Uid:")).split()[1:]
            except (OSError, StopIteration):
                continue
            if str(uid) in uids:
                found.append(int(entry))
    return found


def remove_leftovers(uids, folders=SHARED_FOLDERS):
    """Remove what `uids` left at the top of shared folders (/tmp, /dev/shm ...); returns how many."""
    uids = set(uids)
    removed = 0
    for folder in folders:
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            try:
                info = entry.stat(follow_symlinks=False)
                if info.st_uid not in uids:
                    continue
                if stat.S_ISDIR(info.st_mode):
                    shutil.rmtree(entry.path)  # never follows links
                else:
                    os.unlink(entry.path)
                removed += 1
            except OSError:
                continue
    return removed
