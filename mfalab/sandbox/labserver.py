"""The lab bank with the learner's code, served from a sandbox process.

    with SandboxLab("solutions") as lab:       # or "exercises", or a submission folder
        client = lab.login("alice")             # over HTTP, through the real wizards
        lab.user("alice")                       # the lab's database, read from here

The server process runs the learner's code under limits; this process only sends HTTP
requests and reads the lab's database. It never opens a file that learner code could
have replaced with a link: the server's prints and its database live in a folder of
this process's (mfalab.sandbox.box), which the server may pass through but not change.

Two transports:
- isolated (a grader: a sandbox uid, namespaces, or a zygote): the server has no
  network; it serves on a Unix socket this process bound in its own folder, and
  `client()` sends every request there (`url` is nominal, http://localhost:8000: a
  name WebAuthn accepts, never resolved);
- plain (notebooks, browsers): the server listens on 127.0.0.1:PORT; `url` says
  http://localhost:PORT (WebAuthn needs a host name), and `client()` connects to
  127.0.0.1 whatever the name resolves to, so nothing on [::1] can stand in for it.
"""

import itertools
import json
import os
import sqlite3
import subprocess
from pathlib import Path

from .. import database
from ..client import HttpClient
from ..lab import Lab, check_code_source
from . import interpreter, transport
from .box import Box
from .labapp import LISTEN_FD, lab_environment
from .limits import Limits, kill_group
from .proxy import SandboxCrashed, SandboxTimeout
from .zygote import ENVIRONMENT as ZYGOTE
from .zygote import spawn

_aliases = itertools.count(1)
_SUFFIXES = ("", "-wal", "-shm")


