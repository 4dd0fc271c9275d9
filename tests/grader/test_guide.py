"""The instructor guide's term, run as the guide writes it (tests/grader/guide.py says how).

One class of two goes through the term: graded from a folder of submissions (by the
mfalab command and by make), then from a Canvas download with a roster and a deadline;
one submission graded with plain pytest; one student regraded after a resubmission;
the gradebook exported for Canvas and Moodle. Grading commands get `--exercises ex01
--no-progress` appended to keep the run short; nothing else is added.
"""

import csv
import re
import shlex
import subprocess
import sys
import zipfile
from pathlib import Path

import guide
import pytest
import submissions as s

from mfalab.grader.run import REPO

pytestmark = pytest.mark.slow
SHORT = ["--exercises", "ex01", "--no-progress"]


def test_every_command_in_the_guide_is_run_by_a_test():
    found = guide.commands()
    assert len(found) >= 10, found
    for argv in found:
        prefix = guide.runner(argv)
        assert prefix, f"no test runs the guide's `{shlex.join(argv)}`: add it to guide.RUNNERS and run it"
        module = Path(__file__).with_name(guide.RUNNERS[prefix]).read_text()
        assert f'guide.command("{prefix}"' in module, f"{guide.RUNNERS[prefix]} does not run `{prefix}`"


