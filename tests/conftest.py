"""Fixtures shared by the kit's tests.

The test process runs the lab's naive built-ins (lab_project/settings_test.py); code
under test that a learner writes is reached only through mfalab.sandbox.
"""

import os
import textwrap

import pytest

# Checks run by the tests start their own pytest: no warm checker left behind (tests/toolkit/test_checker.py
# starts its own).
os.environ.setdefault("MFALAB_WARM_CHECKER", "0")

import mfalab
from mfalab.sandbox import SandboxLab


@pytest.fixture(scope="session")
def _booted_lab(django_db_blocker):
    from django.conf import settings

    # Django's test environment swaps in a memory mailbox; the lab's outbox is the point.
    settings.EMAIL_BACKEND = "lab_project.mfa.outbox.OutboxEmailBackend"
    with django_db_blocker.unblock():
        yield mfalab.boot("naive")


@pytest.fixture
def lab(_booted_lab, django_db_blocker):
    """The naive lab in this process, on a fresh copy of the seeded database."""
    with django_db_blocker.unblock():
        yield _booted_lab.reset()
        _booted_lab.stop_servers()


@pytest.fixture
def solutions_lab(django_db_blocker):
    """The lab running the reference solutions, served from a sandbox process."""
    with django_db_blocker.unblock(), SandboxLab("solutions") as served:
        yield served


@pytest.fixture
def naive_lab(django_db_blocker):
    """The naive lab served from a sandbox process (same handle as solutions_lab)."""
    with django_db_blocker.unblock(), SandboxLab("naive") as served:
        yield served


@pytest.fixture
def grade_submission(tmp_path):
    """Grade a one-module submission (source text) on an exercise's public and hidden
    tests, in a pytest subprocess as the check does; a CheckReport (.score, .max_score,
    .rows)."""
    from lab_project.mfa.exercise_code import MODULES
    from mfalab.check import CheckReport, graded_tests, module_status, run_tests

    def grade(exercise, source):
        folder = tmp_path / f"submission-{exercise}"
        folder.mkdir(exist_ok=True)
        (folder / f"{MODULES[exercise]}.py").write_text(textwrap.dedent(source))
        rows = run_tests(graded_tests(exercise), folder)
        return CheckReport(exercise, module_status(exercise, str(folder)), rows)

    return grade
