"""A pre-warmed parent for lab servers: imports Django and the lab once, forks one server per request.

    python -m mfalab.sandbox.zygote SOCKET      (started by the grader, one per worker)

Starting a fresh interpreter, Django and the lab costs about a second per lab server;
forking a process that already imported them costs milliseconds. This process never
imports learner code: it loads no URLconf and no middleware chain, since both call the
learner's hooks. The child does that, after the fork, under its limits (and as its
sandbox uid, in namespaces of its own), then serves the lab exactly as
`mfalab.sandbox.labapp` does.

The socket lives in a folder only the grader can enter (learner code cannot reach it),
it answers only its own uid (should that folder be opened up), and every child closes it
before it runs anything else.

Protocol, one request per connection (JSON lines; the first carries open descriptors):
    -> {"code", "workdir", "db", "limits": {...}}  + [output file, listening Unix socket or none]
    <- {"pid": N}        at once
    <- {"port": N}       when the lab is ready (nothing if the child dies or hangs)
or, to find a module that does not import before any test runs,
    -> {"import": PATH, "name", "workdir", "limits": {...}}  + [output file]
    <- {"pid": N}
    <- {"imported": true} or {"error": {"type", "message", "where"}}
or
    -> {"kill": true}    after each graded run: every server forked so far is killed
    <- {"killed": N}
"""

import json
import os
import signal
import socket
import sys
from dataclasses import asdict

from ..peers import unix_same_user
from . import syscalls
from .labapp import lab_environment
from .limits import KIT

ENVIRONMENT = "MFALAB_LAB_ZYGOTE"  # the socket's path, in the environment of graded test runs
PRELOAD = [
    "django.core.handlers.wsgi", "django.contrib.staticfiles.handlers", "django.contrib.admin",
    "django.contrib.auth.views", "two_factor.views", "two_factor.urls", "two_factor.plugins.webauthn.views",
    "django_otp.plugins.otp_totp.models", "webauthn", "lab_project.bank.views", "lab_project.mfa.views",
    "mfalab.liveserver", "mfalab.sandbox.child", "mfalab.sandbox.labapp", "mfalab.sandbox.transport",
    "mfalab.sandbox.worker",
]


def start(path):
    """Start a zygote listening at `path` (in a folder only this user can enter); returns
    its Popen once it is ready. Its environment holds the lab's settings and no learner
    code: the database is a relative name, so each child opens lab.sqlite3 in its own folder."""
    import subprocess

    env = lab_environment("naive", "lab.sqlite3")
    process = subprocess.Popen([sys.executable, "-m", "mfalab.sandbox.zygote", str(path)], cwd=KIT, env=env,
                               stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    ready = process.stdout.readline()
    process.stdout.close()
    if b'"ready": true' not in ready:
        process.kill()
        process.wait()
        raise RuntimeError("the lab zygote did not start")
    return process


def preload():
    import importlib

    import django

    django.setup()
    for name in PRELOAD:
        importlib.import_module(name)


def _answer(connection, message):
    connection.sendall((json.dumps(message) + "\n").encode())


def serve_child(request, connection, fds):
    """In the forked child: limits first, then the learner's code. Never returns."""
    try:
        from .child import capture_output
        from .limits import Limits

        signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # the learner's code may wait for its children
        os.chdir(request["workdir"])
        limits = request["limits"]
        Limits(**dict(limits, hide=tuple(limits["hide"]), spaces=tuple(limits["spaces"]))).apply()
        capture_output(fds[0])
        if "import" in request:
            _import(request, connection)
        else:
            _serve_lab(request, connection, fds[1] if len(fds) > 1 else None)
    except BaseException:  # noqa: BLE001 (the requester sees the connection close with no answer)
        pass
    finally:
        os._exit(99)


def _import(request, connection):
    from .worker import failure, import_file

    try:
        import_file(request["import"], request["name"])
    except BaseException as error:  # noqa: BLE001 (SystemExit at import is a broken module too)
        _answer(connection, {"error": failure(error)})
    else:
        _answer(connection, {"imported": True})


def _serve_lab(request, connection, listener_fd):
    from django.conf import settings
    from django.db import connections

    from lab_project.mfa import exercise_code

    from .labapp import serve

    settings.LAB_CODE = request["code"]
    for where in (settings.DATABASES["default"], connections["default"].settings_dict):
        where["NAME"] = request["db"]
    exercise_code.load.cache_clear()
    listener = socket.socket(fileno=listener_fd) if listener_fd is not None else None
    serve(connection.makefile("w"), listener)


def serve(path):
    syscalls.die_with_parent()  # a grader that is killed takes its zygote (and so its servers) along
    answers = os.fdopen(os.dup(1), "w")
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1):
        os.dup2(devnull, fd)  # children inherit nothing of the grader's pipes
    preload()
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the kernel
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    old = os.umask(0o177)
    try:
        listener.bind(path)  # mode 0600
    finally:
        os.umask(old)
    listener.listen(8)
    answers.write(json.dumps({"ready": True}) + "\n")
    answers.flush()
    answers.close()
    children = []
    while True:
        connection, _ = listener.accept()
        with connection:
            if not unix_same_user(connection):
                continue  # another user: the folder's permissions were looser than meant
            try:
                _handle(listener, connection, children)
            except (OSError, ValueError):  # a requester that went away or sent garbage
                continue


