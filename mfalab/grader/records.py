"""What a grading run remembers about each student, so that a regrade merges with the class.

    out/students/<student>/record.json    the student's last grading: every test's outcome,
                                          the notes, and when it was graded (UTC)

Grading into a folder that already holds records replaces the rows of the students graded
now and keeps every other student's; the gradebook and the summary are then written from
all of them.
"""

import json
from datetime import datetime, timezone
from pathlib import Path

from .run import ExerciseResult, SubmissionResult

RECORD = "record.json"


def now():
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def save(result, folder):
    """Write `result` as `folder/record.json`."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    document = {"student": result.student, "graded_at": result.graded_at, "seconds": result.seconds,
                "late_days": result.late_days, "penalty": result.penalty, "lms_id": result.lms_id,
                "notes": list(result.notes),
                "exercises": {name: {"tests": got.tests, "note": got.note, "seconds": got.seconds}
                              for name, got in result.exercises.items()}}
    (folder / RECORD).write_text(json.dumps(document, indent=1))


def load(path):
    document = json.loads(Path(path).read_text())
    exercises = {name: ExerciseResult(name, got["tests"], got.get("note", ""), got.get("seconds", 0.0))
                 for name, got in document["exercises"].items()}
    return SubmissionResult(document["student"], exercises, list(document.get("notes", [])),
                            document.get("seconds", 0.0), document.get("graded_at", ""),
                            document.get("late_days", 0), document.get("penalty", 0.0), document.get("lms_id", ""))


def previous(students):
    """The records under `students/`, and the ids of folders there without one (graded
    before records existed, or damaged): those cannot be kept and are named, not guessed."""
    kept, missing = [], []
    for folder in sorted(Path(students).iterdir()) if Path(students).is_dir() else ():
        if not folder.is_dir():
            continue
        try:
            kept.append(load(folder / RECORD))
        except (OSError, ValueError, KeyError, TypeError):
            missing.append(folder.name)
    return kept, missing


def merge(earlier, graded):
    """Every student once, sorted by id: those graded now replace their earlier rows."""
    rows = {result.student: result for result in earlier}
    rows.update((result.student, result) for result in graded)
    return [rows[student] for student in sorted(rows)]
