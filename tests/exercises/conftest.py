"""Fixtures for graded tests: the code under test is `--code` (default: solutions).

Pure-function exercises are called through a Sandbox; Django exercises drive a lab
served from a sandbox process. The learner's code never runs in this process.
"""

import pytest

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
