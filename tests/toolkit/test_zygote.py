"""The lab zygote: lab servers and import checks forked from one pre-warmed parent."""

import os
import textwrap

import pytest
import requests

from mfalab.sandbox import SandboxLab, zygote
from mfalab.sandbox.limits import Limits


@pytest.fixture(scope="module")
def socket_path(tmp_path_factory):
    folder = tmp_path_factory.mktemp("zygote")
    folder.chmod(0o700)
    path = folder / "lab.sock"
    process = zygote.start(path)
    yield str(path)
    process.kill()
    process.wait()


@pytest.fixture
def module(tmp_path):
    def make(source, name="ex01_totp.py"):
        (tmp_path / name).write_text(textwrap.dedent(source))
        return tmp_path / name

    return make


def check(socket_path, path, tmp_path, timeout=3):
    workdir = tmp_path / "work"
    workdir.mkdir(exist_ok=True)
    output = os.open(tmp_path / "output.txt", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        return zygote.check_import(socket_path, path, "learner", workdir, Limits(cpu_seconds=5), timeout, output)
    finally:
        os.close(output)


def test_a_forked_lab_serves_the_code_it_was_asked_for(socket_path, monkeypatch, django_db_blocker):
    monkeypatch.setenv(zygote.ENVIRONMENT, socket_path)
    with django_db_blocker.unblock(), SandboxLab("solutions") as lab:
        assert isinstance(lab._process, zygote.Forked)
        assert lab.login("alice").get("/dashboard/").status == 200
        assert lab.login_password_only("alice").get("/dashboard/").status == 302  # exercise 2 is solved
        client = lab.client()
        assert lab.url == "http://localhost:8000"  # nominal: the server has a Unix socket, no port
        assert zygote.kill_servers(socket_path) == 1
        with pytest.raises(requests.ConnectionError):
            client.get("/dashboard/")


def test_a_module_that_imports_passes_the_check(socket_path, module, tmp_path):
    assert check(socket_path, module("VALUE = 1\n"), tmp_path) is None


@pytest.mark.parametrize("source, why", [
    ("def broken(:\n", "does not import: SyntaxError"),
    ("raise RuntimeError('at import')\n", "does not import: RuntimeError: at import"),
    ("import sys\nsys.exit(0)\n", "does not import: SystemExit"),
    ("import os\nos._exit(0)\n", "ended the process"),
    ("while True:\n    pass\n", "did not finish within 1 s"),
])
def test_a_module_that_does_not_import_says_why(socket_path, module, tmp_path, source, why):
    assert why in check(socket_path, module(source), tmp_path, timeout=1)


def test_learner_code_cannot_reach_the_zygotes_socket(socket_path, module, tmp_path):
    """No listening socket is left open in the child: it cannot answer the zygote's requests."""
    marker = tmp_path / "found.txt"
    source = f"""
        import os, socket
        found = []
        for fd in map(int, os.listdir("/proc/self/fd")):
            try:
                s = socket.socket(fileno=os.dup(fd))
            except OSError:
                continue
            if s.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN):
                found.append(fd)
            s.detach()
        open({str(marker)!r}, "w").write(repr(found))
    """
    assert check(socket_path, module(source), tmp_path) is None
    assert marker.read_text() == "[]"
    assert os.stat(socket_path).st_mode & 0o777 == 0o600

