"""Grade submissions: one pytest process per exercise, learner code in sandboxes only.

The process that decides a score (this one, reading the JSON the plugin writes into a
folder only it can write) never runs learner code, and neither does the pytest process:
graded tests reach the learner's module through mfalab.sandbox, whose children run with
CPU, memory, output and process-count limits, in throwaway folders, and -- when the
grader runs as root -- as an unprivileged uid of this run's own, with the hidden tests,
solutions, submissions and outputs covered, in PID, network and IPC namespaces of their
own (mfalab.grader.isolation says which protections this machine allows).
Each exercise is graded against a folder holding only that exercise's module, under a
wall-time limit; whatever a submission leaves running is killed by uid afterwards.
Before the batch, the reference solutions go through the same path and must score
full marks (mfalab.grader.canary).
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from lab_project.mfa.exercise_code import MODULES

from ..sandbox import references, uids
from ..sandbox.box import Box
from ..sandbox.limits import HIDE_VARIABLE, SPACES_VARIABLE, USER_VARIABLE, Limits
from . import EXERCISES, canary, isolation
from .launcher import Launcher
from .report import DEFAULT_HIDDEN_VISIBILITY

REPO = Path(__file__).resolve().parents[2]
TESTS = REPO / "tests" / "exercises"
UID_BASE = uids.FIRST  # the first sandbox uid; each grader run takes a block of its own


@dataclass
class Settings:
    exercises: tuple = EXERCISES
    time_limit: float = 300.0  # wall seconds per exercise (the pytest process and its sandboxes)
    import_limit: float = 5.0  # wall seconds for a module to import, before any test runs
    hidden: bool = True  # run the hidden tests too
    hidden_visibility: str = DEFAULT_HIDDEN_VISIBILITY  # when Gradescope shows them (report.HIDDEN_VISIBILITIES)
    tests: Path = TESTS
    isolate: bool | None = None  # drop privileges, hide paths, namespaces; None: when running as root
    hide: tuple = ()  # extra paths to hide from learner code
    private: tuple = ()  # the batch's submissions and output folders (hidden like the solutions)

    protections: tuple | None = None  # set by probe(): a subset of isolation.PROTECTIONS
    canary_seconds: float = 0.0  # set by grade_all(): how long the reference took before the batch

    @property
    def mode(self):
        """The protections in force, as one word ("uid+hide+pid+net+ipc", "uid", "none")."""
        return "+".join(self.protections or ()) or "none" if self.protections is not None else None

    @property
    def isolating(self):
        return "uid" in (self.protections or ())

    def probe(self, uid=UID_BASE):
        """Which protections work here (mfalab.grader.isolation); sets and returns self.mode."""
        if self.protections is None:
            self.protections = () if self.isolate is False else isolation.probe(uid, self.hidden_paths())
        return self.mode

    def spaces(self):
        return tuple(name for name in ("pid", "net", "ipc") if name in (self.protections or ()))

    def hidden_paths(self):
        """What learner code must never read: solutions, hidden tests, the kit's history and
        builds (they hold both), the batch's submissions and outputs, anything asked for."""
        paths = (REPO / "solutions", self.tests / "hidden", REPO / ".git", REPO / "dist", *map(Path, self.hide),
                 *map(Path, self.private))
        return tuple(dict.fromkeys(str(p) for p in paths))

    def test_files(self, exercise):
        files = sorted(self.tests.glob(f"test_{exercise}_*.py"))
        if self.hidden:
            files += sorted((self.tests / "hidden").glob(f"test_{exercise}_*.py"))
        return [str(f) for f in files]


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
    graded_at: str = ""  # when it was graded, UTC (ISO 8601); set by the batch
    late_days: int = 0  # days past the deadline (mfalab.grader.late)
    penalty: float = 0.0  # the share of the total that lateness costs (0 to 1)
    lms_id: str = ""  # the LMS's id for the student, when the download or the roster named one

    @property
    def earned(self):
        """The exercises' points together, before any late penalty."""
        return sum(r.points for r in self.exercises.values())

    @property
    def points(self):
        """The total after any late penalty (each exercise's points stay as graded)."""
        return round(self.earned * (1 - self.penalty), 2) if self.penalty else self.earned

    @property
    def max_points(self):
        return sum(r.max_points for r in self.exercises.values())


