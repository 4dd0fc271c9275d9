"""A lab server's watchdog: learner code that keeps a request running too long is stopped.

    app = Watchdog(app, learner_files)      # learner_files() -> the exercise files loaded

A request that has run for LIMIT seconds while a frame of the learner's code is on its
stack gets LearnerTimeout raised in its thread, inside that code. LearnerTimeout is a
BaseException, so an `except Exception` in the loop does not swallow it. The request
answers 500, and the server's output names the function and line, which is what the
learner's check shows. From then on that function is stopped as soon as the watchdog sees
a request inside it ("timed out earlier"), so a loop costs its limit once per lab server,
not once per test.

Only Python code can be interrupted: a thread blocked in C (a long time.sleep) finishes
its call first. The client's timeout and the server's CPU limit still bound those.
"""

import ctypes
import sys
import threading
import time
import traceback
from pathlib import Path

LIMIT = 10.0  # seconds; the same as a Sandbox call's time limit
POLL = 0.1


class LearnerTimeout(BaseException):
    """Raised in a request's thread when the learner's code ran too long there."""


def _interrupt(thread_id):
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), ctypes.py_object(LearnerTimeout))


def _where(frame):
    code = frame.f_code
    return f"{code.co_qualname}() ({Path(code.co_filename).name}, line {frame.f_lineno})"


class Watchdog:
    """WSGI middleware: stops the learner's code in a request after `limit` seconds."""

    def __init__(self, app, learner_files, limit=LIMIT):
        self.app, self.learner_files, self.limit = app, learner_files, limit
        self._lock = threading.Lock()
        self._started = {}  # thread id -> when its request started (monotonic)
        self._told = {}  # thread id -> what its LearnerTimeout says
        self._stopped = set()  # code objects that timed out once
        threading.Thread(target=self._watch, name="lab-watchdog", daemon=True).start()

    def __call__(self, environ, start_response):
        me = threading.get_ident()
        with self._lock:
            self._started[me] = time.monotonic()
        try:
            return self.app(environ, start_response)
        except LearnerTimeout as stopped:
            with self._lock:
                stopped.args = (self._told.pop(me, f"your code ran longer than {self.limit:g} s and was stopped"),)
            self._report(stopped)
            from django.db import connections

            connections.close_all()  # this thread's, left open by the interrupted request
            start_response("500 Internal Server Error", [("Content-Type", "text/plain; charset=utf-8")],
                           sys.exc_info())
            return [f"The lab stopped your code: {stopped.args[0]}\n".encode()]
        finally:
            with self._lock:
                self._started.pop(me, None)
                self._told.pop(me, None)

    def _report(self, stopped):
        """A short traceback on the server's output: the learner's frames only (the lab's own
        are dozens, and the check reads the last lines)."""
        files = self.learner_files()
        frames = [entry for entry in traceback.extract_tb(stopped.__traceback__) if entry.filename in files]
        text = "".join(["Traceback (most recent call last):\n", *traceback.format_list(frames),
                        *traceback.format_exception_only(stopped)])
        sys.stderr.write(text)
        sys.stderr.flush()

    def _learner_frame(self, frame, files):
        """The innermost frame of the learner's code on a thread's stack, or None."""
        while frame is not None:
            if frame.f_code.co_filename in files:
                return frame
            frame = frame.f_back
        return None

    def _watch(self):
        while True:
            time.sleep(POLL)
            with self._lock:
                running = dict(self._started)
            if not running:
                continue
            files, stacks, now = self.learner_files(), sys._current_frames(), time.monotonic()
            for thread_id, started in running.items():
                frame = self._learner_frame(stacks.get(thread_id), files)
                if frame is None:
                    continue
                earlier = frame.f_code in self._stopped
                if not earlier and now - started < self.limit:
                    continue
                self._stopped.add(frame.f_code)
                told = (f"{_where(frame)} timed out earlier; the lab stops it at once now (fix it, then run "
                        "the check again)" if earlier else
                        f"{_where(frame)} ran longer than {self.limit:g} s and was stopped: an endless loop?")
                with self._lock:  # still inside the learner's code? (a request ending waits for this lock)
                    if thread_id in self._started and self._learner_frame(
                            sys._current_frames().get(thread_id), files) is not None:
                        self._told.setdefault(thread_id, told)
                        _interrupt(thread_id)  # again at each look, should a bare `except:` swallow it
