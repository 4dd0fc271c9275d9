"""Grade a folder of submissions into an output folder (the `mfalab grade` command).

    out/gradebook.csv                       one row per student
    out/students/<student>/results.json     Gradescope format, one per submission
    out/summary.md, out/summary.png         the class summary
    out/students/<student>/feedback.md      plain feedback to hand back (mfalab.grader.feedback)
    out/students/<student>/record.json      what the grader keeps for regrades (mfalab.grader.records)

An out folder graded before keeps its other students: the students graded now replace
their rows, and the gradebook and summary are written from every record. `student`
grades only the submission with that id.

Student ids name folders under out/students/ only, so no id (not even "gradebook.csv")
can meet the batch's own files. The submissions and out folders are hidden from learner
code like the solutions. Before grading, the reference solutions must score full marks
through the same path (mfalab.grader.canary); if not, CanaryFailed and no output.
"""

import os
import shutil
import tempfile
from pathlib import Path

from . import EXERCISES, collect, feedback, late, records, report
from . import roster as rosters
from .progress import Progress
from .run import Settings, grade_all


STUDENTS = "students"


def results_path(out, student):
    return Path(out) / STUDENTS / student / "results.json"


class NoSuchStudent(LookupError):
    """--student named an id that no submission in the folder has."""


def grade_folder(submissions, out, *, workers=1, settings=None, progress=True, warm=True, check=True,
                 student=None, warnings=None, roster=None, deadline=None, late_per_day=0.0):
    """Grade `submissions` into `out`, merged with the students graded there before.
    `warnings` (a list) receives a line per earlier student folder that could not be kept and
    per roster student without a submission. `roster`: {lms id: (student id, name)}.
    `deadline` (an aware datetime): rows say how many days late each submission was, and
    each day costs `late_per_day` percent of the total (mfalab.grader.late)."""
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
        if roster:
            rosters.apply(staged, roster, collect.student_id)
            if warnings is not None and student is None:
                warnings += [f"{sid}{f' ({name})' if name else ''} is on the roster but has no submission"
                             for sid, name in rosters.missing(staged, roster, collect.student_id)]
        if student is not None:
            chosen = [s for s in staged if s.student == student]
            if not chosen:
                ids = ", ".join(s.student for s in staged[:20]) or "none"
                raise NoSuchStudent(f"no submission with the id {student} in {submissions} (ids there: {ids})")
            staged = chosen
        bar = Progress(len(staged)) if progress and staged else None
        results, _tests = grade_all(staged, settings, work, workers=max(1, workers), progress=bar,
                                   warm=warm, check=check)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    earlier, missing = records.previous(out / STUDENTS)
    known = {record.student: record.lms_id for record in earlier}
    for submission, result in zip(staged, results):
        result.lms_id = submission.lms_id or known.get(result.student, "")  # a regrade from a plain folder keeps it
    if deadline is not None:
        for submission, result in zip(staged, results):
            result.late_days, result.penalty, note = late.assess(submission.submitted_at, deadline, late_per_day)
            if note:
                result.notes.append(note)
    graded_at = records.now()
    exercises = list(settings.exercises)
    for result in results:
        result.graded_at = graded_at
        report.write_gradescope(result, exercises, results_path(out, result.student), settings.hidden_visibility)
        feedback.write(result, exercises, results_path(out, result.student).with_name("feedback.md"),
                       settings.hidden_visibility)
        records.save(result, results_path(out, result.student).parent)
    if warnings is not None:
        graded = {result.student for result in results}
        warnings += [f"{STUDENTS}/{name} has no grading record (graded by an older version?): "
                     "left out of the gradebook and summary; grade it again" for name in missing if name not in graded]
    everyone = records.merge(earlier, results)
    named = [*EXERCISES, *exercises]
    columns = [e for e in dict.fromkeys(named) if e in exercises or any(e in r.exercises for r in everyone)]
    report.gradebook(everyone, columns, out / "gradebook.csv")
    report.summary(everyone, columns, out / "summary.md", out / "summary.png", isolation=settings.mode)
    return results


def default_workers():
    return max(1, min(4, os.cpu_count() or 1))
