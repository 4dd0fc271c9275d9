"""Fixtures for graded tests: the code under test is `--code` (default: solutions).

Pure-function exercises are called through a Sandbox; Django exercises drive a lab
served from a sandbox process. The learner's code never runs in this process.
"""

import pytest

from mfalab.failures import last_exception, new_output
from mfalab.sandbox import Sandbox, SandboxLab


@pytest.fixture(scope="session")
def code(request):
    return request.config.getoption("code")


def _sandbox(exercise, code):
    with Sandbox(exercise, code) as sandbox:
        yield sandbox


@pytest.fixture(scope="session")
def ex01(code):
    yield from _sandbox("ex01", code)


@pytest.fixture(scope="session")
def ex05(code):
    yield from _sandbox("ex05", code)


@pytest.fixture(scope="session")
def _served_lab(code, django_db_blocker):
    with django_db_blocker.unblock(), SandboxLab(code) as served:
        yield served


@pytest.fixture
def graded_lab(_served_lab, django_db_blocker):
    """The lab with the code under test, served from a sandbox process: one server for
    the whole run (starting one costs about a second), a fresh copy of the seeded
    database for every test."""
    with django_db_blocker.unblock():
        yield _served_lab.reset()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """When a test of the served lab fails and the lab raised an exception meanwhile (a 500),
    keep that exception's last line for the check (mfalab.points puts it in the row)."""
    lab = item.funcargs.get("graded_lab")
    before = lab.output if lab is not None else ""
    try:
        return (yield)
    except BaseException:
        printed = new_output(before, lab.output) if lab is not None else ""
        error = last_exception(printed)
        if error:
            item.user_properties += [("lab_error", error), ("lab_output", printed[-3000:])]
        raise
