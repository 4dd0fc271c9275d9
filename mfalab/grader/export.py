"""The gradebook in the column layouts Canvas and Moodle import.

    mfalab export grades --format canvas --assignment "MFA Lab (1234)" --out canvas.csv
    mfalab export grades --format moodle --out moodle.csv

Canvas (Grades > Import) matches rows by its user id in the ID column and takes the
points from a column named like the assignment, "Name (assignment id)". Moodle (Grade
administration > Import > CSV file) maps columns by hand: the file gives the student id,
the LMS id and the total, and you map the id column to the user field it holds. Both are
written from the grading records of the output folder (mfalab.grader.records), so a
student graded in a regrade is exported with the class.
"""

import csv
from pathlib import Path

from . import records
from .batch import STUDENTS

FORMATS = ("canvas", "moodle")
CANVAS_FIXED = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]


class ExportError(ValueError):
    """Nothing to export, or an export that cannot be written as asked."""


def rows(out):
    kept, _missing = records.previous(Path(out) / STUDENTS)
    if not kept:
        raise ExportError(f"no grading records in {out}: grade into it first (mfalab grade ... --out {out})")
    return kept


def canvas(results, assignment):
    if not assignment:
        raise ExportError('Canvas needs --assignment "Name (assignment id)", as its gradebook export names it')
    lines = [CANVAS_FIXED + [assignment]]
    lines += [[result.student, result.lms_id, "", "", "", f"{result.points:g}"] for result in results]
    return lines


def moodle(results):
    return [["student_id", "lms_id", "total"]] + [[r.student, r.lms_id, f"{r.points:g}"] for r in results]


def export(out, target, fmt, assignment=None):
    """Write the export of the records in `out` to `target`; returns how many students it holds."""
    if fmt not in FORMATS:
        raise ExportError(f"format {fmt!r}: use one of {', '.join(FORMATS)}")
    results = rows(out)
    lines = canvas(results, assignment) if fmt == "canvas" else moodle(results)
    from .report import cell

    with open(target, "w", newline="") as handle:
        csv.writer(handle).writerows([[cell(value) for value in line] for line in lines])
    return len(results)
