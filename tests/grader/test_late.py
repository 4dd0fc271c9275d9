"""Late submissions: days past the deadline, the penalty, and where the time comes from."""

import os
import zipfile
from datetime import datetime, timezone

import pytest

from mfalab.grader import collect, late

DEADLINE = late.parse_deadline("2026-03-01T23:59")
AT = DEADLINE.timestamp()


def test_each_day_or_part_of_one_counts():
    assert late.days_late(AT - 60, DEADLINE) == 0 and late.days_late(AT, DEADLINE) == 0
    assert late.days_late(AT + 1, DEADLINE) == 1 and late.days_late(AT + 86400, DEADLINE) == 1
    assert late.days_late(AT + 86401, DEADLINE) == 2


def test_the_penalty_is_per_day_and_never_below_zero():
    assert late.assess(AT + 3600, DEADLINE, 10)[:2] == (1, 0.1)
    assert late.assess(AT + 30 * 86400, DEADLINE, 10)[:2] == (30, 1.0)
    days, cost, note = late.assess(AT + 90000, DEADLINE, 0)
    assert (days, cost) == (2, 0.0) and note == "submitted 2026-03-03T00:59 UTC, 2 day(s) late"
    assert late.assess(AT - 5, DEADLINE, 10) == (0, 0.0, "")
    assert late.assess(None, DEADLINE, 10) == (0, 0.0, "no submission time found; not checked against the deadline")


def test_a_deadline_is_iso_8601_utc_unless_it_names_a_zone():
    assert DEADLINE == datetime(2026, 3, 1, 23, 59, tzinfo=timezone.utc)
    assert late.parse_deadline("2026-03-01T23:59+01:00").timestamp() == AT - 3600
    with pytest.raises(late.DeadlineError, match="ISO 8601"):
        late.parse_deadline("next Friday")


def test_submission_times_come_from_files_and_zip_entries(tmp_path):
    folder = tmp_path / "in"
    (folder / "ana").mkdir(parents=True)
    (folder / "ana" / "ex01_totp.py").write_text("A = 1\n")
    os.utime(folder / "ana" / "ex01_totp.py", (AT + 100, AT + 100))
    with zipfile.ZipFile(folder / "ben.zip", "w") as archive:
        archive.writestr(zipfile.ZipInfo("ex01_totp.py", (2026, 3, 2, 10, 0, 0)), "B = 2\n")
    with zipfile.ZipFile(folder / "cy.zip", "w") as archive:
        archive.writestr(zipfile.ZipInfo("ex01_totp.py", (1980, 1, 1, 0, 0, 0)), "C = 3\n")  # no real time
    staged = {s.student: s for s in collect.collect(folder, tmp_path / "staged")}
    assert staged["ana"].submitted_at == AT + 100
    assert staged["ben"].submitted_at == datetime(2026, 3, 2, 10, tzinfo=timezone.utc).timestamp()
    assert staged["cy"].submitted_at is None
