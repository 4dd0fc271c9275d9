"""The warm checker (mfalab.checker): the same reports as a plain pytest run, started once,
gone when asked; a check without one runs pytest the plain way and starts one for next time."""

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from mfalab import checker
from mfalab.check import check


def start_checker(folder):
    """A checker serving `folder` (its socket, its lab zygote's), once it listens."""
    code = f"from mfalab import checker; from pathlib import Path; checker.FOLDER = Path({str(folder)!r}); " \
           "checker.SOCKET = checker.FOLDER / 'socket'; checker.serve()"
    server = subprocess.Popen([sys.executable, "-c", code], start_new_session=True)
    deadline = time.monotonic() + 60
    while not (folder / "socket").exists():
        assert server.poll() is None and time.monotonic() < deadline, "the checker did not start"
        time.sleep(0.1)
    return server


@pytest.fixture
def private_checker(tmp_path, monkeypatch):
    """A checker on a socket of this test's own (the real one may serve a learner meanwhile)."""
    folder = tmp_path / "checker"
    monkeypatch.setattr(checker, "FOLDER", folder)
    monkeypatch.setattr(checker, "SOCKET", folder / "socket")
    monkeypatch.setenv("MFALAB_WARM_CHECKER", "1")
    server = start_checker(folder)
    yield server
    checker.stop()
    server.wait(timeout=30)


def test_a_warm_check_reports_what_a_plain_one_does(private_checker, monkeypatch, tmp_path):
    module = sys.modules["mfalab.check"]  # (mfalab.check is the function)
    plain_runs = []
    real_run = module.subprocess.run
    monkeypatch.setattr(checker, "start", lambda: pytest.fail("the checker did not answer"))
    monkeypatch.setattr(module.subprocess, "run", lambda *a, **k: plain_runs.append(a) or real_run(*a, **k))
    warm = [check("ex01", "solutions"), check("ex01")]
    assert plain_runs == []  # both ran in the checker
    assert private_checker.poll() is None  # it served both and still runs
    monkeypatch.setenv("MFALAB_WARM_CHECKER", "0")
    plain = [check("ex01", "solutions"), check("ex01")]
    for a, b in zip(warm, plain):
        assert str(a) == str(b) and a.rows and not a.problem


def test_stop_ends_it_and_the_next_check_runs_without_it(private_checker, monkeypatch):
    checker.stop()
    private_checker.wait(timeout=30)
    assert not checker.SOCKET.exists()
    monkeypatch.setattr(checker, "start", lambda: None)  # no new checker for this test
    assert check("ex01", "solutions").passed


def test_a_changed_kit_file_is_noticed(tmp_path):
    kit_file = tmp_path / "module.py"
    kit_file.write_text("x = 1\n")
    files = {str(kit_file): kit_file.stat().st_mtime_ns}
    assert not checker.changed(files)
    kit_file.write_text("x = 2\n")
    import os

    os.utime(kit_file, ns=(0, files[str(kit_file)] + 1))
    assert checker.changed(files)


def _processes(pattern=None, parent=None):
    """Pids of live processes whose command line holds `pattern`, or whose parent is `parent`."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            state, ppid = (entry / "stat").read_text().rsplit(")", 1)[1].split()[:2]
        except (OSError, ValueError):
            continue
        if state != "Z" and ((pattern and pattern in command) or (parent and int(ppid) == parent)):
            found.append(int(entry.name))
    return found


def test_lab_checks_fork_their_servers_from_the_checkers_zygote_and_leave_none(private_checker, monkeypatch):
    monkeypatch.setattr(checker, "start", lambda: pytest.fail("the checker did not answer"))
    lab_socket = checker.FOLDER / "lab.sock"
    zygotes = _processes(f"mfalab.sandbox.zygote {lab_socket}")
    assert len(zygotes) == 1  # started with the checker, beside it
    report = check("ex02", "solutions")
    assert report.passed and not report.problem, str(report)
    assert _processes(parent=zygotes[0]) == []  # the check's lab servers were killed when it ended
    checker.stop()
    private_checker.wait(timeout=30)
    deadline = time.monotonic() + 10
    while _processes(f"mfalab.sandbox.zygote {lab_socket}") and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _processes(f"mfalab.sandbox.zygote {lab_socket}") == []  # gone with the checker
    assert not lab_socket.exists()


@pytest.mark.skipif(os.geteuid() != 0, reason="acting as a second user of the machine needs root")
def test_a_second_user_gets_nothing_from_the_checker_or_its_zygote_even_where_their_folder_is_open():
    """The checker runs pytest with the arguments it is sent, and its zygote imports the
    module it is sent, both as their own user: an opened-up folder (a shared workshop
    folder, a loose umask) must not let another user of the machine do either, or stop them."""
    from mfalab.sandbox import zygote
    from mfalab.sandbox.limits import Limits

    root = Path(tempfile.mkdtemp(prefix="mfalab-open-"))  # not under pytest's 0700 folder
    folder = root / "checker"
    server = start_checker(folder)
    try:
        for opened in (root, folder, folder / "socket", folder / "lab.sock"):
            opened.chmod(0o777)  # misconfigured: anyone may connect
        log = root / "ran-for-the-other-user.log"
        marker = root / "imported-for-the-other-user.txt"
        module = root / "ex01_totp.py"
        module.write_text(f"open({str(marker)!r}, 'w').write('owned')\n")
        module.chmod(0o644)
        pid = os.fork()
        if pid == 0:  # the other user
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)
            try:
                zygote.check_import(str(folder / "lab.sock"), module, "learner", root, Limits(cpu_seconds=5), 3,
                                    os.open(os.devnull, os.O_WRONLY))
            except (OSError, ValueError):
                pass
            for request in ({"args": ["--version"], "cwd": str(root), "env": {}, "log": str(log)}, {"stop": True}):
                try:
                    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
                        connection.settimeout(30)
                        connection.connect(str(folder / "socket"))
                        connection.sendall(json.dumps(request).encode() + b"\n")
                        connection.recv(100)
                except OSError:
                    pass
            os._exit(0)
        os.waitpid(pid, 0)
        time.sleep(0.5)  # a checker told to stop is on its way out
        given = [what for what, happened in (("the checker ran pytest for them", log.exists()),
                                             ("the zygote imported their module", marker.exists()),
                                             ("they stopped the checker", server.poll() is not None)) if happened]
        assert given == [], f"another user of the machine got: {'; '.join(given)}"
    finally:
        server.kill()
        server.wait()
        shutil.rmtree(root, ignore_errors=True)
