"""The serving side of a sandboxed lab: what runs in the server process, learner code included.

    python -I -m mfalab.sandbox.labapp      (started by SandboxLab when no zygote runs)

Both ways of starting a lab server (a fresh interpreter, or a fork of the pre-warmed
zygote) end in `serve()`: load the lab (and so the learner's hooks), say "ready" on the
private line to the starter, serve until killed.
"""

import json
import os

LISTEN_FD = "MFALAB_LISTEN_FD"  # a Unix socket the starter bound and handed over


def lab_environment(code, db):
    """The whole environment of a process that serves the lab: its settings, nothing else."""
    from .. import database

    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8", "PYTHONDONTWRITEBYTECODE": "1",
        "DJANGO_SETTINGS_MODULE": "lab_project.settings", "MFALAB_CODE": code, "MFALAB_DB": str(db),
        "MFALAB_VAR": str(database.VAR), "MFALAB_LOG_LEVEL": "WARNING",
    }


def lab_server(listener=None):
    """The lab's WSGI app, with the learner's hooks loaded: on `listener` (a listening Unix
    socket), or on a free 127.0.0.1 port."""
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.core.wsgi import get_wsgi_application
    from django.urls import get_resolver

    from lab_project.mfa import freshness

    from .watchdog import Watchdog

    application = get_wsgi_application()  # builds the middleware chain (exercise 4)
    get_resolver().url_patterns  # imports the URLconf (exercise 2)  # noqa: B018
    application = Watchdog(StaticFilesHandler(application), freshness.files)
    if listener is not None:
        from .transport import NOMINAL_URL, make_server

        try:
            from lab_project.guard.origins import serving
        except ImportError:  # a lab without pinned origins
            pass
        else:
            serving(NOMINAL_URL)  # the origin security keys must report to this server
        return make_server(listener, application)
    from mfalab.liveserver import make_server

    return make_server(0, application, lab=True)


def serve(answers, listener=None):
    """Load the lab, tell the starter it is ready ({"port": N}, or {"port": null} on a Unix
    socket) on `answers`, then serve forever."""
    server = lab_server(listener)
    port = None if listener is not None else server.server_address[1]
    answers.write(json.dumps({"port": port}) + "\n")
    answers.flush()
    answers.close()
    server.serve_forever()


def main():
    import socket

    import django

    from .child import isolate_stdio
    from .references import block

    _requests, answers = isolate_stdio()
    block()
    fd = os.environ.pop(LISTEN_FD, "")
    listener = socket.socket(fileno=int(fd)) if fd else None
    django.setup()
    serve(answers, listener)


if __name__ == "__main__":
    main()
