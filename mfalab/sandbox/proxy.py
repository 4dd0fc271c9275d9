"""Call a learner's functions in a sandbox process, as if they were local.

    with Sandbox("ex01", "exercises") as ex01:
        ex01.hotp(b"12345678901234567890", 0)     # -> "755224", computed in the worker

Arguments and results cross as plain data; an exception the learner's code raises
comes back as StudentError with its type name and message. A worker that hangs, dies
or floods its output is killed and restarted for the next call. A function that ran
out of time once is not called again: later calls to it fail at once ("timed out
earlier"), so a learner's endless loop costs one time limit, not one per test.
"""

import os
import selectors
import subprocess
import time
from pathlib import Path

from . import interpreter, wire
from .box import Box
from .limits import Limits, kill_group

REPO = Path(__file__).resolve().parents[2]


class SandboxError(Exception):
    """The learner's code could not be run to an answer."""


class SandboxTimeout(SandboxError):
    pass


class SandboxCrashed(SandboxError):
    pass


class StudentError(SandboxError):
    """The learner's code raised an exception (type name and message kept)."""

    def __init__(self, type_name, message, where=""):
        super().__init__(f"{type_name}: {message}")
        self.type_name, self.message, self.where = type_name, message, where

    @property
    def not_implemented(self):
        return self.type_name == "NotImplementedError"


def module_file(exercise, source):
    """The file of `exercise` in a code source ('exercises', 'solutions' or a folder)."""
    from lab_project.mfa.exercise_code import MODULES, submission_file

    if source in ("exercises", "solutions"):
        path = REPO / source / f"{MODULES[exercise]}.py"
        return path if path.is_file() else None
    return submission_file(source, exercise)


class Sandbox:
    def __init__(self, exercise, source="exercises", *, timeout=10.0, limits=Limits()):
        self.exercise, self.source = exercise, source
        self.timeout, self.limits = timeout, limits
        self.path = module_file(exercise, source)
        self._process = None
        self._box = None
        self._buffer = b""
        self._next_id = 0
        self._import_failure = None  # the error the module's import gave; it is not retried
        self._timed_out = set()  # functions that ran out of time once: not called again

    # -- lifecycle ---------------------------------------------------------------

    def start(self):
        """Import the module in a fresh worker. A module whose import failed (an exception,
        sys.exit, a time limit) fails the same way for every later call, without another
        try: the import is the learner's code, and running it again gives the same answer."""
        if self.path is None:
            raise SandboxError(f"No module for {self.exercise} in {self.source}.")
        if self._import_failure is not None:
            raise self._import_failure
        try:
            return self._start()
        except SandboxError as error:
            self._import_failure = error
            raise

    def _start(self):
        self._box = Box("mfalab-sandbox-", self.limits.resolved().user)
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8", "PYTHONHASHSEED": "0",
               "PYTHONDONTWRITEBYTECODE": "1", "TMPDIR": str(self._box.work)}
        self._process = subprocess.Popen(
            interpreter.command("mfalab.sandbox.worker", self.path, f"learner_{self.exercise}",
                                ",".join(sorted(self._timed_out))),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._box.output_fd,
            cwd=self._box.work, env=env, preexec_fn=self.limits.apply, close_fds=True,
        )
        self._buffer = b""
        hello = self._read(self.timeout, "importing the module")
        if not hello.get("ready"):
            error = hello.get("error", {})
            self.close()
            raise StudentError(error.get("type", "Error"), error.get("message", ""), error.get("where", ""))
        return self

    def close(self):
        if self._process is not None:
            kill_group(self._process)
            for stream in (self._process.stdin, self._process.stdout):
                stream.close()
            self._process = None
        if self._box is not None:
            self._box.cleanup()
            self._box = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        self.close()

    @property
    def output(self):
        """What the learner's code printed so far (the last 10 kB)."""
        return self._box.tail(10_000) if self._box is not None else ""

    # -- calls -------------------------------------------------------------------

    def call(self, fn, *args, **kwargs):
        if fn in self._timed_out:
            raise SandboxTimeout(f"{fn}() timed out earlier; it is not called again.")
        if self._process is None or self._process.poll() is not None:
            self.close()
            self.start()
        self._next_id += 1
        request = {"id": self._next_id, "fn": fn, "args": wire.encode(list(args)), "kwargs": wire.encode(kwargs)}
        try:
            self._process.stdin.write(wire.dumps(request).encode())
            self._process.stdin.flush()
        except (BrokenPipeError, OSError):
            self.close()
            raise SandboxCrashed(f"The {self.exercise} worker died before {fn}() could be called.") from None
        try:
            reply = self._read(self.timeout, f"{fn}()")
        except SandboxTimeout:
            self._timed_out.add(fn)
            raise
        if reply.get("id") != self._next_id:
            self.close()
            raise SandboxCrashed(f"{fn}(): the worker's answer was out of order.")
        if "error" in reply:
            error = reply["error"]
            raise StudentError(str(error.get("type")), str(error.get("message")), str(error.get("where", "")))
        return wire.decode(reply.get("ok"))

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        return lambda *args, **kwargs: self.call(name, *args, **kwargs)

    def _read(self, timeout, doing):
        deadline = time.monotonic() + timeout
        stream = self._process.stdout
        with selectors.DefaultSelector() as selector:
            selector.register(stream, selectors.EVENT_READ)
            while b"\n" not in self._buffer:
                left = deadline - time.monotonic()
                if left <= 0 or not selector.select(left):
                    self.close()
                    raise SandboxTimeout(f"{doing} took longer than {timeout:g} s; the worker was stopped.")
                chunk = os.read(stream.fileno(), 65536)
                if not chunk:
                    code = self._process.wait()
                    self.close()
                    raise SandboxCrashed(f"The worker exited (code {code}) while {doing}.")
                self._buffer += chunk
                if len(self._buffer) > 16 * 1024 * 1024:
                    self.close()
                    raise SandboxCrashed(f"{doing} answered with more than 16 MB.")
        line, self._buffer = self._buffer.split(b"\n", 1)
        try:
            return wire.loads(line)
        except ValueError:
            self.close()
            raise SandboxCrashed(f"{doing}: the worker's answer was not valid data.") from None
