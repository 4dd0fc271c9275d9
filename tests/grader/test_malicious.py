"""Real malicious submissions, graded in one batch (ex01, two workers): each gets the
score its code deserves, the batch finishes and every submission has a row."""

import csv
import json
import os
import time
import zipfile

import pytest
import submissions as s

from mfalab.grader.batch import grade_folder
from mfalab.grader.run import UID_BASE, Settings
from mfalab.sandbox.uids import BLOCK, BLOCKS

pytestmark = pytest.mark.slow
AS_ROOT = pytest.mark.skipif(os.geteuid() != 0, reason="privilege drop and hidden paths need root (CI runs as root)")
FULL = 20  # ex01's points, public and hidden


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    root = tmp_path_factory.mktemp("batch")
    root.chmod(0o755)  # as an instructor's folder usually is: readable by everyone
    folder, out = root / "submissions", root / "grades"
    out.mkdir(mode=0o755)
    marker = root / "fork-was-here.txt"
    cases = {
        "correct": s.correct(), "partial": s.partial(), "syntax_error": s.syntax_error(),
        "exception_at_import": s.exception_at_import(), "loop_at_import": s.loop_at_import(),
        "loop_in_function": s.loop_in_function(), "exit_at_import": s.exit_at_import(),
        "hard_exit_at_import": s.hard_exit_at_import(), "lingering_fork": s.lingering_fork(marker),
        "output_flood": s.output_flood(), "monkeypatcher": s.monkeypatcher(),
        "fake_pass_output": s.fake_pass_output(),
        "results_writer": s.results_writer([out / "gradebook.csv", out / "students" / "correct" / "results.json",
                                            out / "students" / "results_writer" / "results.json"]),
        "reads_solutions": s.secret_reader("solutions"), "reads_hidden_tests": s.secret_reader("hidden"),
        "always_equal": s.always_equal(), "sleeper": s.sleeper(),
    }
    for student, files in cases.items():
        s.write(folder, student, files)
    (folder / "missing").mkdir()
    with zipfile.ZipFile(folder / "zipped.zip", "w") as archive:
        archive.writestr("zipped/exercises/ex01_totp.py", s.REFERENCE)
        archive.writestr("../../escaped/ex01_totp.py", "raise SystemExit")
    for path in folder.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    settings = Settings(exercises=("ex01",), time_limit=40)
    results = grade_folder(folder, out, workers=2, settings=settings, progress=False)
    finished = time.monotonic()
    return {"results": {r.student: r for r in results}, "out": out, "marker": marker, "finished": finished,
            "rows": {row["student"]: row for row in csv.DictReader(open(out / "gradebook.csv"))}}


def score(batch, student):
    return batch["results"][student].exercises["ex01"].points


def test_every_submission_has_a_row(batch):
    expected = {"correct", "partial", "syntax_error", "exception_at_import", "loop_at_import", "loop_in_function",
                "exit_at_import", "hard_exit_at_import", "lingering_fork", "output_flood", "monkeypatcher",
                "fake_pass_output", "results_writer", "reads_solutions", "reads_hidden_tests", "always_equal",
                "sleeper", "missing", "zipped"}
    assert set(batch["rows"]) == expected
    assert all((batch["out"] / "students" / student / "results.json").is_file() for student in expected)


def test_correct_code_scores_full_marks_even_beside_saboteurs(batch):
    assert score(batch, "correct") == FULL
    assert score(batch, "zipped") == FULL
    assert batch["rows"]["correct"]["total"] == "20"


def test_partial_code_scores_part(batch):
    assert 0 < score(batch, "partial") < FULL


@pytest.mark.parametrize("student", ["syntax_error", "exception_at_import", "loop_at_import", "exit_at_import",
                                     "hard_exit_at_import"])
def test_modules_that_do_not_import_score_zero(batch, student):
    assert score(batch, student) == 0


def test_an_endless_loop_in_a_function_costs_one_time_limit_per_function(batch):
    """hotp and totp loop: each runs out its call's time once, every later test that calls
    it fails at once, and the tests that need neither still count."""
    result = batch["results"]["loop_in_function"]
    messages = [t["message"] for t in result.exercises["ex01"].tests]
    assert any("hotp() timed out earlier" in m for m in messages)
    assert any("totp() timed out earlier" in m for m in messages)
    assert not any("time limit" in note for note in result.notes)  # the run finished on its own
    assert score(batch, "loop_in_function") < FULL


def test_a_sleeper_runs_out_only_its_own_clock(batch):
    assert score(batch, "sleeper") == 0
    assert any("time limit" in note for note in batch["results"]["sleeper"].notes)


def test_a_missing_module_scores_zero_with_the_reason(batch):
    assert score(batch, "missing") == 0
    assert "no ex01_totp.py in the submission" in batch["rows"]["missing"]["status"]


def test_a_zip_member_cannot_escape(batch):
    assert not (batch["out"].parent.parent / "escaped").exists()
    assert not any(p.name == "escaped" for p in batch["out"].parent.rglob("escaped"))


def test_a_fork_does_not_outlive_grading_and_correct_code_still_counts(batch):
    assert score(batch, "lingering_fork") == FULL
    marker = batch["marker"]
    before = marker.stat().st_size if marker.exists() else 0
    time.sleep(2)
    after = marker.stat().st_size if marker.exists() else 0
    assert after == before, "a process the submission forked is still running"
    left = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                uid = int(open(f"/proc/{entry}/status").read().split("Uid:")[1].split()[0])
            except (OSError, IndexError):
                continue
            if UID_BASE <= uid < UID_BASE + BLOCK * BLOCKS:
                left.append(entry)
    assert left == []


def test_megabytes_of_output_change_nothing(batch):
    assert score(batch, "output_flood") == FULL
    assert (batch["out"] / "students" / "output_flood" / "results.json").stat().st_size < 100_000


@pytest.mark.parametrize("student", ["monkeypatcher", "fake_pass_output", "always_equal"])
def test_rigging_the_judge_scores_zero(batch, student):
    assert score(batch, student) == 0
    assert json.loads((batch["out"] / "students" / student / "results.json").read_text())["score"] == 0


@AS_ROOT
def test_writing_results_where_the_grader_writes_changes_nothing(batch):
    assert score(batch, "results_writer") == 0
    assert json.loads((batch["out"] / "students" / "correct" / "results.json").read_text())["score"] == FULL
    assert batch["rows"]["results_writer"]["total"] == "0"
    assert "99" not in (batch["out"] / "gradebook.csv").read_text()


@AS_ROOT
@pytest.mark.parametrize("student", ["reads_solutions", "reads_hidden_tests"])
def test_solutions_and_hidden_tests_cannot_be_read(batch, student):
    assert score(batch, student) == 0
