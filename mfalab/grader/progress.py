"""A one-line progress bar on stderr (no dependency)."""

import sys
import threading
import time


class Progress:
    def __init__(self, total, stream=None, width=30):
        self.total, self.done, self.width = total, 0, width
        self.stream = stream or sys.stderr
        self.started = time.monotonic()
        self._lock = threading.Lock()
        self.draw("")

    def draw(self, last):
        filled = int(self.width * self.done / self.total) if self.total else self.width
        elapsed = time.monotonic() - self.started
        self.stream.write(f"\rgrading [{'#' * filled}{'.' * (self.width - filled)}] {self.done}/{self.total} "
                          f"{elapsed:5.0f} s {last[:30]:30}")
        self.stream.flush()

    def __call__(self, student):
        with self._lock:
            self.done += 1
            self.draw(student)
            if self.done == self.total:
                self.stream.write("\n")
                self.stream.flush()
