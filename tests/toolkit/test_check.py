"""The learner's check: a points table, never a stack trace."""

import subprocess
import sys

import pytest

from lab_project.mfa.exercise_names import EXERCISES
from mfalab.check import check, module_status


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


def test_a_syntax_error_names_the_file_and_line(tmp_path):
    (tmp_path / "ex01_totp.py").write_text("import os\n\ndef hotp(:\n    pass\n")
    report = check("ex01", str(tmp_path))
    assert report.status == "syntax error"
    assert report.score == 0 and "Syntax error" in report.headline()
    assert f"{tmp_path / 'ex01_totp.py'}, line 3: " in str(report)
    assert {r["outcome"] for r in report.rows} == {"not run"}  # nothing to run until it compiles


def test_a_half_written_module_is_in_progress(tmp_path):
    (tmp_path / "ex01_totp.py").write_text(
        "def hotp(secret, counter, digits=6, digest='sha1'):\n    return '000000'\n\n"
        "def totp(*args, **kwargs):\n    raise NotImplementedError\n")
    assert module_status("ex01", str(tmp_path)) == "in progress"
    assert module_status("ex02", str(tmp_path)) == "missing"


def test_an_unknown_exercise_or_folder_gets_one_line_not_a_traceback(tmp_path):
    for report in (check("ex9"), check(None), check("ex01", tmp_path / "nowhere"), check("ex02", tmp_path)):
        assert report.problem and not report.rows and "\n" not in str(report), str(report)
    assert "choose one of ex01" in str(check("ex9"))
    assert "No ex02_otp_required.py in" in str(check("ex02", tmp_path))
    done = subprocess.run([sys.executable, "-m", "mfalab", "check", "ex9"], capture_output=True, text=True)
    assert done.returncode == 1 and done.stdout.count("\n") == 1 and not done.stderr


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


def submission(folder, exercise, source):
    from lab_project.mfa.exercise_names import MODULES

    folder.mkdir(exist_ok=True)
    (folder / f"{MODULES[exercise]}.py").write_text(source)
    return folder


def solution_text(exercise):
    from lab_project.mfa.exercise_names import MODULES
    from mfalab.check import REPO

    return (REPO / "solutions" / f"{MODULES[exercise]}.py").read_text()


def test_a_failed_test_says_what_went_wrong_and_the_headline_what_it_covers(tmp_path):
    wrong = solution_text("ex01").replace("return str(binary % 10**digits).zfill(digits)",
                                          "return str(binary % 10**digits + 1).zfill(digits)")
    report = check("ex01", submission(tmp_path / "off-by-one", "ex01", wrong))
    text = str(report)
    assert "public points" in report.headline() and "13 of 20 points; hidden tests check the other 7 (" in text
    assert "hint: " in text and "why:  assert ['755225'" in text and "'755225' != '755224'" in text
    assert "where " not in text and "Traceback" not in text  # pytest's introspection stays out
    assert "why:" in report._repr_html_()
    loud = str(check("ex01", tmp_path / "off-by-one", verbose=True))
    assert len(loud) > len(text) and " s)" in loud


def test_the_lab_s_500_is_explained_by_the_exception_s_last_line(tmp_path):
    crashing = ("def require_mfa(view):\n"
                "    def wrapped(request, *args, **kwargs):\n"
                "        raise KeyError('no such session field')\n"
                "    return wrapped\n\n"
                "def secure_admin(site):\n    pass\n")
    report = check("ex02", submission(tmp_path / "crash", "ex02", crashing))
    assert report.score == 0
    failed = [r for r in report.rows if r["outcome"] == "failed"]
    assert failed and all(r["lab_error"] == "KeyError: 'no such session field'" for r in failed[:3]), failed[0]
    assert "why:  the lab raised KeyError: 'no such session field'" in str(report)
    assert "Traceback" not in str(report) and "Traceback" in str(check("ex02", tmp_path / "crash", verbose=True))


def test_any_folder_works_as_code_even_outside_the_repository(tmp_path):
    """pytest once took the folder for its root and lost the lab's settings: 0/10 for a solution."""
    report = check("ex02", submission(tmp_path / "elsewhere", "ex02", solution_text("ex02")))
    assert report.passed, str(report)


@pytest.mark.parametrize("tail", ["\ndel hotp, totp\n", "\nprint('x' * 3_000_000)\n",
                                  "\nimport os\nos.chdir('/')\n"])
def test_odd_modules_get_a_report_never_a_traceback(tmp_path, tail):
    report = check("ex01", submission(tmp_path / "odd", "ex01", solution_text("ex01") + tail))
    text = str(report)
    assert report.rows and not report.problem and "Traceback" not in text and len(text) < 10_000, text[:3000]
    if "del " in tail:
        assert "has no function hotp()" in text
    else:
        assert report.passed, text


def test_a_terminal_check_from_another_folder_with_a_relative_folder(tmp_path):
    submission(tmp_path / "mine", "ex01", solution_text("ex01"))
    done = subprocess.run([sys.executable, "-m", "mfalab", "check", "ex01", "--code", "mine"], cwd=tmp_path,
                          capture_output=True, text=True)
    assert done.returncode == 0 and "All public tests pass" in done.stdout, done.stdout + done.stderr


def test_a_reader_that_stops_early_gets_no_broken_pipe_traceback():
    shell = f"'{sys.executable}' -m mfalab check ex01 | head -c 1"
    done = subprocess.run(["sh", "-c", shell], capture_output=True, text=True)
    assert done.stdout == "e" and "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr


def test_a_kernel_running_an_older_copy_is_told_what_to_do(tmp_path, monkeypatch):
    import importlib

    from lab_project.mfa import freshness
    from mfalab.check import kernel_notes

    module = importlib.import_module("exercises.ex02_otp_required")
    freshness.remember(module)
    assert kernel_notes("ex02", "exercises") == []
    monkeypatch.setitem(freshness._stamps, module.__name__, (0, 0))  # as if the file changed since
    assert "restart the kernel" in kernel_notes("ex02", "exercises")[0]


def test_the_hidden_topics_and_points_agree_with_the_tests():
    from mfalab.check import graded_tests, public_tests, run_tests
    from mfalab.coverage import HIDDEN_TOPICS, TOTAL

    assert set(HIDDEN_TOPICS) == set(EXERCISES)
    for exercise in EXERCISES:
        public = sum(r["max_points"] for r in run_tests(public_tests(exercise), "exercises", collect_only=True))
        graded = sum(r["max_points"] for r in run_tests(graded_tests(exercise), "exercises", collect_only=True))
        assert graded == TOTAL and 0 < public < TOTAL, exercise
        assert f"{public} of 20 points; hidden tests check the other {TOTAL - public} (" in str(check(exercise))
