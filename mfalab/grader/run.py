"""Grade submissions: one pytest process per exercise, learner code in sandboxes only.

The process that decides a score (this one, reading the JSON the plugin writes into a
folder only it can write) never runs learner code, and neither does the pytest process:
graded tests reach the learner's module through mfalab.sandbox, whose children run with
CPU, memory and output limits, in throwaway folders, and -- when the grader runs as root
-- as an unprivileged uid of their own with the hidden tests and solutions covered.
Each exercise is graded against a folder holding only that exercise's module, under a
wall-time limit; whatever a submission leaves running is killed by uid afterwards.
"""

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import select
import time
from dataclasses import dataclass, field
from pathlib import Path

from lab_project.mfa.exercise_code import MODULES

from ..sandbox import zygote
from ..sandbox.limits import HIDE_VARIABLE, USER_VARIABLE, Limits, kill_user
from . import EXERCISES

REPO = Path(__file__).resolve().parents[2]
TESTS = REPO / "tests" / "exercises"
UID_BASE = 61000  # sandbox uids: UID_BASE + worker slot (no account needed)


@dataclass
class Settings:
    exercises: tuple = EXERCISES
    time_limit: float = 300.0  # wall seconds per exercise (the pytest process and its sandboxes)
    import_limit: float = 5.0  # wall seconds for a module to import, before any test runs
    hidden: bool = True  # run the hidden tests too
    tests: Path = TESTS
    isolate: bool | None = None  # drop privileges and hide paths; None: when running as root
    hide: tuple = ()  # extra paths to hide from learner code

    mode: str | None = None  # set by probe(): "uid+hide", "uid" or "none"

    @property
    def isolating(self):
        return (self.mode or "none") != "none"

    def probe(self):
        """How far learner code can be isolated here; sets and returns self.mode.

        "uid+hide": own uid, hidden paths covered in a mount namespace (root with
        CAP_SYS_ADMIN); "uid": own uid only (root without mount rights; the grader then
        makes the hidden paths 0700 for the batch); "none": not root, or isolate=False.
        """
        if self.mode is None:
            self.mode = "none"
            if self.isolate is not False and os.geteuid() == 0:
                if _probe(Limits(user=UID_BASE, hide=self.hidden_paths()), self.hidden_paths()):
                    self.mode = "uid+hide"
                elif _probe(Limits(user=UID_BASE), ()):
                    self.mode = "uid"
        return self.mode

    def hidden_paths(self):
        return tuple(str(p) for p in (REPO / "solutions", self.tests / "hidden", *map(Path, self.hide)))

    def test_files(self, exercise):
        files = sorted(self.tests.glob(f"test_{exercise}_*.py"))
        if self.hidden:
            files += sorted((self.tests / "hidden").glob(f"test_{exercise}_*.py"))
        return [str(f) for f in files]


def _probe(limits, hidden):
    """Can a child under `limits` start Python, and is every hidden path out of its reach?"""
    check = ("import os, sys\n"
             "for path in sys.argv[1:]:\n"
             "    if os.path.exists(path) and os.access(path, os.R_OK):\n"
             "        sys.exit(3)\n")
    with tempfile.TemporaryDirectory() as folder:
        try:
            done = subprocess.run([sys.executable, "-I", "-c", check, *[p for p in hidden if os.path.exists(p)]],
                                  cwd=folder, preexec_fn=limits.apply, capture_output=True, timeout=60)
        except (OSError, subprocess.SubprocessError):
            return False
    return done.returncode == 0


@contextlib.contextmanager
def private_paths(paths):
    """Make `paths` 0700 (owner root) for a while: hiding without a mount namespace."""
    saved = []
    try:
        for path in paths:
            if os.path.exists(path):
                saved.append((path, os.stat(path).st_mode & 0o7777))
                os.chmod(path, 0o700)
        yield
    finally:
        for path, mode in saved:
            os.chmod(path, mode)


@dataclass
class ExerciseResult:
    exercise: str
    tests: list  # dicts: name, doc, max_points, points, outcome, message, hidden
    note: str = ""
    seconds: float = 0.0

    @property
    def points(self):
        return sum(t["points"] for t in self.tests)

    @property
    def max_points(self):
        return sum(t["max_points"] for t in self.tests)


