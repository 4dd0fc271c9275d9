"""Grading records: what a regrade keeps of the students it does not grade."""

from mfalab.grader import records
from mfalab.grader.run import ExerciseResult, SubmissionResult


def result(student, points, graded_at="2026-01-01T00:00:00+00:00"):
    test = {"nodeid": "t::a", "name": "a", "doc": "a", "max_points": 20, "points": points,
            "outcome": "passed" if points else "failed", "message": "", "hint": "", "hidden": False}
    return SubmissionResult(student, {"ex01": ExerciseResult("ex01", [test], "", 1.5)}, ["a note"], 2.0, graded_at)


def test_a_record_reads_back_as_the_result_it_saved(tmp_path):
    saved = result("ana", 20)
    records.save(saved, tmp_path / "ana")
    assert records.load(tmp_path / "ana" / records.RECORD) == saved


def test_students_graded_now_replace_their_rows_and_the_rest_stay():
    earlier = [result("ana", 20), result("ben", 0), result("cy", 5)]
    now = [result("ben", 20, "2026-02-01T00:00:00+00:00"), result("dee", 10)]
    merged = records.merge(earlier, now)
    assert [(r.student, r.points) for r in merged] == [("ana", 20), ("ben", 20), ("cy", 5), ("dee", 10)]
    assert merged[1].graded_at == "2026-02-01T00:00:00+00:00"


def test_folders_without_a_readable_record_are_named_not_guessed(tmp_path):
    records.save(result("ana", 20), tmp_path / "ana")
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "results.json").write_text("{}")
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / records.RECORD).write_text("{not json")
    kept, missing = records.previous(tmp_path)
    assert [r.student for r in kept] == ["ana"] and missing == ["broken", "old"]
    assert records.previous(tmp_path / "none") == ([], [])
