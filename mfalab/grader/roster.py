"""A class roster: which student each submission belongs to.

    lms_id,student_id,name
    1001,s2024-017,Ann Smith

lms_id is the Canvas user id (the number after the name in a Canvas download's file names),
the Moodle participant number of the assignment (the number in its "download all" folder
names, which is not the Moodle user id), or the submission's own id.

A submission whose LMS id (or id) is on the roster is graded under the roster's student id;
one that is not keeps its own id with a note; roster students without a submission are
listed by missing().
"""

import csv
from pathlib import Path

COLUMNS = ("lms_id", "student_id")


class RosterError(ValueError):
    """The roster file cannot be used (missing, no header, a column missing, a duplicate id)."""


def load(path):
    """{lms id: (student id, name)} from a CSV with the columns lms_id, student_id and optionally name."""
    path = Path(path)
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.DictReader(handle))
            header = rows[0].keys() if rows else []
    except OSError as error:
        raise RosterError(f"the roster {path} cannot be read: {error.strerror or error}") from None
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise RosterError(f"the roster {path} needs the columns {', '.join(COLUMNS)} (and optionally name); "
                          f"missing: {', '.join(missing)}")
    roster = {}
    for number, row in enumerate(rows, start=2):
        key, student = (row["lms_id"] or "").strip(), (row["student_id"] or "").strip()
        if not key or not student:
            raise RosterError(f"the roster {path}, line {number}: lms_id and student_id are both needed")
        if key in roster:
            raise RosterError(f"the roster {path}, line {number}: lms_id {key} appears twice")
        roster[key] = (student, (row.get("name") or "").strip())
    return roster


def apply(submissions, roster, student_id):
    """Rename each submission found on the roster (`student_id` makes an id safe)."""
    taken = set()
    for submission in submissions:
        entry = roster.get(submission.lms_id) or roster.get(submission.student)
        if entry is None:
            submission.notes.append(f"{submission.student} is not on the roster; graded under its own id")
        else:
            wanted = student_id(Path(entry[0]))
            if wanted.lower() in taken:
                submission.notes.append(f"the roster's {entry[0]} has another submission too; this one is graded "
                                        f"as {submission.student}")
            else:
                submission.student = wanted
                submission.lms_id = submission.lms_id or next(k for k, v in roster.items() if v is entry)
        taken.add(submission.student.lower())
    return submissions


def missing(submissions, roster, student_id):
    """Roster entries (student id, name) that no submission matched."""
    matched = {s.student for s in submissions}
    return [entry for entry in roster.values() if student_id(Path(entry[0])) not in matched]