def _receive(connection):
    """One request line and the descriptors sent with it."""
    data, fds, _flags, _address = socket.recv_fds(connection, 65536, 4)
    while data and not data.endswith(b"\n"):
        more = connection.recv(65536)
        if not more or len(data) > 65536:
            break
        data += more
    return json.loads(data), fds


def _handle(listener, connection, children):
    request, fds = _receive(connection)
    try:
        _dispatch(listener, connection, children, request, fds)
    finally:
        for fd in fds:
            os.close(fd)


def _dispatch(listener, connection, children, request, fds):
    if request.get("kill"):
        _answer(connection, {"killed": kill_all(children)})
        children.clear()
        return
    go_read, go_write = os.pipe()
    pid = os.fork()
    if pid == 0:
        listener.close()
        os.close(go_write)
        os.read(go_read, 1)  # wait until the parent has sent the pid
        os.close(go_read)
        serve_child(request, connection, fds)
    os.close(go_read)
    children.append(pid)
    try:
        _answer(connection, {"pid": pid})
    finally:
        os.write(go_write, b"x")
        os.close(go_write)


def kill_all(pids):
    """Kill each forked server's process group (what it started goes too); returns how many."""
    killed = 0
    for pid in pids:
        try:
            os.killpg(pid, signal.SIGKILL)
            killed += 1
        except (ProcessLookupError, PermissionError):
            pass
    return killed


class Forked:
    """A lab server forked by the zygote, with the bits of subprocess.Popen SandboxLab uses."""

    def __init__(self, pid, stdout):
        self.pid, self.stdout = pid, stdout  # closing stdout closes the connection
        self.returncode = None

    def poll(self):
        if self.returncode is None:
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                self.returncode = -1
            except PermissionError:
                pass  # alive, as another uid
        return self.returncode

    def kill(self):
        try:
            os.kill(self.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass

    def wait(self, timeout=None):
        return self.returncode


def _ask(path, request, fds=()):
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    connection.settimeout(30)
    connection.connect(path)
    data = (json.dumps(request) + "\n").encode()
    sent = socket.send_fds(connection, [data], list(fds))
    connection.sendall(data[sent:])
    connection.settimeout(None)
    return connection


def kill_servers(path):
    """Kill every lab server the zygote at `path` has forked; returns how many."""
    connection = _ask(path, {"kill": True})
    with connection, connection.makefile("rb") as reader:
        return json.loads(reader.readline() or b"{}").get("killed", 0)


def check_import(path, module, name, workdir, limits, timeout, output):
    """Import the learner's `module` in a child of the zygote at `path`, under `limits`,
    in `workdir`, its prints going to the open file `output`.

    Returns None when it imported, else why not (a sentence). The child is killed either way.
    """
    connection = _ask(path, {"import": str(module), "name": name, "workdir": str(workdir),
                             "limits": asdict(limits.resolved())}, [output])
    with connection, connection.makefile("rb") as reader:
        pid = json.loads(reader.readline() or b"{}").get("pid")
        connection.settimeout(timeout)
        try:
            answer = json.loads(reader.readline(65536) or b"{}")
        except TimeoutError:
            return f"importing it did not finish within {timeout:g} s"
        except ValueError:
            answer = {}
        finally:
            if pid:
                kill_all([pid])
    if answer.get("imported") is True:
        return None
    error = answer.get("error")
    if not isinstance(error, dict):
        return "importing it ended the process"
    return f"it does not import: {error.get('type')}: {str(error.get('message'))[:300]}"


def spawn(path, code, workdir, db, limits, output, listener=None):
    """Ask the zygote at `path` for a lab server with `code` in `workdir`, its database at
    `db`, under `limits`; it prints to the open file `output` and serves on `listener`
    (a listening Unix socket) or, without one, on a free 127.0.0.1 port.

    Returns a Forked process whose stdout gives the {"port": N} line when the lab is ready.
    """
    fds = [output] + ([listener.fileno()] if listener is not None else [])
    connection = _ask(path, {"code": code, "workdir": str(workdir), "db": str(db),
                             "limits": asdict(limits.resolved())}, fds)
    line = b""
    while not line.endswith(b"\n"):  # unbuffered: the port line must stay for the caller's select()
        byte = connection.recv(1)
        if not byte:
            connection.close()
            raise OSError("the lab zygote did not answer")
        line += byte
    stdout = connection.makefile("rb")
    connection.close()  # the socket stays open until stdout is closed
    return Forked(json.loads(line)["pid"], stdout)


if __name__ == "__main__":
    serve(sys.argv[1])
