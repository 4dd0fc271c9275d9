"""The lab server's watchdog stops learner code that keeps a request running (in-process,
with a short limit), and a lab server with a looping exercise 2 keeps serving."""

import importlib.util
import threading
import time

import pytest

from mfalab.sandbox.watchdog import Watchdog

LOOPS = '''
def spin():
    while True:
        pass


def stubborn():
    while True:
        try:
            pass
        except Exception:
            pass


def swallower():
    while True:
        try:
            pass
        except BaseException:
            pass


def quick():
    return "done"
'''


@pytest.fixture
def learner(tmp_path):
    path = tmp_path / "ex99_loops.py"
    path.write_text(LOOPS)
    spec = importlib.util.spec_from_file_location("ex99_loops", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module, str(path)


def call(app, name):
    """One request to `app`: (status, body); the request runs in its own thread, as in the lab."""
    got = {}

    def start_response(status, headers, exc_info=None):
        got["status"] = status

    def request():
        got["body"] = b"".join(app({"PATH_INFO": f"/{name}"}, start_response)).decode()

    worker = threading.Thread(target=request)
    worker.start()
    worker.join(30)
    assert not worker.is_alive(), f"{name}: the watchdog did not stop it"
    return got["status"], got["body"]


def wsgi(module):
    def app(environ, start_response):
        result = getattr(module, environ["PATH_INFO"].strip("/"))()
        start_response("200 OK", [])
        return [result.encode()]
    return app


@pytest.mark.parametrize("name", ["spin", "stubborn", "swallower"])
def test_a_loop_in_learner_code_is_stopped_and_then_stopped_at_once(learner, capfd, name):
    module, path = learner
    app = Watchdog(wsgi(module), lambda: {path}, limit=0.5)
    status, body = call(app, name)
    assert status.startswith("500")
    assert f"{name}() (ex99_loops.py, line" in body and "ran longer than 0.5 s and was stopped" in body
    assert "LearnerTimeout" in capfd.readouterr().err  # the server's output, which the check reads
    status, body = call(app, name)
    assert status.startswith("500") and "timed out earlier" in body
    assert call(app, "quick") == ("200 OK", "done")  # the rest of the learner's code still runs


def test_a_slow_request_outside_the_learners_code_is_left_alone(learner):
    module, path = learner

    def slow_lab(environ, start_response):  # the lab's own work, longer than the limit
        until = time.monotonic() + 1.0
        while time.monotonic() < until:
            pass
        start_response("200 OK", [])
        return [module.quick().encode()]

    assert call(Watchdog(slow_lab, lambda: {path}, limit=0.2), "quick") == ("200 OK", "done")


LOOPING_EX02 = '''
def require_mfa(view):
    def guarded(request, *args, **kwargs):
        while True:
            pass
    return guarded


def secure_admin(site):
    return None
'''


def test_a_lab_server_whose_exercise_2_loops_stops_it_and_keeps_serving(tmp_path, django_db_blocker):
    from mfalab.sandbox import SandboxLab

    (tmp_path / "ex02_otp_required.py").write_text(LOOPING_EX02)
    with django_db_blocker.unblock(), SandboxLab(str(tmp_path)) as lab:
        client = lab.client()
        first = client.get("/dashboard/")
        assert first.status == 500 and "guarded() (ex02_otp_required.py, line 4) ran longer than 10 s" in first.text
        assert "LearnerTimeout: require_mfa.<locals>.guarded()" in lab.output  # what the check shows
        second = client.get("/transfer/")  # the same function guards every sensitive page
        assert second.status == 500 and "timed out earlier" in second.text
        assert client.get("/account/login/").status == 200  # the server still serves


def test_ten_looping_requests_at_once_are_each_stopped(learner):
    module, path = learner
    app = Watchdog(wsgi(module), lambda: {path}, limit=0.5)
    answers = []
    workers = [threading.Thread(target=lambda: answers.append(call(app, "spin"))) for _ in range(10)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert len(answers) == 10 and all(status.startswith("500") for status, _ in answers)
    assert all("spin() (ex99_loops.py, line" in body for _, body in answers)
    assert call(app, "quick") == ("200 OK", "done")
