"""Points for graded tests, declared once beside each test; a pytest plugin.

    pytestmark = pytest.mark.exercise("ex01")

    @pytest.mark.points(2, hint="Take the counter as 8 big-endian bytes.")
    def test_rfc4226_vectors(ex01): ...

Loaded for every run (pyproject's addopts). Options:
  --code SOURCE       the code graded tests run against: exercises, solutions, naive or
                      a submission folder (default: solutions, the kit proving itself)
  --results FILE      write every graded test's outcome and points as JSON
At the end of a run with graded tests it prints the points per exercise.

`points` takes the points and a hint, nothing else. Whether a test is hidden is where it
lives (tests/exercises/hidden/, or `@pytest.mark.hidden`); when students see hidden tests
is the grader's choice (`mfalab grade --hidden-visibility`), not the test's.
"""

import json
from pathlib import Path

import pytest

RESULTS = pytest.StashKey[list]()


def pytest_addoption(parser):
    group = parser.getgroup("mfalab", "MFA Lab grading")
    group.addoption("--code", default="solutions",
                    help="code for graded tests: exercises, solutions, naive or a submission folder")
    group.addoption("--results", default=None, help="write graded outcomes and points as JSON here")


def pytest_configure(config):
    config.stash[RESULTS] = []


POINTS_KEYWORDS = ("hint",)


def check_points_marker(nodeid, marker):
    """A points marker is points(n) or points(n, hint=...): anything else is a usage error."""
    unknown = sorted(set(marker.kwargs) - set(POINTS_KEYWORDS))
    if len(marker.args) != 1 or unknown:
        extra = f"; not {', '.join(unknown)}" if unknown else ""
        raise pytest.UsageError(
            f"{nodeid}: write @pytest.mark.points(n, hint=...){extra}. A test is hidden by living in "
            "tests/exercises/hidden/ (or @pytest.mark.hidden); when students see hidden tests is chosen "
            "at grading time (mfalab grade --hidden-visibility)")


def pytest_collection_modifyitems(config, items):
    for item in items:
        marker = item.get_closest_marker("points")
        if marker is not None:
            check_points_marker(item.nodeid, marker)


def graded(item):
    marker = item.get_closest_marker("points")
    if marker is None:
        return None
    exercise = item.get_closest_marker("exercise")
    return {
        "nodeid": item.nodeid,
        "name": item.name,
        "exercise": exercise.args[0] if exercise else "",
        "max_points": marker.args[0],
        "hint": marker.kwargs.get("hint") or "",
        "hidden": item.get_closest_marker("hidden") is not None,
        "doc": (getattr(item.function, "__doc__", None) or "").strip().splitlines()[0:1],
    }


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    info = graded(item)
    if info is None:
        return report
    if report.when == "call" or (report.when == "setup" and not report.passed):
        passed = report.passed
        message = ""
        if not passed and report.longrepr is not None:
            crash = getattr(report.longrepr, "reprcrash", None)
            message = crash.message if crash else str(report.longrepr)[-500:]
        info.update(outcome="passed" if passed else ("skipped" if report.skipped else "failed"),
                    points=info["max_points"] if passed else 0, message=message[:4000],
                    lab_error="" if passed else str(dict(report.user_properties).get("lab_error", ""))[:1000],
                    lab_output="" if passed else str(dict(report.user_properties).get("lab_output", ""))[:3000],
                    doc=info["doc"][0] if info["doc"] else "", duration=round(report.duration, 3))
        item.config.stash[RESULTS].append(info)
    return report


def pytest_collection_finish(session):
    """With --collect-only, list the graded tests as not run (the check of an untouched stub)."""
    if session.config.option.collectonly:
        for item in session.items:
            info = graded(item)
            if info is not None:
                info.update(outcome="not run", points=0, message="", duration=0.0,
                            doc=info["doc"][0] if info["doc"] else "")
                session.config.stash[RESULTS].append(info)


def pytest_terminal_summary(terminalreporter, config):
    results = config.stash[RESULTS]
    if not results:
        return
    totals = {}
    for r in results:
        got, most = totals.get(r["exercise"], (0, 0))
        totals[r["exercise"]] = (got + r["points"], most + r["max_points"])
    terminalreporter.section("MFA Lab points")
    for exercise, (got, most) in sorted(totals.items()):
        terminalreporter.write_line(f"{exercise}: {got:g}/{most:g} points  (code: {config.getoption('code')})")


def pytest_sessionfinish(session):
    path = session.config.getoption("results")
    if path:
        Path(path).write_text(json.dumps(session.config.stash[RESULTS], indent=1))