def pytest_command(files, *extra):
    return [sys.executable, "-m", "pytest", *pytest_args(files, *extra)]


def pytest_args(files, *extra):
    return [*files, "-c", str(REPO / "pyproject.toml"), "--rootdir", str(REPO),
            "-o", "addopts=", "--disable-plugin-autoload", "-p", "django", "-p", "mfalab.points", "-p", "no:cacheprovider", "-q", "--no-header", "-rN", *extra]


def catalog(settings, work):
    """Every graded test of the selected exercises (points, names), collected once, into a
    folder only the grader can enter (it names the hidden tests and their hints)."""
    path = Path(tempfile.mkdtemp(prefix="catalog-", dir=work)) / "catalog.json"
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
    """A folder for learner code: 0700, handed to the sandbox uid once filled (see _stage_module)."""
    folder = Path(parent) / name
    folder.mkdir(mode=0o700)
    return folder


def _stage_module(module, folder, uid):
    """Copy the staged module into `folder` (new, ours), then hand both to `uid`.

    The folder is created and filled by this process before the sandbox uid owns it, and
    the file is created new (O_EXCL, O_NOFOLLOW): no link planted there can redirect the write."""
    copy = Path(folder) / module.name
    handle = os.open(copy, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
    with os.fdopen(handle, "wb") as writer:
        writer.write(Path(module).read_bytes())
    if uid is not None:
        os.chown(copy, uid, uid)
        os.chown(folder, uid, uid)
    return copy


class Grader:
    def __init__(self, settings, work, tests, warm=True, uid_block=None):
        self.settings, self.work, self.tests = settings, Path(work), tests
        self.launchers = {}
        self.warm = warm
        self.uid_block = uid_block

    def launcher(self, slot):
        if slot not in self.launchers:
            self.launchers[slot] = Launcher(self.warm, self.work)
        return self.launchers[slot]

    def close(self):
        for launcher in self.launchers.values():
            launcher.close()

    def uid(self, slot):
        return self.uid_block[slot] if self.settings.isolating and self.uid_block is not None else None

    def grade(self, submission, slot=0):
        started = time.monotonic()
        result = SubmissionResult(submission.student, notes=list(submission.notes))
        folder = Path(tempfile.mkdtemp(prefix="submission-", dir=self.work))
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

    def limits(self, uid, **changes):
        """The sandbox limits of this run for `uid` (what the environment gives test runs)."""
        hide = self.settings.hidden_paths() if "hide" in (self.settings.protections or ()) else ()
        return Limits(user=uid, hide=hide, spaces=self.settings.spaces(), **changes)

    def environment(self, uid, scratch):
        env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", TMPDIR=str(scratch))
        for name in (USER_VARIABLE, HIDE_VARIABLE, SPACES_VARIABLE):
            env.pop(name, None)
        if uid is not None:
            limits = self.limits(uid)
            env[USER_VARIABLE] = str(uid)
            if limits.hide:
                env[HIDE_VARIABLE] = os.pathsep.join(limits.hide)
            if limits.spaces:
                env[SPACES_VARIABLE] = ",".join(limits.spaces)
        return env

    def check_import(self, copy, exercise, scratch, uid, slot):
        """Import the module once in a sandbox before any test: one that does not import
        (a syntax error, an exception or sys.exit at import, an endless loop) scores 0
        on every test of the exercise, which is what its tests would find, only slower."""
        box = Box("import-", uid, parent=scratch)
        try:
            limits = self.limits(uid, cpu_seconds=max(1, int(self.settings.import_limit)))
            return self.launcher(slot).check_import(copy, f"submission_{MODULES[exercise]}", box.work, limits,
                                                    self.settings.import_limit, box.output_fd)
        finally:
            box.cleanup()

    def grade_exercise(self, submission, exercise, folder, slot):
        expected = self.tests[exercise]
        module = submission.modules.get(exercise)
        if module is None:
            reason = f"no {MODULES[exercise]}.py in the submission"
            return ExerciseResult(exercise, _scored(expected, [], reason), note=reason)
        uid = self.uid(slot)
        code = _private_folder(folder, f"code-{exercise}", uid)
        copy = _stage_module(module, code, uid)
        private = Path(tempfile.mkdtemp(prefix=f"judge-{exercise}-", dir=folder))  # 0700, ours
        results, log = private / "results.json", private / "pytest.log"
        scratch = folder / f"tmp-{exercise}"  # the sandboxes' boxes: removed with `folder`
        scratch.mkdir(mode=0o711)  # even when a time limit stops the run before it cleans up
        env = self.environment(uid, scratch)
        args = pytest_args(self.settings.test_files(exercise), "--code", str(code), "--results", str(results))
        started = time.monotonic()
        try:
            broken = self.check_import(copy, exercise, scratch, uid, slot)
            if broken:
                reason = f"{module.name}: {broken}"
                return ExerciseResult(exercise, _scored(expected, [], reason), note=reason,
                                      seconds=time.monotonic() - started)
            exit_code = self.launcher(slot).run(args, env, log, self.settings.time_limit)
        finally:
            if uid is not None:
                uids.kill_uid(uid)
        seconds = time.monotonic() - started
        note, reported = "", []
        if exit_code is None:
            note = f"stopped after the {self.settings.time_limit:g} s time limit"
        else:
            try:
                reported = json.loads(results.read_text())
            except (OSError, ValueError):
                note = f"the test run ended without results (exit code {exit_code})"
        tests = _scored(expected, reported, note or "the test did not report")
        return ExerciseResult(exercise, tests, note=note or visible_note(tests), seconds=seconds)


def visible_note(tests):
    """How many tests failed, and the first failure a student may see (never a hidden test's)."""
    failed = [t for t in tests if t["outcome"] != "passed"]
    if not failed:
        return ""
    shown = next((t for t in failed if not t["hidden"]), None)
    first = f" (first: {' '.join(shown['message'].split())[:160]})" if shown else ""
    return f"{len(failed)}/{len(tests)} tests failed{first}"


def _failed_result(submission, tests, settings, why):
    result = SubmissionResult(submission.student, notes=[*submission.notes, why])
    for exercise in settings.exercises:
        result.exercises[exercise] = ExerciseResult(exercise, _scored(tests[exercise], [], "grading failed"))
    return result


def check_reachable(settings, work):
    """Refuse at once when the sandbox uid could not even reach the grader's folders."""
    if settings.isolating:
        blocked = isolation.unreachable(work)
        if blocked:
            raise canary.CanaryFailed(
                f"The sandbox user cannot enter {blocked}, on the way to the grader's working folder {work}, "
                "so every submission would score 0. Point TMPDIR at a folder other users may pass through "
                "(for example TMPDIR=/tmp). Nothing was graded.")


def grade_all(submissions, settings, work, workers=1, progress=None, warm=True, check=True):
    """Grade every submission with `workers` in parallel; results in submission order.

    First the reference solutions go through the same path (check=False skips that);
    unless they score full marks, canary.CanaryFailed says why and nothing is graded."""
    block = uids.allocate() if settings.isolate is not False and os.geteuid() == 0 else None
    try:
        settings.probe(block[0] if block is not None else UID_BASE)
        tests = catalog(settings, work)
        grader = Grader(settings, work, tests, warm=warm, uid_block=block)
        hidden = ()
        if settings.isolating and "hide" not in settings.protections:  # no mounts: modes hide them
            hidden = (*settings.hidden_paths(), *references.files())
        with isolation.private_paths(hidden):
            try:
                if check:
                    started = time.monotonic()
                    check_reachable(settings, work)
                    staged = canary.stage(settings.exercises, Path(work) / "canary")
                    message = canary.verdict(grader.grade(staged, 0))
                    settings.canary_seconds = time.monotonic() - started
                    if message:
                        raise canary.CanaryFailed(message)
                return _grade_batch(grader, submissions, tests, settings, workers, progress), tests
            finally:
                grader.close()
    finally:
        if block is not None:
            for uid in block:
                uids.kill_uid(uid)
            uids.remove_leftovers(block)
            block.close()


def _grade_batch(grader, submissions, tests, settings, workers, progress):
    from concurrent.futures import ThreadPoolExecutor
    from queue import Queue

    slots = Queue()
    for slot in range(workers):
        slots.put(slot)

    def one(submission):
        slot = slots.get()
        try:
            return grader.grade(submission, slot)
        except Exception as error:  # noqa: BLE001 (the batch goes on; the row says why)
            return _failed_result(submission, tests, settings, f"grading failed: {type(error).__name__}: {error}")
        finally:
            slots.put(slot)
            if progress:
                progress(submission.student)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(one, submissions))
