"""Grade a folder of submissions into an output folder (the `mfalab grade` command).

    out/gradebook.csv                 one row per student
    out/<student>/results.json        Gradescope format, one per submission
    out/summary.md, out/summary.png   the class summary
"""

import os
import shutil
import tempfile
from pathlib import Path

from . import collect, report
from .progress import Progress
from .run import Settings, grade_all


def grade_folder(submissions, out, *, workers=1, settings=None, progress=True, warm=True):
    settings = settings or Settings()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="mfalab-grade-"))
    work.chmod(0o711)  # sandbox users pass through to their own code folders only
    try:
        staged = collect.collect(submissions, work / "staged")
        (work / "staged").chmod(0o700)
        bar = Progress(len(staged)) if progress and staged else None
        results, _tests = grade_all(staged, settings, work, workers=max(1, workers), progress=bar,
                                   warm=warm)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    exercises = list(settings.exercises)
    report.gradebook(results, exercises, out / "gradebook.csv")
    for result in results:
        report.write_gradescope(result, exercises, out / result.student / "results.json")
    report.summary(results, exercises, out / "summary.md", out / "summary.png", isolation=settings.mode)
    return results


def default_workers():
    return max(1, min(4, os.cpu_count() or 1))
