r"""The gradebook in the layouts Canvas's and Moodle's own importers read.

    mfalab export grades --format canvas --assignment "MFA Lab (1234)" --out canvas.csv
    mfalab export grades --format moodle --out worksheet.csv

Canvas (Grades > Import) reads the layout of its own gradebook export:
  canvas-lms lib/gradebook_exporter.rb: Student, ID, [SIS User ID], SIS Login ID, Section, "Title (id)"...
  canvas-lms app/models/gradebook_importer.rb: header starts "Student", "ID"; its student columns end at "Section"
  canvas-lms app/models/gradebook_importer.rb: a row is matched by ID (user id), SIS User ID, SIS Login ID, then name
  canvas-lms app/models/gradebook_importer.rb: other columns are assignments: by id, else title, else a new one
  canvas-lms app/models/assignment.rb: title_and_id takes the id from "Title (id)", /\A(.*)\s\((\d+)\)\z/
  canvas-lms app/models/gradebook_importer.rb: the "Points Possible" row is optional (none is written)
  canvas-lms lib/content_zipper.rb: downloads are named name[_LATE]_<user id>_<attachment id>_<file>
Moodle reads the assignment's offline grading worksheet (Upload grading worksheet):
  moodle mod/assign/feedback/offline/importgradeslib.php: needs Identifier, Grade and Last modified (grade)
  moodle mod/assign/feedback/offline/importgradeslib.php: reads a feedback column by name: Feedback comments
  moodle mod/assign/feedback/offline/importgradeslib.php: Identifier minus len("Participant ") is the uniqueid
  moodle mod/assign/gradingtable.php: Identifier is "Participant " + get_uniqueid_for_user, per assignment
  moodle mod/assign/classes/downloader.php: download folders are Full Name_<that uniqueid>_assignsubmission_file
  moodle mod/assign/feedback/offline/locallib.php: skips a grade over the maximum or changed in Moodle after
    Last modified (grade), unless the upload allows overwriting newer grades
  moodle grade/import/csv/classes/load_data.php: the gradebook CSV import maps users by id, idnumber, email or
    username, none of which the grader holds: that layout is not written

So the Canvas file is Canvas's export layout with the ID of each student; the Moodle
file is the worksheet of one assignment, matched by the participant number of that
assignment's download (not the Moodle user id). Column names are Moodle's English strings:
upload with Moodle in English. A student without a usable LMS id (or sharing one with
another student) cannot be matched: the file holds everyone else and the students left
out are named in the result, never written as a row the LMS would misplace. Both files
come from the grading records of the output folder (mfalab.grader.records), so a student
graded in a regrade is exported with the class.
"""

import csv
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from . import records
from .batch import STUDENTS
from .report import cell

FORMATS = ("canvas", "moodle")
CANVAS_FIXED = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
CANVAS_ASSIGNMENT = re.compile(r"\A(.*)\s\((\d+)\)\Z")  # Assignment.title_and_id
MOODLE_COLUMNS = ["Identifier", "Student", "Grade", "Maximum Grade", "Last modified (grade)", "Feedback comments"]
MOODLE_PARTICIPANT = "Participant "  # mod_assign's 'hiddenuser' string, trailing space included
LMS_ID = re.compile(r"[0-9]+")


class ExportError(ValueError):
    """Nothing to export, or an export that cannot be written as asked."""


@dataclass
class Exported:
    """What export() wrote: `count` rows, and the students it left out with the reason."""

    count: int
    left_out: list = field(default_factory=list)  # [(student, reason), ...]

    def warning(self):
        """One line naming the students the LMS could not match, or "" when there are none."""
        if not self.left_out:
            return ""
        names = "; ".join(f"{student} ({reason})" for student, reason in self.left_out)
        return f"left out {len(self.left_out)} student(s) the LMS could not match: {names}"


def rows(out):
    kept, _missing = records.previous(Path(out) / STUDENTS)
    if not kept:
        raise ExportError(f"no grading records in {out}: grade into it first (mfalab grade ... --out {out})")
    return kept


def matchable(results):
    """The results the LMS can match (a numeric LMS id no other student has), and the others
    as (student, reason)."""
    owners = {}
    for result in results:
        owners.setdefault((result.lms_id or "").strip(), []).append(result.student)
    kept, left_out = [], []
    for result in results:
        lms_id = (result.lms_id or "").strip()
        if not lms_id:
            left_out.append((result.student, "no LMS id: grade from the LMS download or with a roster"))
        elif not LMS_ID.fullmatch(lms_id):
            left_out.append((result.student, f"LMS id {lms_id!r} is not a number"))
        elif len(owners[lms_id]) > 1:
            others = ", ".join(s for s in owners[lms_id] if s != result.student)
            left_out.append((result.student, f"LMS id {lms_id} is also {others}'s"))
        else:
            kept.append(result)
    return kept, left_out


def number(value):
    """Points as the importers read them: at most two decimals, a point, no exponent."""
    return f"{round(value, 2):.2f}".rstrip("0").rstrip(".")


def canvas_column(assignment):
    """The assignment's column header, as Canvas's gradebook export names it: "Title (id)"."""
    if not assignment or not CANVAS_ASSIGNMENT.match(assignment.strip()):
        raise ExportError('Canvas needs --assignment "Name (assignment id)", the assignment\'s header in Canvas\'s '
                          "gradebook export (without the id Canvas matches the title, or makes a new assignment)")
    return assignment.strip()


def canvas(results, column):
    lines = [CANVAS_FIXED + [column]]
    lines += [[r.student, r.lms_id.strip(), "", "", "", number(r.points)] for r in results]
    return lines


def comment(result):
    """The worksheet's feedback comment: the points and what lateness cost, in one plain line."""
    text = f"MFA Lab autograder: {number(result.points)} of {number(result.max_points)} points"
    if result.penalty:
        text += (f" ({number(result.earned)} less {number(result.penalty * 100)}% for {result.late_days} "
                 f"day{'' if result.late_days == 1 else 's'} late)")
    return text + "."


def moodle(results, now):
    lines = [list(MOODLE_COLUMNS)]
    for r in results:
        lines.append([MOODLE_PARTICIPANT + r.lms_id.strip(), r.student, number(r.points), number(r.max_points),
                      r.graded_at or now, comment(r)])
    return lines


def export(out, target, fmt, assignment=None):
    """Write the export of the records in `out` to `target`. Returns an Exported: the rows
    written and the students left out because the LMS could not match them."""
    if fmt not in FORMATS:
        raise ExportError(f"format {fmt!r}: use one of {', '.join(FORMATS)}")
    results = rows(out)
    column = canvas_column(assignment) if fmt == "canvas" else None  # refused before anything is written
    kept, left_out = matchable(results)
    if not kept:
        raise ExportError(f"none of the {len(results)} graded student(s) in {out} can be matched by the LMS: "
                          + Exported(0, left_out).warning())
    if fmt == "canvas":
        lines = canvas(kept, column)
    else:
        lines = moodle(kept, datetime.now(timezone.utc).isoformat(timespec="seconds"))
    with open(target, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([[cell(value) for value in line] for line in lines])
    return Exported(len(kept), left_out)
