"""The grading command's outputs: gradebook CSV, Gradescope results.json, class summary."""

import csv
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import submissions as s

from mfalab.grader.batch import grade_folder
from mfalab.grader.run import Settings

GRADE = Path(sys.executable).with_name("mfalab-grade")


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("outputs")
    folder, out = root / "submissions", root / "grades"
    s.write(folder, "ana", s.correct())
    s.write(folder, "ben", s.partial(), layout="nested")
    (folder / "cy").mkdir()
    done = subprocess.run([str(GRADE), str(folder), "--out", str(out), "--exercises", "ex01", "--time-limit", "60",
                           "--hidden-visibility", "after_due_date"],
                          capture_output=True, text=True, timeout=600)
    return done, out


def test_the_command_exits_zero_and_shows_progress(graded):
    done, out = graded
    assert done.returncode == 0, done.stderr[-2000:]
    assert "grading [" in done.stderr and "3/3" in done.stderr
    assert "gradebook.csv" in done.stdout


def test_gradebook_has_one_row_per_student_with_points_total_max_status(graded):
    _, out = graded
    rows = list(csv.DictReader(open(out / "gradebook.csv")))
    assert [r["student"] for r in rows] == ["ana", "ben", "cy"]
    assert list(rows[0]) == ["student", "ex01", "total", "max", "status", "graded_at", "late_days"]
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", r["graded_at"]) for r in rows)
    ana, ben, cy = rows
    assert (ana["ex01"], ana["total"], ana["max"], ana["status"]) == ("20", "20", "20", "ok")
    assert 0 < float(ben["total"]) < 20 and "tests failed" in ben["status"]
    assert cy["total"] == "0" and "no ex01_totp.py in the submission" in cy["status"]


def test_results_json_follows_gradescope(graded):
    _, out = graded
    ben = json.loads((out / "students" / "ben" / "results.json").read_text())
    assert set(ben) >= {"score", "execution_time", "tests"}
    assert ben["score"] == sum(t["score"] for t in ben["tests"])
    for test in ben["tests"]:
        assert set(test) >= {"name", "score", "max_score", "status", "output", "visibility"}
        assert test["status"] in ("passed", "failed")
        assert test["visibility"] in ("visible", "after_due_date")  # as --hidden-visibility said
    hidden = [t for t in ben["tests"] if t["visibility"] == "after_due_date"]
    visible = [t for t in ben["tests"] if t["visibility"] == "visible"]
    assert hidden and visible
    failed = [t for t in ben["tests"] if t["status"] == "failed"]
    assert failed and all(t["score"] == 0 and t["output"] for t in failed)
    assert sum(t["max_score"] for t in ben["tests"]) == 20


def test_each_student_gets_plain_feedback_beside_results_json(graded):
    _, out = graded
    ben = (out / "students" / "ben" / "feedback.md").read_text()
    assert ben.startswith("# Feedback: ben") and "## ex01: " in ben and "What went wrong: " in ben
    assert "0x" not in ben and "<!DOCTYPE" not in ben and "Traceback" not in ben
    assert "(hidden test)" in ben  # --hidden-visibility after_due_date: the file is handed back then
    assert "Total: 20 of 20 points" in (out / "students" / "ana" / "feedback.md").read_text()


