"""Grade a folder of submissions into an output folder (the `mfalab grade` command).

    out/gradebook.csv                       one row per student
    out/students/<student>/results.json     Gradescope format, one per submission
    out/summary.md, out/summary.png         the class summary

Student ids name folders under out/students/ only, so no id (not even "gradebook.csv")
can meet the batch's own files. The submissions and out folders are hidden from learner
code like the solutions. Before grading, the reference solutions must score full marks
through the same path (mfalab.grader.canary); if not, CanaryFailed and no output.
"""

import os
import shutil
import tempfile
from pathlib import Path

from . import collect, report
from .progress import Progress
from .run import Settings, grade_all


STUDENTS = "students"


def results_path(out, student):
    return Path(out) / STUDENTS / student / "results.json"


def grade_folder(submissions, out, *, workers=1, settings=None, progress=True, warm=True, check=True):
    settings = settings or Settings()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    settings.private = tuple(dict.fromkeys([*settings.private, str(Path(submissions).resolve()), str(out.resolve())]))
    work = Path(tempfile.mkdtemp(prefix="mfalab-grade-"))
    work.chmod(0o711)  # sandbox users pass through to their own code folders only
    try:
        staging = work / "staged"
        staging.mkdir(mode=0o700)
        staged = collect.collect(submissions, staging)
        bar = Progress(len(staged)) if progress and staged else None
        results, _tests = grade_all(staged, settings, work, workers=max(1, workers), progress=bar,
                                   warm=warm, check=check)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    exercises = list(settings.exercises)
    report.gradebook(results, exercises, out / "gradebook.csv")
    for result in results:
        report.write_gradescope(result, exercises, results_path(out, result.student), settings.hidden_visibility)
    report.summary(results, exercises, out / "summary.md", out / "summary.png", isolation=settings.mode)
    return results


def default_workers():
    return max(1, min(4, os.cpu_count() or 1))
