"""A roster maps LMS ids to student ids; bad rosters are refused with the reason."""

import pytest

from mfalab.grader import collect, roster


def write(tmp_path, text):
    path = tmp_path / "roster.csv"
    path.write_text(text)
    return path


def test_a_roster_maps_canvas_users_moodle_ids_and_folder_ids(tmp_path):
    (tmp_path / "canvas").mkdir()
    (tmp_path / "canvas" / "smitherin_1001_5001_ex01_totp.py").write_text("A = 1\n")
    (tmp_path / "canvas" / "doejohn_1003_5003_ex01_totp.py").write_text("C = 3\n")
    table = roster.load(write(tmp_path, "lms_id,student_id,name\n1001,s-017,Ann Smith\n1002,s-018,Bo Lee\n"))
    assert table == {"1001": ("s-017", "Ann Smith"), "1002": ("s-018", "Bo Lee")}
    staged = roster.apply(collect.collect(tmp_path / "canvas", tmp_path / "staged"), table, collect.student_id)
    assert [(s.student, s.lms_id) for s in staged] == [("s-017", "1001"), ("doejohn", "1003")]
    assert staged[1].notes == ["doejohn is not on the roster; graded under its own id"]
    assert roster.missing(staged, table, collect.student_id) == [("s-018", "Bo Lee")]

    moodle = tmp_path / "moodle" / "Ann Smith_77_assignsubmission_file_"
    moodle.mkdir(parents=True)
    (moodle / "ex01_totp.py").write_text("A = 1\n")
    (tmp_path / "moodle" / "bo").mkdir()
    (tmp_path / "moodle" / "bo" / "ex01_totp.py").write_text("B = 2\n")
    table = roster.load(write(tmp_path, "student_id,lms_id\ns-017,77\ns-018,bo\n"))
    staged = roster.apply(collect.collect(tmp_path / "moodle", tmp_path / "staged2"), table, collect.student_id)
    assert [s.student for s in staged] == ["s-017", "s-018"] and staged[0].notes == []


@pytest.mark.parametrize("text, why", [
    ("id,student\n1,a\n", "needs the columns lms_id, student_id"),
    ("lms_id,student_id\n1,a\n1,b\n", "line 3: lms_id 1 appears twice"),
    ("lms_id,student_id\n1,\n", "line 2: lms_id and student_id are both needed"),
    ("", "missing: lms_id, student_id"),
])
def test_a_bad_roster_is_refused_with_the_reason(tmp_path, text, why):
    with pytest.raises(roster.RosterError, match=why):
        roster.load(write(tmp_path, text))


def test_a_missing_roster_file_is_a_roster_error(tmp_path):
    with pytest.raises(roster.RosterError, match="cannot be read"):
        roster.load(tmp_path / "nope.csv")