def test_summary_markdown_and_png(graded):
    _, out = graded
    text = (out / "summary.md").read_text()
    assert "Submissions: 3" in text and "| ex01 |" in text and "summary.png" in text
    assert "- Isolation: " in text
    assert (out / "summary.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_regrading_one_student_keeps_the_class(graded, tmp_path):
    _, first = graded
    out = tmp_path / "grades"
    shutil.copytree(first, out)
    before = {r["student"]: r for r in csv.DictReader(open(out / "gradebook.csv"))}
    s.write(tmp_path / "regrade", "ben", s.correct())
    s.write(tmp_path / "regrade", "dee", s.correct())
    done = subprocess.run([str(GRADE), str(tmp_path / "regrade"), "--out", str(out), "--exercises", "ex01",
                           "--time-limit", "60", "--student", "ben", "--no-progress"],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    rows = {r["student"]: r for r in csv.DictReader(open(out / "gradebook.csv"))}
    assert list(rows) == ["ana", "ben", "cy"]  # dee was not asked for
    assert rows["ana"] == before["ana"] and rows["cy"] == before["cy"]
    assert rows["ben"]["total"] == "20" and float(before["ben"]["total"]) < 20
    assert rows["ben"]["graded_at"] >= before["ben"]["graded_at"]
    assert json.loads((out / "students" / "ben" / "results.json").read_text())["score"] == 20
    summary = (out / "summary.md").read_text()
    assert "Submissions: 3" in summary and "highest 20" in summary


def lms_download(tmp_path, form):
    """The class of `graded` (ana right, ben partly, cy nothing) as an LMS downloads it."""
    right, partly = s.correct()["ex01_totp.py"], s.partial()["ex01_totp.py"]
    if form.startswith("canvas"):
        files = {"smithana_1001_5001_ex01_totp.py": right, "jonesben_1002_5002_ex01_totp.py": partly}
    else:  # Moodle's "download all submissions", in folders
        files = {"Ana Smith_1001_assignsubmission_file_/ex01_totp.py": right,
                 "Ben Jones_1002_assignsubmission_file_/exercises/ex01_totp.py": partly,
                 "Ben Jones_1002_assignsubmission_onlinetext_/onlinetext.html": "<p>see the file</p>"}
    if form == "canvas folder":
        (tmp_path / "canvas").mkdir()
        for name, text in files.items():
            (tmp_path / "canvas" / name).write_text(text)
        return tmp_path / "canvas"
    with zipfile.ZipFile(tmp_path / "download.zip", "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return tmp_path / "download.zip"


@pytest.mark.parametrize("form", ["canvas folder", "canvas zip", "moodle zip"])
def test_an_lms_download_of_the_class_grades_to_the_same_scores(graded, tmp_path, form):
    _, first = graded
    download = lms_download(tmp_path, form)
    (tmp_path / "roster.csv").write_text("lms_id,student_id,name\n1001,ana,Ana\n1002,ben,Ben\n1003,cy,Cy\n")
    done = subprocess.run([str(GRADE), str(download), "--out", str(tmp_path / "out"), "--exercises", "ex01",
                           "--time-limit", "60", "--no-progress", "--roster", str(tmp_path / "roster.csv")],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "warning: cy (Cy) is on the roster but has no submission" in done.stderr
    before = {r["student"]: r["total"] for r in csv.DictReader(open(first / "gradebook.csv"))}
    after = {r["student"]: r["total"] for r in csv.DictReader(open(tmp_path / "out" / "gradebook.csv"))}
    assert after == {"ana": before["ana"], "ben": before["ben"]} and after["ana"] == "20"


def test_a_folder_of_loose_files_is_refused_not_graded_as_empty(tmp_path):
    (tmp_path / "loose").mkdir()
    (tmp_path / "loose" / "final_ex01_totp.py").write_text("A = 1\n")
    done = subprocess.run([str(GRADE), str(tmp_path / "loose"), "--out", str(tmp_path / "out"), "--no-progress"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "no submission recognised" in done.stderr and "final_ex01_totp.py" in done.stderr
    assert not (tmp_path / "out").exists()


def test_a_late_submission_loses_the_penalty_per_day_and_says_so(tmp_path):
    s.write(tmp_path / "subs", "ana", s.correct())
    s.write(tmp_path / "subs", "ben", s.correct())
    deadline = 1_780_000_000  # 2026-05-28T20:26:40Z
    os.utime(tmp_path / "subs" / "ana" / "ex01_totp.py", (deadline - 60, deadline - 60))
    os.utime(tmp_path / "subs" / "ben" / "ex01_totp.py", (deadline + 86400 + 60, deadline + 86400 + 60))
    done = subprocess.run([str(GRADE), str(tmp_path / "subs"), "--out", str(tmp_path / "out"), "--exercises", "ex01",
                           "--time-limit", "60", "--no-progress", "--deadline", "2026-05-28T20:26:40",
                           "--late-penalty", "10"], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    rows = {r["student"]: r for r in csv.DictReader(open(tmp_path / "out" / "gradebook.csv"))}
    assert (rows["ana"]["total"], rows["ana"]["late_days"], rows["ana"]["status"]) == ("20", "0", "ok")
    assert (rows["ben"]["ex01"], rows["ben"]["total"], rows["ben"]["late_days"]) == ("20", "16", "2")
    assert "2 day(s) late: 20% off the total" in rows["ben"]["status"]
    assert json.loads((tmp_path / "out" / "students" / "ben" / "results.json").read_text())["score"] == 16
    refused = subprocess.run([str(GRADE), str(tmp_path / "subs"), "--late-penalty", "10", "--no-progress"],
                             capture_output=True, text=True, timeout=120)
    assert refused.returncode == 2 and "needs --deadline" in refused.stderr


def test_a_bad_roster_is_a_usage_error(tmp_path):
    s.write(tmp_path / "subs", "ana", s.correct())
    (tmp_path / "roster.csv").write_text("id,name\n1,Ana\n")
    done = subprocess.run([str(GRADE), str(tmp_path / "subs"), "--out", str(tmp_path / "out"), "--no-progress",
                           "--roster", str(tmp_path / "roster.csv")], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "needs the columns lms_id, student_id" in done.stderr
    assert not (tmp_path / "out").exists()


def test_a_student_id_not_in_the_folder_is_a_usage_error(tmp_path):
    s.write(tmp_path / "subs", "ana", s.correct())
    done = subprocess.run([str(GRADE), str(tmp_path / "subs"), "--out", str(tmp_path / "out"), "--student", "zed",
                           "--no-progress"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "no submission with the id zed" in done.stderr and "ana" in done.stderr


@pytest.mark.skipif(os.geteuid() != 0, reason="the comparison needs the isolated run (root)")
def test_the_secret_reader_is_a_real_threat_without_isolation(tmp_path):
    """Without the privilege drop and hidden paths, the reader steals full marks: the
    isolation is what gives it 0 in test_malicious."""
    s.write(tmp_path / "in", "thief", s.secret_reader("solutions"))
    settings = Settings(exercises=("ex01",), time_limit=60, isolate=False)
    (result,) = grade_folder(tmp_path / "in", tmp_path / "out", settings=settings, progress=False)
    assert result.points == 20
