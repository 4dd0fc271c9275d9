"""What a warm process shares, the grader's launcher (mfalab.grader.warm) and the learner's
checker (mfalab.checker): import the slow parts once, then let each forked child become one
pytest run. Neither the warm process nor its children run learner code: the tests reach it
only through mfalab.sandbox.

A request is {"args", "cwd", "env", "log"}: pytest's arguments, its folder, its whole
environment and the file its output goes to.
"""

import importlib
import os
import sys

SETTINGS = "lab_project.settings_test"
PRELOAD = [
    "pytest", "_pytest.python", "_pytest.runner", "_pytest.fixtures", "_pytest.assertion.rewrite",
    "_pytest.terminal", "pytest_django", "pytest_django.plugin", "django.test", "django.test.client",
    "mfalab.points", "mfalab.sandbox", "mfalab.sandbox.labserver", "mfalab.lab", "mfalab.client",
    "mfalab.wizards", "mfalab.otp", "mfalab.ceremony", "mfalab.authenticator",
    "requests", "pyotp", "webauthn", "cbor2",
]


def preload(extra=()):
    """Set Django up with the test settings and import what every run needs."""
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
    import django

    django.setup()
    for name in [*PRELOAD, *extra]:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 (a module not preloaded only costs time)
            pass


def become_run(request, *, before=None, failure=3, label="the warm process's run"):
    """In a forked child: become the pytest run `request` describes; never returns.
    before(): limits to apply first (after the child leaves the parent's session)."""
    code = failure
    try:
        os.setsid()
        if before is not None:
            before()
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS  # what the warm process set up
        import tempfile

        tempfile.tempdir = None  # honour the request's TMPDIR
        log = os.open(request["log"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
        os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
        os.dup2(log, 1)
        os.dup2(log, 2)
        import pytest

        code = int(pytest.main(request["args"]))
    except BaseException as error:  # noqa: BLE001
        try:
            os.write(2, f"{label} failed: {type(error).__name__}: {error}\n".encode())
        except OSError:
            pass
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:  # noqa: BLE001
                pass
        os._exit(code)
