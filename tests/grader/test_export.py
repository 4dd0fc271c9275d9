"""The gradebook exported in the layouts Canvas and Moodle import, read back the way their
importers read it (canvas-lms app/models/gradebook_importer.rb, moodle
mod/assign/feedback/offline/importgradeslib.php), so a wrong layout fails here."""

import argparse
import csv
import re
from datetime import datetime
from pathlib import Path

import pytest

from mfalab.grader import cli, lms, records
from mfalab.grader.export import Exported, ExportError, export, number
from mfalab.grader.run import ExerciseResult, SubmissionResult

GRADED_AT = "2026-11-30T04:00:00+00:00"


def graded(out, students=(("ana", "1001", 0.0, 0), ("=ben", "1002", 0.1, 1))):
    test = {"nodeid": "t::a", "name": "a", "doc": "a", "max_points": 20, "points": 20, "outcome": "passed",
            "message": "", "hint": "", "hidden": False}
    for student, lms_id, penalty, late_days in students:
        result = SubmissionResult(student, {"ex01": ExerciseResult("ex01", [dict(test)])}, penalty=penalty,
                                  late_days=late_days, lms_id=lms_id, graded_at=GRADED_AT)
        records.save(result, out / "students" / student)


def ruby_to_i(text):
    """Ruby's String#to_i, which Canvas applies to the ID cell: leading digits, else 0."""
    digits = re.match(r"\s*([0-9]*)", text or "")[1]
    return int(digits) if digits else 0


def canvas_import(path, users, assignments):
    """What Canvas's gradebook importer makes of `path`: {user id: {assignment id: grade}}.
    `users` are the course's Canvas user ids, `assignments` its assignment ids."""
    rows = list(csv.reader(open(path, newline="", encoding="utf-8")))
    header = rows[0]
    # header? / row_has_student_headers? / update_column_count / last_student_info_column
    assert len(header) > 3 and "Student" in header[0] and "ID" in header[1], header
    columns = 3
    if re.search(r"SIS\s+Login\s+ID", header[2]):
        columns += 1
    elif re.search(r"SIS\s+User\s+ID", header[2]) and re.search(r"SIS\s+Login\s+ID", header[3]):
        columns += 2 + (1 if re.search(r"Integration\s+ID", header[4]) else 0)
    assert "Section" in header[columns - 1], header
    assignment_at = {}
    for index, name in enumerate(header[columns:], start=columns):
        match = re.fullmatch(r"(.*)\s\((\d+)\)", name)  # Assignment.title_and_id
        assert match and int(match[2]) in assignments, f"{name!r} would be a new assignment"
        assignment_at[int(match[2])] = index
    imported = {}
    for row in rows[1:]:
        assert len(row) == len(header)
        if "Points Possible" in row[0]:
            continue
        user = ruby_to_i(row[1])
        assert user in users, f"ID {row[1]!r} is no student of the course: Canvas would match by name"
        assert user not in imported, f"two rows for user {user}"
        imported[user] = {assignment: row[index].strip() for assignment, index in assignment_at.items()}
    return imported


def moodle_import(path, participants, max_grade):
    """What the offline grading worksheet's importer makes of `path`: {user: (grade, last
    modified, feedback comments)}. `participants` maps the assignment's participant numbers
    (get_uniqueid_for_user) to users; grades over `max_grade` are skipped as Moodle does."""
    rows = list(csv.reader(open(path, newline="", encoding="utf-8")))
    header = rows[0]
    assert len(set(header)) == len(header), header
    index = {name: at for at, name in enumerate(header)}
    for required in ("Identifier", "Grade", "Last modified (grade)"):  # init() returns false without one
        assert required in index, f"no {required!r} column: Moodle refuses the file"
    imported = {}
    for row in rows[1:]:
        assert len(row) == len(header)
        identifier = row[index["Identifier"]]
        uniqueid = identifier[len("Participant "):]  # substr($idstr, strlen(get_string('hiddenuser', 'assign')))
        assert identifier.startswith("Participant ") and uniqueid.isdigit(), identifier
        user = participants[int(uniqueid)]
        grade = float(row[index["Grade"]])
        assert 0 <= grade <= max_grade
        modified = datetime.fromisoformat(row[index["Last modified (grade)"]])  # strtotime reads ISO 8601
        assert modified.tzinfo is not None
        feedback = row[index["Feedback comments"]] if "Feedback comments" in index else None
        imported[user] = (grade, modified, feedback)
    return imported


def test_canvas_reads_one_grade_per_canvas_user_under_the_assignment_column(tmp_path):
    # The user id in a "Download Submissions" file name is the ID Canvas matches rows by.
    assert lms.parse("limaana_1001_55501_ex01_totp.py").user == "1001"
    graded(tmp_path)
    done = export(tmp_path, tmp_path / "canvas.csv", "canvas", "MFA Lab (1234)")
    assert done == Exported(2, []) and done.warning() == ""
    assert canvas_import(tmp_path / "canvas.csv", users={1001, 1002, 1003}, assignments={1234}) == {
        1001: {1234: "20"}, 1002: {1234: "18"}}
    rows = list(csv.reader(open(tmp_path / "canvas.csv")))
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "MFA Lab (1234)"]
    assert rows[1:] == [["'=ben", "1002", "", "", "", "18"], ["ana", "1001", "", "", "", "20"]]


