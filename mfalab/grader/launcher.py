"""Runs pytest for the grader, forked from a pre-warmed process, next to a lab zygote.

One Launcher per worker slot: a pre-warmed pytest parent (mfalab.grader.warm) and a
lab zygote (mfalab.sandbox.zygote) whose socket sits in a folder only the grader can
enter. Neither runs learner code; the zygote's children do, under their limits.
"""

import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from ..sandbox import zygote

REPO = Path(__file__).resolve().parents[2]


class Launcher:
    """Runs pytest for the grader: forked from a pre-warmed process (mfalab.grader.warm),
    or, with warm=False, as a fresh `python -m pytest` process. Returns the exit code, or
    None when the wall-time limit stopped the run."""

    def __init__(self, warm=True, work=None):
        self.warm, self.work = warm, work
        self._server = None
        self._zygote = None
        self._folder = None

    def _start(self):
        self.close()
        self._server = subprocess.Popen([sys.executable, "-m", "mfalab.grader.warm"], cwd=REPO,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                        start_new_session=True)
        if json.loads(self._server.stdout.readline() or "{}").get("ready") is not True:
            self.close()
            raise RuntimeError("the pre-warmed pytest launcher did not start")
        self._folder = Path(tempfile.mkdtemp(prefix="zygote-", dir=self.work))  # 0700: the grader's only
        try:
            self._zygote = zygote.start(self.socket)
        except RuntimeError:
            self.close()
            raise

    @property
    def socket(self):
        return self._folder / "lab.sock"

    def close(self):
        for process in (self._server, self._zygote):
            if process is not None:
                _kill_session(process)
                for stream in (process.stdin, process.stdout):
                    if stream:
                        stream.close()
        self._server = self._zygote = None
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None

    def check_import(self, module, name, workdir, limits, timeout, output):
        """Why `module` does not import (None if it does), when a zygote runs; else None:
        without one the tests find out themselves, more slowly."""
        if not self.warm:
            return None
        if not self._alive():
            self._start()
        try:
            return zygote.check_import(str(self.socket), module, name, workdir, limits, timeout, output)
        except OSError:
            return None  # no verdict: the tests decide
        finally:
            self._kill_forked()

    def _kill_forked(self):
        """Kill what the zygote forked for the last request, whatever happened to it."""
        try:
            zygote.kill_servers(str(self.socket))
        except OSError:
            self.close()  # the zygote is gone: start afresh next time

    def _alive(self):
        return all(p is not None and p.poll() is None for p in (self._server, self._zygote))

    def run(self, args, env, log, timeout):
        if not self.warm:
            with open(log, "wb") as output:
                process = subprocess.Popen([sys.executable, "-m", "pytest", *args], cwd=REPO, env=env, stdout=output,
                                           stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
                try:
                    return process.wait(timeout=timeout)
                except subprocess.TimeoutExpired:
                    return None
                finally:
                    _kill_session(process)
        if not self._alive():
            self._start()
        env = dict(env, **{zygote.ENVIRONMENT: str(self.socket)})
        try:
            return self._run_warm(args, env, log, timeout)
        finally:
            self._kill_forked()

    def _run_warm(self, args, env, log, timeout):
        request = {"args": list(args), "env": env, "cwd": str(REPO), "log": str(log)}
        self._server.stdin.write((json.dumps(request) + "\n").encode())
        self._server.stdin.flush()
        pid = json.loads(self._server.stdout.readline())["pid"]
        ready, _, _ = select.select([self._server.stdout], [], [], timeout)
        if not ready:
            try:
                os.killpg(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            self._server.stdout.readline()  # {"exit": -9}
            return None
        return json.loads(self._server.stdout.readline())["exit"]


def _kill_session(process):
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    process.wait()