@dataclass
class SubmissionResult:
    student: str
    exercises: dict = field(default_factory=dict)  # exercise -> ExerciseResult
    notes: list = field(default_factory=list)
    seconds: float = 0.0

    @property
    def points(self):
        return sum(r.points for r in self.exercises.values())

    @property
    def max_points(self):
        return sum(r.max_points for r in self.exercises.values())


def pytest_command(files, *extra):
    return [sys.executable, "-m", "pytest", *pytest_args(files, *extra)]


def pytest_args(files, *extra):
    return [*files, "-c", str(REPO / "pyproject.toml"), "--rootdir", str(REPO),
            "-o", "addopts=", "--disable-plugin-autoload", "-p", "django", "-p", "mfalab.points", "-p", "no:cacheprovider", "-q", "--no-header", "-rN", *extra]


def catalog(settings, work):
    """Every graded test of the selected exercises (points, names), collected once."""
    path = Path(work) / "catalog.json"
    files = [f for exercise in settings.exercises for f in settings.test_files(exercise)]
    done = subprocess.run(pytest_command(files, "--collect-only", "-p", "mfalab.grader.catalog", "--catalog", str(path)),
                          cwd=REPO, capture_output=True, text=True, timeout=300)
    if done.returncode != 0 or not path.exists():
        raise RuntimeError(f"Collecting the graded tests failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
    tests = json.loads(path.read_text())
    return {exercise: [t for t in tests if t["exercise"] == exercise] for exercise in settings.exercises}


def _scored(expected, reported, reason):
    """Each expected test with its reported outcome, or 0 points with `reason`."""
    by_id = {r["nodeid"]: r for r in reported}
    tests = []
    for test in expected:
        got = by_id.get(test["nodeid"])
        if got is None:
            got = dict(test, outcome="failed", points=0, message=reason, duration=0.0)
        tests.append({"nodeid": test["nodeid"], "name": test["name"], "doc": test["doc"] or test["name"],
                      "exercise": test["exercise"], "hidden": test["hidden"], "hint": test["hint"],
                      "max_points": test["max_points"], "points": got["points"] if got["outcome"] == "passed" else 0,
                      "outcome": got["outcome"], "message": got.get("message", "")})
    return tests


def _private_folder(parent, name, uid):
    """A folder for learner code: owned by the sandbox uid when isolating, 0700."""
    folder = Path(parent) / name
    folder.mkdir(mode=0o700)
    if uid is not None:
        os.chown(folder, uid, uid)
    return folder


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

    def check_import(self, module, name, workdir, limits, timeout):
        """Why `module` does not import (None if it does), when a zygote runs; else None:
        without one the tests find out themselves, more slowly."""
        if not self.warm:
            return None
        if not self._alive():
            self._start()
        try:
            return zygote.check_import(str(self.socket), module, name, workdir, limits, timeout)
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


class Grader:
    def __init__(self, settings, work, tests, warm=True):
        self.settings, self.work, self.tests = settings, Path(work), tests
        self.launchers = {}
        self.warm = warm

    def launcher(self, slot):
        if slot not in self.launchers:
            self.launchers[slot] = Launcher(self.warm, self.work)
        return self.launchers[slot]

    def close(self):
        for launcher in self.launchers.values():
            launcher.close()

    def uid(self, slot):
        return UID_BASE + slot if self.settings.isolating else None

    def grade(self, submission, slot=0):
        started = time.monotonic()
        result = SubmissionResult(submission.student, notes=list(submission.notes))
        folder = Path(tempfile.mkdtemp(prefix=f"{submission.student[:20]}-", dir=self.work))
        folder.chmod(0o711)  # learner code may pass through to its own code folder, not list
        try:
            for exercise in self.settings.exercises:
                result.exercises[exercise] = self.grade_exercise(submission, exercise, folder, slot)
                if result.exercises[exercise].note:
                    result.notes.append(f"{exercise}: {result.exercises[exercise].note}")
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        result.notes = list(dict.fromkeys(result.notes))
        result.seconds = time.monotonic() - started
        return result

    def check_import(self, copy, exercise, scratch, uid, slot):
        """Import the module once in a sandbox before any test: one that does not import
        (a syntax error, an exception or sys.exit at import, an endless loop) scores 0
        on every test of the exercise, which is what its tests would find, only slower."""
        hide = self.settings.hidden_paths() if self.settings.mode == "uid+hide" else ()
        workdir = scratch / "import"
        workdir.mkdir(mode=0o700)
        limits = Limits(cpu_seconds=max(1, int(self.settings.import_limit)), user=uid, hide=hide)
        return self.launcher(slot).check_import(copy, f"submission_{MODULES[exercise]}", workdir, limits,
                                                self.settings.import_limit)

    def grade_exercise(self, submission, exercise, folder, slot):
        expected = self.tests[exercise]
        module = submission.modules.get(exercise)
        if module is None:
            reason = f"no {MODULES[exercise]}.py in the submission"
            return ExerciseResult(exercise, _scored(expected, [], reason), note=reason)
        uid = self.uid(slot)
        code = _private_folder(folder, f"code-{exercise}", uid)
        copy = code / module.name
        shutil.copyfile(module, copy)
        if uid is not None:
            os.chown(copy, uid, uid)
        private = Path(tempfile.mkdtemp(prefix=f"judge-{exercise}-", dir=folder))  # 0700, ours
        results, log = private / "results.json", private / "pytest.log"
        scratch = folder / f"tmp-{exercise}"  # the sandboxes' working folders: removed with `folder`
        scratch.mkdir(mode=0o711)  # even when a time limit stops the run before it cleans up
        env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", TMPDIR=str(scratch))
        env.pop(USER_VARIABLE, None)
        env.pop(HIDE_VARIABLE, None)
        if uid is not None:
            env[USER_VARIABLE] = str(uid)
            if self.settings.mode == "uid+hide":
                env[HIDE_VARIABLE] = os.pathsep.join(self.settings.hidden_paths())
        args = pytest_args(self.settings.test_files(exercise), "--code", str(code), "--results", str(results))
        started = time.monotonic()
        note = ""
        try:
            broken = self.check_import(copy, exercise, scratch, uid, slot)
            if broken:
                reason = f"{module.name}: {broken}"
                return ExerciseResult(exercise, _scored(expected, [], reason), note=reason,
                                      seconds=time.monotonic() - started)
            exit_code = self.launcher(slot).run(args, env, log, self.settings.time_limit)
        finally:
            if uid is not None:
                kill_user(uid)
        if exit_code is None:
            note = f"stopped after the {self.settings.time_limit:g} s time limit"
        seconds = time.monotonic() - started
        reported = []
        if not note:
            try:
                reported = json.loads(results.read_text())
            except (OSError, ValueError):
                tail = log.read_bytes()[-1500:].decode("utf-8", "replace")
                note = f"the test run ended without results (exit code {exit_code}): {tail}"
        tests = _scored(expected, reported, note or "the test did not report")
        failed = [t for t in tests if t["outcome"] != "passed"]
        if failed and not note:
            first = " ".join(failed[0]["message"].split())[:160]
            note = f"{len(failed)}/{len(tests)} tests failed (first: {first})"
        return ExerciseResult(exercise, tests, note=note, seconds=seconds)


def _kill_session(process):
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    process.wait()


def grade_all(submissions, settings, work, workers=1, progress=None, warm=True):
    """Grade every submission with `workers` in parallel; results in submission order."""
    from concurrent.futures import ThreadPoolExecutor
    from queue import Queue

    settings.probe()
    tests = catalog(settings, work)
    grader = Grader(settings, work, tests, warm=warm)
    slots = Queue()
    for slot in range(workers):
        slots.put(slot)

    def one(submission):
        slot = slots.get()
        try:
            return grader.grade(submission, slot)
        except Exception as error:  # noqa: BLE001 (the batch goes on; the row says why)
            result = SubmissionResult(submission.student, notes=[f"grading failed: {type(error).__name__}: {error}"])
            for exercise in settings.exercises:
                result.exercises[exercise] = ExerciseResult(exercise, _scored(tests[exercise], [], "grading failed"))
            return result
        finally:
            slots.put(slot)
            if progress:
                progress(submission.student)

    hidden = settings.hidden_paths() if settings.mode == "uid" else ()
    try:
        with private_paths(hidden), ThreadPoolExecutor(max_workers=workers) as pool:
            return list(pool.map(one, submissions)), tests
    finally:
        grader.close()