def test_the_faster_plain_pytest_options_run():
    options = re.search(r"Adding `(-o addopts=[^`]+)` saves", guide.GUIDE.read_text())
    assert options, "the guide no longer gives the faster options"
    done = subprocess.run([sys.executable, "-m", "pytest", "tests/exercises/test_ex01_totp.py", "--code", "solutions",
                           *shlex.split(options.group(1)), "--collect-only", "-q", "-p", "no:cacheprovider"],
                          cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "tests collected" in done.stdout
    assert "nbval" not in done.stdout + done.stderr


def canvas_download(path):
    """ana (right, on time) and ben (partly right, a day late) as Canvas's Download Submissions zips them."""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(zipfile.ZipInfo("smithana_1001_5001_ex01_totp.py", (2026, 3, 1, 20, 0, 0)),
                         s.correct()["ex01_totp.py"])
        archive.writestr(zipfile.ZipInfo("jonesben_LATE_1002_5002_ex01_totp.py", (2026, 3, 2, 9, 0, 0)),
                         s.partial()["ex01_totp.py"])
    return path


@pytest.fixture(scope="module")
def term(tmp_path_factory):
    root = tmp_path_factory.mktemp("term")
    places = {"submissions": root / "submissions", "submissions/ana": root / "submissions" / "ana",
              "grades": root / "grades", "download.zip": canvas_download(root / "download.zip"),
              "roster.csv": root / "roster.csv", "canvas.csv": root / "canvas.csv",
              "worksheet.csv": root / "worksheet.csv"}
    for name in ("ex01_totp", "ex02_otp_required", "ex03_backup_codes", "ex04_mfa_policy", "ex05_webauthn",
                 "ex06_step_up"):
        s.write(places["submissions"], "ana", {f"{name}.py": (REPO / "solutions" / f"{name}.py").read_text()})
    s.write(places["submissions"], "ben", s.partial())
    places["roster.csv"].write_text("lms_id,student_id,name\n1001,ana,Ana Smith\n1002,ben,Ben Jones\n1003,cy,Cy Ng\n")
    steps, books = {}, {}

    def grade(step, argv, *extra):
        steps[step] = guide.run(argv, places, *extra)
        books[step] = {row["student"]: row for row in csv.DictReader(open(places["grades"] / "gradebook.csv"))}

    grade("folder", guide.command(".venv/bin/mfalab grade", "submissions", "--workers"), *SHORT)
    grade("make", guide.command("make grade"), f"GRADE_OPTIONS={shlex.join(SHORT)}")
    grade("lms", guide.command(".venv/bin/mfalab grade", "download.zip"), *SHORT)
    steps["pytest"] = guide.run(guide.command(".venv/bin/pytest tests/exercises"), places)
    s.write(places["submissions"], "ben", s.correct())  # ben resubmits
    grade("regrade", guide.command(".venv/bin/mfalab grade", "--student"), *SHORT)
    steps["canvas"] = guide.run(guide.command(".venv/bin/mfalab export", "canvas"), places)
    steps["moodle"] = guide.run(guide.command(".venv/bin/mfalab export", "moodle"), places)
    return steps, books, places


def test_grading_a_folder_by_the_command_and_by_make_gives_one_gradebook(term):
    steps, books, _ = term
    for step in ("folder", "make"):
        assert steps[step].returncode == 0, steps[step].stderr[-2000:]
        assert books[step]["ana"]["total"] == "20" and 0 < float(books[step]["ben"]["total"]) < 20
    assert {k: v["total"] for k, v in books["folder"].items()} == {k: v["total"] for k, v in books["make"].items()}


def test_grading_the_lms_download_uses_the_roster_and_the_deadline(term):
    steps, books, _ = term
    done = steps["lms"]
    assert done.returncode == 0, done.stderr[-2000:]
    assert "warning: cy (Cy Ng) is on the roster but has no submission" in done.stderr
    ana, ben = books["lms"]["ana"], books["lms"]["ben"]
    assert (ana["total"], ana["late_days"]) == ("20", "0")
    assert ben["late_days"] == "1" and "1 day(s) late: 10% off the total" in ben["status"]
    assert float(ben["total"]) == pytest.approx(0.9 * float(books["folder"]["ben"]["total"]), abs=0.01)


def test_plain_pytest_grades_one_submission(term):
    done = term[0]["pytest"]
    assert done.returncode == 0, done.stdout[-3000:]
    assert "MFA Lab points" in done.stdout
    for number in range(1, 7):
        assert f"ex0{number}: 20/20 points" in done.stdout, done.stdout[-1500:]


def test_regrading_one_student_keeps_the_class(term):
    steps, books, _ = term
    assert steps["regrade"].returncode == 0, steps["regrade"].stderr[-2000:]
    assert books["regrade"]["ben"]["total"] == "20"
    assert books["regrade"]["ana"] == books["lms"]["ana"]
    assert books["regrade"]["ben"]["graded_at"] >= books["lms"]["ben"]["graded_at"]


def test_the_exports_hold_the_class_with_their_lms_ids(term):
    steps, _, places = term
    for step in ("canvas", "moodle"):
        assert steps[step].returncode == 0, steps[step].stderr[-2000:]
        assert "left out" not in steps[step].stderr  # ben, regraded from a folder, kept his Canvas id
    canvas = list(csv.DictReader(open(places["canvas.csv"])))
    assert {(r["ID"], r["MFA Lab (1234)"]) for r in canvas} == {("1001", "20"), ("1002", "20")}
    moodle = list(csv.DictReader(open(places["worksheet.csv"])))
    assert {(r["Identifier"], r["Grade"]) for r in moodle} == {("Participant 1001", "20"), ("Participant 1002", "20")}


def test_the_points_check_runs():
    done = guide.run(guide.command(".venv/bin/pytest tests/toolkit/test_check.py"), {}, "-p", "no:cacheprovider")
    assert done.returncode == 0, done.stdout[-2000:]
    assert re.search(r"\b1 passed\b", done.stdout), done.stdout[-500:]


def test_the_benchmark_command_prints_its_figures():
    done = guide.run(guide.command(".venv/bin/mfalab grade-bench"), {})
    assert done.returncode == 0, done.stderr[-2000:]
    assert "s/sub/exercise" in done.stdout and "plain pytest" in done.stdout, done.stdout[-1500:]


def test_plain_pytest_leaves_the_submission_folder_untouched(tmp_path):
    (tmp_path / "ex01_totp.py").write_text((REPO / "solutions" / "ex01_totp.py").read_text())
    done = subprocess.run([sys.executable, "-m", "pytest", "tests/exercises/test_ex01_totp.py", "--code", str(tmp_path),
                           "-q", "-p", "no:cacheprovider"], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ex01_totp.py"]  # no __pycache__/
