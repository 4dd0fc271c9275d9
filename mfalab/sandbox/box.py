"""The folders around one sandbox process, laid out so that its starter never opens a
file that learner code could have swapped for a link.

    box/             the starter's (mode 0711: the sandbox may pass, not list or write)
      work/          the sandbox's working folder (its uid's, 0700)
      output.txt     the sandbox's prints: opened here by the starter, handed to the child
                     as an open descriptor for appending; read back from this folder only

Learner code can write into output.txt through its descriptor (up to RLIMIT_FSIZE), but
it cannot replace the file, rename it, or point it anywhere: it cannot write to box/.
"""

import os
import shutil
import tempfile
from pathlib import Path

_FLAGS = os.O_CLOEXEC | os.O_NOFOLLOW


class Box:
    def __init__(self, prefix="mfalab-sandbox-", user=None, parent=None):
        self.root = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))  # 0700, ours
        self.root.chmod(0o711)
        self.user = user
        self.work = self.root / "work"
        self.work.mkdir(mode=0o700)
        if user is not None:
            os.chown(self.work, user, user)
        self.output_path = self.root / "output.txt"
        self.output_fd = os.open(self.output_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND | _FLAGS, 0o600)

    def folder(self, name, mode=0o711):
        """A folder of the starter's inside the box (learner code may pass, not write)."""
        path = self.root / name
        path.mkdir(mode=mode)
        return path

    def tail(self, limit=10_000):
        """The last `limit` bytes the sandbox printed, as text."""
        return read_tail(self.output_path, limit)

    def cleanup(self):
        if self.output_fd is not None:
            os.close(self.output_fd)
            self.output_fd = None
        shutil.rmtree(self.root, ignore_errors=True)


def read_tail(path, limit):
    """The last `limit` bytes of a regular file, never following a link or blocking on a pipe."""
    try:
        handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK | _FLAGS)
    except OSError:
        return ""
    try:
        info = os.fstat(handle)
        if not (info.st_mode & 0o170000 == 0o100000):  # not a regular file
            return ""
        start = max(0, info.st_size - limit)
        return os.pread(handle, limit, start).decode("utf-8", "replace")
    finally:
        os.close(handle)
