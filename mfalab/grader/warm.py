"""A pre-warmed pytest launcher: imports the kit once, then forks one pytest run per request.

    python -m mfalab.grader.warm        (started by mfalab.grader.run, one per worker)

Starting Python, pytest, Django and the kit costs seconds per run; forking a process that
already imported them costs milliseconds. This process never runs learner code, and
neither do its children: they run the graded tests, which reach the learner's code only
through mfalab.sandbox (separate processes, limits, an unprivileged uid when root).

Protocol (JSON lines): request {"args", "env", "cwd", "log"} -> {"pid": N}, then {"exit": code}.
"""

import json
import os
import sys

TEST_MEMORY = 4 * 1024 ** 3  # address space of a graded test run

PRELOAD = [
    "pytest", "_pytest.python", "_pytest.runner", "_pytest.fixtures", "_pytest.assertion.rewrite",
    "_pytest.terminal", "_pytest.junitxml", "_pytest.doctest", "_pytest.unittest", "pytest_django",
    "pytest_django.plugin", "django", "django.test", "django.test.client", "mfalab.points", "mfalab.sandbox",
    "mfalab.lab", "mfalab.client", "mfalab.wizards", "mfalab.otp", "mfalab.ceremony", "mfalab.authenticator",
    "mfalab.grader.catalog", "requests", "pyotp", "webauthn", "cbor2", "cryptography.hazmat.primitives.asymmetric.ec",
]


def preload():
    import importlib

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lab_project.settings_test")
    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 (a missing optional module only costs time)
            pass
    import django

    django.setup()


def run_child(request):
    """In the forked child: become the pytest run the request describes; never returns."""
    code = 99
    try:
        import resource

        os.setsid()
        # A lab server is learner code: an endless answer must not take the host's memory.
        resource.setrlimit(resource.RLIMIT_AS, (TEST_MEMORY, TEST_MEMORY))
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        import tempfile

        tempfile.tempdir = None  # honour the request's TMPDIR
        log = os.open(request["log"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
        os.dup2(log, 1)
        os.dup2(log, 2)
        import pytest

        code = int(pytest.main(request["args"]))
    except BaseException as error:  # noqa: BLE001
        try:
            os.write(2, f"warm child failed: {type(error).__name__}: {error}\n".encode())
        except OSError:
            pass
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:  # noqa: BLE001
                pass
        os._exit(code)


def serve():
    answers = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)  # stray prints of imported modules must not pass for answers
    preload()
    answers.write(json.dumps({"ready": True}) + "\n")
    answers.flush()
    for line in sys.stdin:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            run_child(request)
        answers.write(json.dumps({"pid": pid}) + "\n")
        answers.flush()
        _, status = os.waitpid(pid, 0)
        answers.write(json.dumps({"exit": os.waitstatus_to_exitcode(status)}) + "\n")
        answers.flush()


if __name__ == "__main__":
    serve()
