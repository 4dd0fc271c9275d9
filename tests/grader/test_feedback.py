"""feedback.md: plain sentences a student can read, hidden tests only as the instructor says."""

from mfalab.grader import feedback, report
from mfalab.grader.run import ExerciseResult, SubmissionResult


def _test(name, outcome="failed", message="", hint="", hidden=False, points=2):
    return {"nodeid": f"t::{name}", "name": name, "doc": name.replace("_", " ").capitalize(), "max_points": points,
            "points": points if outcome == "passed" else 0, "outcome": outcome, "message": message, "hint": hint,
            "hidden": hidden}


STUB_NOTE = "2/2 tests failed (first: mfalab.sandbox.proxy.StudentError: NotImplementedError: parse)"


def submission():
    ex01 = [
        _test("rfc_vectors", "passed"),
        _test("verify_window", message="assert <function Sandbox.__getattr__.<locals>.<lambda> at 0x7f70aa> == 3",
              hint="Check one step either side."),
        _test("dashboard_needs_otp", message="AssertionError: Page(status=200, url='/dashboard/', "
              "text='<!DOCTYPE html><html><body>Welcome</body></html>') should be a redirect"),
        _test("secret_boundary", message="assert 4294967301 == 5", hint="the secret hint", hidden=True),
    ]
    ex05 = [_test("parse", message="mfalab.sandbox.proxy.StudentError: NotImplementedError: parse"),
            _test("verify", message="mfalab.sandbox.proxy.StudentError: NotImplementedError")]
    ex02 = [_test("admin", message="no ex02_otp_required.py in the submission"),
            _test("bypass", message="no ex02_otp_required.py in the submission")]
    exercises = {"ex01": ExerciseResult("ex01", ex01, "3/4 tests failed (first: <object at 0x1>)"),
                 "ex02": ExerciseResult("ex02", ex02, "no ex02_otp_required.py in the submission"),
                 "ex05": ExerciseResult("ex05", ex05, STUB_NOTE)}
    notes = ["ex01: graded ex01_totp (1).py as ex01_totp.py (the expected name)",
             "ex01: 3/4 tests failed (first: <object at 0x1>)", "ex02: no ex02_otp_required.py in the submission",
             f"ex05: {STUB_NOTE}"]
    return SubmissionResult("ana", exercises, notes, 3.0, "2026-03-01T10:00:00+00:00")


def test_failed_tests_read_as_plain_sentences():
    text = feedback.document(submission(), ["ex01", "ex05"], "after_published")
    assert "Total: 2 of 16 points, graded 2026-03-01T10:00:00+00:00 (UTC)." in text
    assert "## ex01: 2 of 8 points" in text and "Passed: Rfc vectors." in text
    assert "- **Verify window** (0 of 2 points)." in text and "Hint: Check one step either side." in text
    assert "What went wrong: assert an object == 3" in text
    assert "the lab answered with status 200 and a page (HTML not shown)" in text
    assert "0x" not in text and "<!DOCTYPE" not in text and "<html" not in text and "Page(" not in text


def test_a_missing_module_is_said_once_and_the_notes_are_not_repeated():
    text = feedback.document(submission(), ["ex01", "ex02"], "after_published")
    assert "## ex02: 0 of 4 points\n\nEvery test scored 0: no ex02_otp_required.py in the submission." in text
    assert text.count("no ex02_otp_required.py") == 1 and "tests failed" not in text
    assert "- ex01: graded ex01_totp (1).py as ex01_totp.py (the expected name)" in text


def test_an_untouched_stub_is_not_started_yet():
    text = feedback.document(submission(), ["ex05"], "after_published")
    assert "## ex05: 0 of 4 points\n\nNot started yet: every function still raises NotImplementedError." in text
    assert "StudentError" not in text


def test_hidden_tests_follow_the_visibility_option():
    shown = feedback.document(submission(), ["ex01"], "after_due_date")
    assert "Secret boundary (hidden test)" in shown and "the secret hint" in shown
    kept = feedback.document(submission(), ["ex01"], "hidden")
    assert "Hidden tests: 0 of 2 points." in kept
    assert "Secret boundary" not in kept and "the secret hint" not in kept and "4294967301" not in kept


def test_the_file_is_written_beside_results_json(tmp_path):
    path = feedback.write(submission(), ["ex01"], tmp_path / "ana" / "feedback.md", "hidden")
    assert path.read_text().startswith("# Feedback: ana")


def test_gradescope_results_read_as_plain_sentences_too():
    results = report.gradescope(submission(), ["ex01", "ex02", "ex05"], "after_published")
    shown = [results["output"], *(t["output"] for t in results["tests"])]
    for text in shown:
        assert "0x" not in text and "<!DOCTYPE" not in text and "Page(" not in text and "StudentError" not in text
    outputs = {t["name"]: t["output"] for t in results["tests"]}
    assert outputs["ex01: Verify window"] == "What went wrong: assert an object == 3\nHint: Check one step either side."
    assert outputs["ex05: Parse"] == "What went wrong: not started yet: the function still raises NotImplementedError"
    assert outputs["ex01: Rfc vectors"] == ""
    assert "ex05: not started yet (every function still raises NotImplementedError)" in results["output"]
    assert "ex02: no ex02_otp_required.py in the submission" in results["output"]
