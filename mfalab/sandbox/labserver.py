"""The lab bank with the learner's code, served from a sandbox process.

    with SandboxLab("solutions") as lab:       # or "exercises", or a submission folder
        client = lab.login("alice")             # over HTTP, through the real wizards
        lab.user("alice")                       # the lab's database, read from here

The server process runs the learner's code under limits, in a throwaway directory;
this process only sends HTTP requests and reads the lab's database file.
"""

import itertools
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from .. import database
from ..client import HttpClient
from ..lab import Lab, check_code_source
from .limits import Limits, kill_group
from .proxy import SandboxCrashed, SandboxTimeout
from .zygote import ENVIRONMENT as ZYGOTE
from .zygote import spawn

_aliases = itertools.count(1)


def lab_environment(code, db):
    """The whole environment of a process that serves the lab: its settings, nothing else."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8", "PYTHONDONTWRITEBYTECODE": "1",
        "DJANGO_SETTINGS_MODULE": "lab_project.settings", "MFALAB_CODE": code, "MFALAB_DB": str(db),
        "MFALAB_VAR": str(database.VAR), "MFALAB_LOG_LEVEL": "WARNING",
    }


class SandboxLab(Lab):
    def __init__(self, code="exercises", *, start_timeout=30.0, limits=Limits(cpu_seconds=120)):
        super().__init__(code=check_code_source(code), alias=f"sandbox_lab_{next(_aliases)}")
        self.start_timeout, self.limits = start_timeout, limits
        self._workdir = None
        self._process = None
        self.url = None

    def start(self):
        self._workdir = tempfile.TemporaryDirectory(prefix="mfalab-lab-")
        self.db_path = Path(self._workdir.name) / "lab.sqlite3"
        database.fresh_copy(self.db_path)
        zygote = os.environ.get(ZYGOTE)
        if zygote:  # a grader's pre-warmed parent forks the server (milliseconds, not a second)
            self._process = spawn(zygote, self.code, self._workdir.name, self.limits)
        else:
            self._process = subprocess.Popen(
                [sys.executable, "-I", "-m", "mfalab.sandbox.labserver"],
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                cwd=self._workdir.name, env=lab_environment(self.code, self.db_path),
                preexec_fn=self.limits.apply, close_fds=True,
            )
        try:
            port = self._wait_ready()
        except Exception:
            self.stop()
            raise
        self.url = f"http://localhost:{port}"
        database.attach(self.db_path, self.alias)
        return self

    def _wait_ready(self):
        import selectors

        with selectors.DefaultSelector() as selector:
            selector.register(self._process.stdout, selectors.EVENT_READ)
            if not selector.select(self.start_timeout):
                raise SandboxTimeout(f"The lab with {self.code!r} did not start within {self.start_timeout:g} s "
                                     f"(an endless loop at import?).{self._output_tail()}")
        try:
            return int(json.loads(self._process.stdout.readline(65536))["port"])
        except (ValueError, KeyError, TypeError):
            raise SandboxCrashed(f"The lab with {self.code!r} did not start.{self._output_tail()}") from None

    def _output_tail(self):
        path = Path(self._workdir.name) / "output.txt" if self._workdir else None
        if path and path.exists():
            return "\nIts output ends:\n" + path.read_text(errors="replace")[-1500:]
        return ""

    @property
    def output(self):
        return self._output_tail()

    def reset(self):
        """Start again from the seeded database; the server (and the learner's code) keeps running.

        The file is overwritten in place, so it keeps the owner a sandbox user gave it.
        Between requests the server holds no database connection (Django closes it when a
        request finishes), so no one sees the swap half done.
        """
        if self._process is None or self._process.poll() is not None:  # it died: a new one
            self.stop()
            return self.start()
        from django.db import connections

        connections[self.alias].close()
        for suffix in ("-wal", "-shm"):
            Path(f"{self.db_path}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(database.ensure_template(), self.db_path)
        return self

    def stop(self):
        database.detach(self.alias)
        if self._process is not None:
            kill_group(self._process)
            self._process.stdout.close()
            self._process = None
        if self._workdir is not None:
            self._workdir.cleanup()
            self._workdir = None

    def client(self):
        if self._process is None or self._process.poll() is not None:
            raise SandboxCrashed(f"The lab server is not running.{self._output_tail()}")
        return HttpClient(self.url)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def __repr__(self):
        return f"<SandboxLab code={self.code!r} url={self.url}>"


def lab_server():
    """The lab's WSGI app, with the learner's hooks loaded, on a free localhost port."""
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.core.wsgi import get_wsgi_application
    from django.urls import get_resolver

    from mfalab.liveserver import make_server

    application = get_wsgi_application()  # builds the middleware chain (exercise 4)
    get_resolver().url_patterns  # imports the URLconf (exercise 2)  # noqa: B018
    return make_server(0, StaticFilesHandler(application))


def serve():
    """In the child: load the lab (and so the learner's code), then serve it."""
    from mfalab.sandbox.child import isolate_stdio

    _requests, answers = isolate_stdio()
    import django

    django.setup()
    server = lab_server()
    answers.write(json.dumps({"port": server.server_address[1]}) + "\n")
    answers.flush()
    server.serve_forever()


if __name__ == "__main__":
    serve()
