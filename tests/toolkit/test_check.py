"""The learner's check: a points table, never a stack trace."""

import subprocess
import sys

import pytest

from lab_project.mfa.exercise_names import EXERCISES
from mfalab.check import CheckError, check, module_status


def test_untouched_stub_is_not_started_and_scores_zero():
    report = check("ex01")
    assert report.status == "not started" and not report.problem
    assert report.rows and report.score == 0
    assert {r["outcome"] for r in report.rows} == {"not run"}  # listed, not run: a stub scores nothing
    assert report.max_score == sum(r["max_points"] for r in report.rows) > 0
    assert "Not started yet" in report.headline()
    assert "Traceback" not in str(report)


def test_solutions_pass_every_public_test():
    report = check("ex01", "solutions")
    assert report.passed and report.score == report.max_score > 0
    assert "All public tests pass" in report._repr_html_()


def test_a_broken_submission_gets_a_clear_report(tmp_path):
    (tmp_path / "ex01_totp.py").write_text("def hotp(:\n")
    report = check("ex01", str(tmp_path))
    assert report.status == "syntax error"
    assert report.score == 0 and "syntax error" in report.headline()


def test_a_half_written_module_is_in_progress(tmp_path):
    (tmp_path / "ex01_totp.py").write_text(
        "def hotp(secret, counter, digits=6, digest='sha1'):\n    return '000000'\n\n"
        "def totp(*args, **kwargs):\n    raise NotImplementedError\n")
    assert module_status("ex01", str(tmp_path)) == "in progress"
    assert module_status("ex02", str(tmp_path)) == "missing"


def test_an_unknown_exercise_is_named():
    with pytest.raises(CheckError, match="choose one of ex01"):
        check("ex9")


def test_command_line_check_exits_zero_only_when_everything_passes():
    ok = subprocess.run([sys.executable, "-m", "mfalab", "check", "ex01", "--code", "solutions"],
                        capture_output=True, text=True)
    assert ok.returncode == 0 and "All public tests pass" in ok.stdout
    stub = subprocess.run([sys.executable, "-m", "mfalab", "check", "ex01"], capture_output=True, text=True)
    assert stub.returncode == 1 and "Not started yet" in stub.stdout


def test_status_sees_every_stub_method_and_ignores_private_helpers(tmp_path):
    (tmp_path / "ex04_mfa_policy.py").write_text(
        "class MFAPolicyMiddleware:\n"
        "    def __init__(self, get_response):\n        raise NotImplementedError\n"
        "    def __call__(self, request):\n        raise NotImplementedError\n"
        "def _helper():\n    try:\n        pass\n    except ValueError:\n        pass\n")
    assert module_status("ex04", str(tmp_path)) == "not started"
    assert module_status("ex04", "exercises") == "not started"
    assert module_status("ex04", "solutions") == "written"


def test_mfalab_check_is_the_function_even_after_its_module_is_imported():
    import mfalab
    import mfalab.check
    import mfalab.lab  # noqa: F401

    assert callable(mfalab.check) and mfalab.check.__name__ == "check"
    assert callable(mfalab.boot)


@pytest.mark.parametrize("exercise", EXERCISES)
def test_every_graded_test_fails_on_the_untouched_stub(exercise):
    """The stubs score zero on public and hidden tests alike (the solutions' full marks are
    the graded tests themselves, run with the default --code solutions)."""
    from mfalab.check import graded_tests, run_tests

    rows = run_tests(graded_tests(exercise), "exercises")
    assert sum(r["max_points"] for r in rows) == 20
    assert [r["name"] for r in rows if r["outcome"] == "passed"] == []