@pytest.mark.parametrize("assignment", [None, "", "MFA Lab", "MFA Lab (12a)", "MFA Lab(1234)"])
def test_canvas_needs_the_assignment_id_or_it_would_match_a_title_or_make_an_assignment(tmp_path, assignment):
    graded(tmp_path)
    with pytest.raises(ExportError, match=r'--assignment "Name \(assignment id\)"'):
        export(tmp_path, tmp_path / "canvas.csv", "canvas", assignment)
    assert not (tmp_path / "canvas.csv").exists()


def test_moodle_writes_the_worksheet_its_upload_matches_by_participant_number(tmp_path):
    # The number in a "Download all submissions" folder is the assignment's participant number.
    folders = ["Ana Lima_42_assignsubmission_file", "Ben Ode_57_assignsubmission_file_"]
    lms_ids = [lms.moodle_folder(folder)[1] for folder in folders]
    graded(tmp_path, (("ana", lms_ids[0], 0.0, 0), ("ben", lms_ids[1], 0.1, 1)))
    assert export(tmp_path, tmp_path / "worksheet.csv", "moodle") == Exported(2, [])
    imported = moodle_import(tmp_path / "worksheet.csv", participants={42: "Ana Lima", 57: "Ben Ode"}, max_grade=20)
    assert {user: grade for user, (grade, _, _) in imported.items()} == {"Ana Lima": 20.0, "Ben Ode": 18.0}
    assert {modified for _, modified, _ in imported.values()} == {datetime.fromisoformat(GRADED_AT)}
    assert imported["Ana Lima"][2] == "MFA Lab autograder: 20 of 20 points."
    assert imported["Ben Ode"][2] == "MFA Lab autograder: 18 of 20 points (20 less 10% for 1 day late)."
    rows = list(csv.reader(open(tmp_path / "worksheet.csv")))
    assert rows[0] == ["Identifier", "Student", "Grade", "Maximum Grade", "Last modified (grade)", "Feedback comments"]
    assert [row[:4] for row in rows[1:]] == [["Participant 42", "ana", "20", "20"], ["Participant 57", "ben", "18", "20"]]


def test_students_the_lms_cannot_match_are_left_out_and_named(tmp_path):
    graded(tmp_path, (("ana", "1001", 0.0, 0), ("cid", "", 0.0, 0), ("dee", "s-17", 0.0, 0),
                      ("eve", "1005", 0.0, 0), ("fay", "1005", 0.0, 0)))
    for fmt, target in (("canvas", "canvas.csv"), ("moodle", "worksheet.csv")):
        done = export(tmp_path, tmp_path / target, fmt, "MFA Lab (1234)")
        assert done.count == 1 and [student for student, _ in done.left_out] == ["cid", "dee", "eve", "fay"]
        assert "no LMS id" in dict(done.left_out)["cid"] and "not a number" in dict(done.left_out)["dee"]
        assert "also fay's" in dict(done.left_out)["eve"]
        assert done.warning().startswith("left out 4 student(s)") and all(
            name in done.warning() for name in ("cid", "dee", "eve", "fay"))
    assert canvas_import(tmp_path / "canvas.csv", users={1001}, assignments={1234}) == {1001: {1234: "20"}}
    assert list(moodle_import(tmp_path / "worksheet.csv", participants={1001: "ana"}, max_grade=20)) == ["ana"]


def test_nothing_matchable_is_an_error_not_an_empty_file(tmp_path):
    graded(tmp_path, (("ana", "", 0.0, 0),))
    with pytest.raises(ExportError, match="none of the 1 graded student.*ana"):
        export(tmp_path, tmp_path / "moodle.csv", "moodle")
    assert not Path(tmp_path / "moodle.csv").exists()


def test_points_are_written_as_both_importers_read_numbers():
    assert [number(x) for x in (18.0, 17.5, 16.666666, 123456.25, 0)] == ["18", "17.5", "16.67", "123456.25", "0"]


def test_export_errors_say_what_to_do(tmp_path):
    with pytest.raises(ExportError, match="grade into it first"):
        export(tmp_path, tmp_path / "x.csv", "moodle")
    graded(tmp_path)
    with pytest.raises(ExportError, match="--assignment"):
        export(tmp_path, tmp_path / "x.csv", "canvas")
    with pytest.raises(ExportError, match="use one of canvas, moodle"):
        export(tmp_path, tmp_path / "x.csv", "blackboard")


def test_the_command_exits_2_on_an_error(tmp_path, capsys):
    parser = argparse.ArgumentParser()
    cli.add_subcommands(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["export", str(tmp_path), "--format", "canvas", "--out", str(tmp_path / "c.csv")])
    assert args.run(args) == 2 and "grade into it first" in capsys.readouterr().err