class SandboxLab(Lab):
    def __init__(self, code="exercises", *, start_timeout=30.0, limits=Limits(cpu_seconds=120)):
        super().__init__(code=check_code_source(code), alias=f"sandbox_lab_{next(_aliases)}")
        self.start_timeout, self.limits = start_timeout, limits
        self._box = None
        self._process = None
        self._keeper = None
        self._socket = None
        self._port = None
        self.db_path = None
        self.url = None

    @property
    def isolated(self):
        resolved = self.limits.resolved()
        return bool(os.environ.get(ZYGOTE) or resolved.user is not None or resolved.spaces)

    def start(self):
        user = self.limits.resolved().user
        self._box = Box("mfalab-lab-", user)
        self.db_path = self._box.folder("db") / "lab.sqlite3"
        self._master = self._box.root / "master.sqlite3"  # 0600, this process's alone
        _wal_copy(database.ensure_template(), self._master)
        self._fresh_database()
        listener = None
        if self.isolated:
            self._socket = self._box.root / "http.sock"
            listener = transport.bind(self._socket)
        try:
            self._process = self._launch(listener)
        finally:
            if listener is not None:
                listener.close()  # the server holds its own copy
        try:
            port = self._wait_ready()
        except Exception:
            self.stop()
            raise
        self.url = transport.NOMINAL_URL if listener is not None else f"http://localhost:{port}"
        self._port = port
        database.attach(self.db_path, self.alias)
        return self

    def _launch(self, listener):
        zygote = os.environ.get(ZYGOTE)
        if zygote:  # a grader's pre-warmed parent forks the server (milliseconds, not a second)
            return spawn(zygote, self.code, self._box.work, self.db_path, self.limits, self._box.output_fd, listener)
        env = lab_environment(self.code, self.db_path)
        fds = ()
        if listener is not None:
            env[LISTEN_FD] = str(listener.fileno())
            fds = (listener.fileno(),)
        return subprocess.Popen(
            interpreter.command("mfalab.sandbox.labapp"),
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=self._box.output_fd,
            cwd=self._box.work, env=env, preexec_fn=self.limits.apply, close_fds=True, pass_fds=fds,
        )

    def _wait_ready(self):
        import selectors

        with selectors.DefaultSelector() as selector:
            selector.register(self._process.stdout, selectors.EVENT_READ)
            if not selector.select(self.start_timeout):
                raise SandboxTimeout(f"The lab with {self.code!r} did not start within {self.start_timeout:g} s "
                                     f"(an endless loop at import?).{self._output_tail()}")
        try:
            return json.loads(self._process.stdout.readline(65536))["port"]
        except (ValueError, KeyError, TypeError):
            raise SandboxCrashed(f"The lab with {self.code!r} did not start.{self._output_tail()}") from None

    def _output_tail(self):
        text = self._box.tail(1500) if self._box is not None else ""
        return "\nIts output ends:\n" + text if text else ""

    @property
    def output(self):
        return self._output_tail()

    def _fresh_database(self):
        """The seeded database, in this process's folder (the server may write the database and
        its WAL files, never the folder, so it can never swap one for a link).

        The first time, a copy is moved into place and a connection held here for the lab's
        lifetime keeps SQLite from deleting the WAL files (the server could not create them
        again). After that the file is never replaced: SQLite's backup API copies the seed's
        pages into it under SQLite's own locks. Replacing the file was racy: a server thread
        still closing its connection after the previous answer would, as the last user of the
        old file, delete the new WAL by its name, and writes made here went to a file the
        server never saw."""
        if self._keeper is not None:
            with sqlite3.connect(self._master) as seed:
                seed.backup(self._keeper)
            return
        folder = self.db_path.parent
        incoming = folder / "incoming.sqlite3"
        _copy_new(self._master, incoming)
        for suffix in _SUFFIXES[1:]:
            Path(f"{self.db_path}{suffix}").unlink(missing_ok=True)
        os.replace(incoming, self.db_path)
        for suffix in _SUFFIXES[1:]:
            os.close(os.open(f"{self.db_path}{suffix}", os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600))
        user = self.limits.resolved().user
        if user is not None:
            for suffix in _SUFFIXES:
                os.chown(f"{self.db_path}{suffix}", user, user)
        self._keeper = sqlite3.connect(self.db_path, check_same_thread=False)
        self._keeper.execute("SELECT count(*) FROM sqlite_master").fetchall()

    def reset(self):
        """Start again from the seeded database; the server (and the learner's code) keeps running.

        Between requests the server holds no database connection (Django closes it when a
        request finishes), so no one sees the swap half done.
        """
        if self._process is None or self._process.poll() is not None:  # it died: a new one
            self.stop()
            return self.start()
        from django.db import connections

        connections[self.alias].close()
        self._fresh_database()
        return self

    def stop(self):
        database.detach(self.alias)
        if self._process is not None:
            kill_group(self._process)
            self._process.stdout.close()
            self._process = None
        if self._keeper is not None:
            self._keeper.close()
            self._keeper = None
        if self._box is not None:
            self._box.cleanup()
            self._box = None

    def client(self):
        if self._process is None or self._process.poll() is not None:
            raise SandboxCrashed(f"The lab server is not running.{self._output_tail()}")
        if self._socket is not None:
            return HttpClient(self.url, transport=transport.adapter(self._socket))
        return HttpClient(self.url, transport=transport.pinned_adapter("127.0.0.1", self._port))

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def __repr__(self):
        return f"<SandboxLab code={self.code!r} url={self.url}>"


def _copy_new(source, target):
    """Copy `source` to a new file `target` (never through a link, never over a file)."""
    handle = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    with open(source, "rb") as reader, os.fdopen(handle, "wb") as writer:
        while chunk := reader.read(1 << 20):
            writer.write(chunk)


def _wal_copy(template, target):
    """A copy of the template database that opens in WAL mode (no rollback journal, whose
    file the server could not create in a folder it cannot write)."""
    _copy_new(template, target)
    connection = sqlite3.connect(target)
    try:
        connection.execute("PRAGMA journal_mode=WAL").fetchall()
    finally:
        connection.close()
