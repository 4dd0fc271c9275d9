"""The warm checker: a process that imported pytest, Django and the kit once and forks one
pytest run per check, so that a check costs the tests' own time, not Python's start-up.

    python -m mfalab.checker       (started in the background by the first check; stops after
                                    IDLE seconds without a check)

Like a plain `python -m pytest`, it never runs learner code: its children run the public
tests, which reach the learner's code only through mfalab.sandbox. Beside it runs a lab
zygote (mfalab.sandbox.zygote, as the grader has one), so that a check of exercises 2-4
and 6 forks its lab server in milliseconds instead of starting Python and Django for a
second; the servers a check started are killed when it ends. Both listen on Unix sockets
in var/checker/ (a folder only their user can open); the checker answers its own user only.
When a file of the kit it imported changes, it says so and exits: the check that asked
runs pytest the plain way and the next one starts a fresh checker. MFALAB_WARM_CHECKER=0
turns it off (checks then always start their own pytest).

Protocol, one JSON line each way: {"args", "cwd", "env", "log"} -> {"pid": N} then
{"exit": code}, or {"stale": true}.
"""

import fcntl
import json
import os
import signal
import socket
import subprocess
import sys

from .database import REPO, VAR
from .forked_pytest import become_run, preload
from .peers import unix_same_user
from .sandbox import zygote

FOLDER = VAR / "checker"
SOCKET = FOLDER / "socket"
IDLE = 20 * 60


def enabled():
    return os.environ.get("MFALAB_WARM_CHECKER", "1") != "0"


# -- the client: mfalab.check ------------------------------------------------------------


def run(args, *, log, timeout):
    """Run pytest with `args` in the warm checker; its exit code, or None when no checker
    could take it (one is started for the next check). Raises TimeoutError after `timeout`."""
    try:
        connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        connection.settimeout(5)
        connection.connect(str(SOCKET))
    except OSError:
        start()
        return None
    with connection, connection.makefile("rwb") as stream:
        request = {"args": list(args), "cwd": str(REPO), "env": dict(os.environ), "log": str(log)}
        try:
            stream.write(json.dumps(request).encode() + b"\n")
            stream.flush()
            answer = json.loads(stream.readline() or b"{}")
        except (OSError, ValueError):
            return None
        if "pid" not in answer:
            return None  # stale (it is exiting) or busy elsewhere: the plain way this time
        connection.settimeout(timeout)
        try:
            return int(json.loads(stream.readline() or b"{}").get("exit", -1))
        except (TimeoutError, socket.timeout):
            try:
                os.killpg(answer["pid"], signal.SIGKILL)
            except OSError:
                pass
            raise TimeoutError from None
        except (OSError, ValueError):
            return None


def start():
    """Start a checker in the background (a second one exits at once: one per var/)."""
    if not enabled():
        return
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="lab_project.settings_test")
    try:
        subprocess.Popen([sys.executable, "-m", "mfalab.checker"], cwd=REPO, env=env, start_new_session=True,
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except OSError:
        pass


def stop():
    """Ask a running checker to exit (tests and benchmarks that want a cold start)."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
            connection.settimeout(5)
            connection.connect(str(SOCKET))
            connection.sendall(b'{"stop": true}\n')
            connection.recv(100)
    except OSError:
        pass


# -- the server ----------------------------------------------------------------------------


def kit_files():
    """{file: mtime} of every module imported from the kit (not from site-packages), and of
    the lab's (which the zygote imported)."""
    paths = {getattr(module, "__file__", None) for module in list(sys.modules.values())}
    paths |= {str(path) for path in (REPO / "lab_project").rglob("*.py")}
    files = {}
    for path in paths:
        if path and path.startswith(str(REPO)) and "/.venv/" not in path:
            try:
                files[path] = os.stat(path).st_mtime_ns
            except OSError:
                pass
    return files


class LabZygote:
    """The lab zygote for this checker's runs, at FOLDER/lab.sock; it dies with the checker.
    Without one (it did not start, or died) checks start their lab servers the plain way."""

    def __init__(self):
        self.path = FOLDER / "lab.sock"
        self.path.unlink(missing_ok=True)
        try:
            self.process = zygote.start(self.path)
        except (OSError, RuntimeError):
            self.process = None

    def environment(self):
        """What a run's environment needs to fork its lab servers from the zygote."""
        alive = self.process is not None and self.process.poll() is None
        return {zygote.ENVIRONMENT: str(self.path)} if alive else {}

    def kill_servers(self):
        """Kill the lab servers the last run forked."""
        if self.process is not None:
            try:
                zygote.kill_servers(str(self.path))
            except OSError:
                pass

    def stop(self):
        if self.process is not None:
            self.process.kill()
            self.process.wait()
        self.path.unlink(missing_ok=True)


def changed(files):
    for path, mtime in files.items():
        try:
            if os.stat(path).st_mtime_ns != mtime:
                return True
        except OSError:
            return True
    return False


def answer(connection, files, listener, lab_zygote):
    """Serve one connection; False when the checker must exit."""
    with connection, connection.makefile("rwb") as stream:
        if not unix_same_user(connection):
            return True
        request = json.loads(stream.readline() or b"{}")
        if request.get("stop") or changed(files):
            stream.write(b'{"stale": true}\n')
            stream.flush()
            return False
        request["env"] = dict(request.get("env") or {}, **lab_zygote.environment())
        pid = os.fork()
        if pid == 0:
            listener.close()
            become_run(request, label="the warm checker's run")
        stream.write(json.dumps({"pid": pid}).encode() + b"\n")
        stream.flush()
        _, status = os.waitpid(pid, 0)
        lab_zygote.kill_servers()
        stream.write(json.dumps({"exit": os.waitstatus_to_exitcode(status)}).encode() + b"\n")
        stream.flush()
    return True


def serve():
    FOLDER.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(FOLDER, 0o700)
    lock = open(FOLDER / "lock", "w")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return  # another checker serves this var/ folder
    preload(["mfalab.enforcement"])
    lab_zygote = LabZygote()
    files = kit_files()
    SOCKET.unlink(missing_ok=True)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(SOCKET))
    listener.listen(8)
    listener.settimeout(IDLE)
    try:
        while True:
            try:
                connection, _ = listener.accept()
            except (TimeoutError, socket.timeout):
                return
            connection.settimeout(None)
            try:
                if not answer(connection, files, listener, lab_zygote):
                    return
            except (OSError, ValueError):
                pass
    finally:
        SOCKET.unlink(missing_ok=True)
        listener.close()
        lab_zygote.stop()


if __name__ == "__main__":
    serve()
