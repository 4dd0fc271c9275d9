"""The gradebook exported in the layouts Canvas and Moodle import, from the grading records."""

import argparse
import csv

import pytest

from mfalab.grader import cli, records
from mfalab.grader.export import ExportError, export
from mfalab.grader.run import ExerciseResult, SubmissionResult


def graded(out):
    test = {"nodeid": "t::a", "name": "a", "doc": "a", "max_points": 20, "points": 20, "outcome": "passed",
            "message": "", "hint": "", "hidden": False}
    for student, lms_id, penalty in (("ana", "1001", 0.0), ("=ben", "1002", 0.1)):
        result = SubmissionResult(student, {"ex01": ExerciseResult("ex01", [dict(test)])}, penalty=penalty,
                                  lms_id=lms_id)
        records.save(result, out / "students" / student)


def test_canvas_rows_carry_the_canvas_user_id_and_the_assignment_column(tmp_path):
    graded(tmp_path)
    assert export(tmp_path, tmp_path / "canvas.csv", "canvas", "MFA Lab (1234)") == 2
    rows = list(csv.reader(open(tmp_path / "canvas.csv")))
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "MFA Lab (1234)"]
    assert rows[1:] == [["'=ben", "1002", "", "", "", "18"], ["ana", "1001", "", "", "", "20"]]


def test_moodle_rows_give_ids_and_totals(tmp_path):
    graded(tmp_path)
    export(tmp_path, tmp_path / "moodle.csv", "moodle")
    assert list(csv.reader(open(tmp_path / "moodle.csv"))) == [
        ["student_id", "lms_id", "total"], ["'=ben", "1002", "18"], ["ana", "1001", "20"]]


def test_export_errors_say_what_to_do(tmp_path):
    with pytest.raises(ExportError, match="grade into it first"):
        export(tmp_path, tmp_path / "x.csv", "moodle")
    graded(tmp_path)
    with pytest.raises(ExportError, match="--assignment"):
        export(tmp_path, tmp_path / "x.csv", "canvas")


def test_the_command_exits_2_on_an_error(tmp_path, capsys):
    parser = argparse.ArgumentParser()
    cli.add_subcommands(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["export", str(tmp_path), "--format", "canvas", "--out", str(tmp_path / "c.csv")])
    assert args.run(args) == 2 and "grade into it first" in capsys.readouterr().err
