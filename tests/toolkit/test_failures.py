"""Why a graded test failed, told in a few sanitised lines (mfalab.failures)."""

from mfalab.failures import last_exception, new_output, reason


def test_the_sandbox_s_exceptions_read_as_what_happened():
    assert reason({"message": "mfalab.sandbox.proxy.SandboxTimeout: hotp() took longer than 10 s; "
                              "the worker was stopped."}) == [
        "timed out: hotp() took longer than 10 s; the worker was stopped."]
    assert reason({"message": "mfalab.sandbox.proxy.StudentError: ValueError: bad digits"}) == [
        "your code raised ValueError: bad digits"]
    assert reason({"message": "mfalab.lab.LoginFailed: refused"}) == ["LoginFailed: refused"]


def test_at_most_three_capped_lines_without_escapes_or_introspection():
    message = ("AssertionError: \x1b[31mred\x1b[0m\x07 line\nassert 1 == 2\n +  where 1 = f()\n"
               "four\nfive\n" + "x" * 500)
    lines = reason({"message": message})
    assert lines == ["red line", "assert 1 == 2", "four"]
    assert len(reason({"message": "y" * 5000})[0]) == 200
    assert len("\n".join(reason({"message": "z\n" * 10_000}, verbose=True))) <= 4000


def test_the_lab_s_exception_comes_first():
    row = {"message": "assert 500 == 302", "lab_error": "KeyError: 'x'"}
    assert reason(row) == ["the lab raised KeyError: 'x'", "assert 500 == 302"]
    row["lab_error"] = "mfalab.sandbox.watchdog.LearnerTimeout: guarded() (ex02_otp_required.py, line 3) ran longer"
    assert reason(row)[0] == "the lab raised LearnerTimeout: guarded() (ex02_otp_required.py, line 3) ran longer"


def test_the_last_exception_of_new_output_only():
    old = "Traceback (most recent call last):\n  File \"a.py\", line 1\nValueError: old\n"
    new = "Internal Server Error: /x/\nTraceback (most recent call last):\n  File \"b.py\"\n    x()\nKeyError: 'new'\n"
    assert last_exception(old + new) == "KeyError: 'new'"
    assert last_exception(new_output(old, old)) == ""
    assert new_output(old[-20:], old[-20:] + new) == new
    assert last_exception("no traceback here") == ""
