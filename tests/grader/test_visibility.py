"""When students see the hidden tests: one grading option (--hidden-visibility), written
into results.json and into the Gradescope autograder; the points marker has no say."""

import argparse
import zipfile

import pytest

from mfalab.grader import autograder, cli
from mfalab.grader.report import HIDDEN_VISIBILITIES, gradescope
from mfalab.grader.run import ExerciseResult, Settings, SubmissionResult
from mfalab.points import check_points_marker


def _test(name, hidden, outcome):
    return {"nodeid": f"tests/exercises/x.py::{name}", "name": name, "doc": name.replace("_", " "),
            "max_points": 2, "points": 2 if outcome == "passed" else 0, "outcome": outcome,
            "message": f"assert {name}", "hint": "", "hidden": hidden}


def result():
    tests = [_test("public_one", False, "failed"), _test("secret_one", True, "failed")]
    return SubmissionResult("ana", {"ex01": ExerciseResult("ex01", tests)}, notes=["ex01: 2 tests failed"])


def visibilities(document):
    return {t["number"]: t["visibility"] for t in document["tests"]}


def test_hidden_tests_are_shown_after_publication_by_default():
    assert Settings().hidden_visibility == "after_published"
    assert visibilities(gradescope(result(), ["ex01"])) == {"public_one": "visible", "secret_one": "after_published"}


@pytest.mark.parametrize("choice", HIDDEN_VISIBILITIES)
def test_each_choice_reaches_the_hidden_tests_only(choice):
    document = gradescope(result(), ["ex01"], choice)
    assert visibilities(document) == {"public_one": "visible", "secret_one": choice}
    visible = document["output"] + "".join(t["output"] + t["name"] for t in document["tests"]
                                           if t["visibility"] == "visible")
    assert "secret" not in visible


def test_an_unknown_choice_is_refused():
    with pytest.raises(ValueError, match="after_published, after_due_date, hidden"):
        gradescope(result(), ["ex01"], "always")


def test_the_command_line_takes_the_option_for_grading_and_for_the_autograder():
    parser = argparse.ArgumentParser()
    cli.add_subcommands(parser.add_subparsers(dest="command"))
    assert parser.parse_args(["grade", "subs"]).hidden_visibility == "after_published"
    assert parser.parse_args(["grade", "subs", "--hidden-visibility", "hidden"]).hidden_visibility == "hidden"
    assert parser.parse_args(["autograder", "--hidden-visibility", "after_due_date"]).hidden_visibility == \
        "after_due_date"
    with pytest.raises(SystemExit):
        parser.parse_args(["grade", "subs", "--hidden-visibility", "never"])


def test_the_autograder_zip_carries_the_choice(tmp_path):
    built = autograder.build_autograder(tmp_path / "autograder.zip", hidden_visibility="after_due_date")
    with zipfile.ZipFile(built) as opened:
        script = opened.read("run_autograder").decode()
    assert 'MFALAB_HIDDEN_VISIBILITY="${MFALAB_HIDDEN_VISIBILITY:-after_due_date}"' in script
    with pytest.raises(ValueError):
        autograder.run_autograder_script("sometimes")


def test_run_autograder_refuses_an_unknown_choice(monkeypatch, capsys):
    monkeypatch.setenv("MFALAB_HIDDEN_VISIBILITY", "sometimes")
    assert autograder.main(["run", "--root", "/nonexistent"]) == 2
    assert "use one of after_published" in capsys.readouterr().err


def test_the_points_marker_takes_points_and_a_hint_only():
    check_points_marker("t", pytest.mark.points(2, hint="why").mark)
    with pytest.raises(pytest.UsageError, match="not visibility.*--hidden-visibility"):
        check_points_marker("t", pytest.mark.points(2, visibility="after_published").mark)
    with pytest.raises(pytest.UsageError):
        check_points_marker("t", pytest.mark.points().mark)
