"""The lab bank inside JupyterLab: a jupyter-server-proxy entry and the server it starts.

jupyter-server-proxy finds `setup_lab_server` through the `jupyter_serverproxy_servers`
entry point (pyproject.toml) and adds a launcher tile. On the first request to
{base_url}mfalab/ it runs

    python -m mfalab.proxy --unix-socket {unix_socket} --url-prefix {base_url}mfalab

which serves the lab with waitress on a Unix socket in a fresh private folder (mode
0700, socket 0600): only the learner's own Jupyter server, after checking the learner's
token or cookie, can reach it. No TCP port is opened, so no other learner on a shared
machine (The Littlest JupyterHub) can connect, and no port can be "already in use".
The proxy forwards the full path (`absolute_url`); waitress strips the fixed prefix
into SCRIPT_NAME, so links, redirects, static files and cookies all carry it.
"""

import argparse
import errno
import os
import socket
import stat
import sys
from pathlib import Path

NAME = "mfalab"
SETTINGS = "lab_project.settings_proxy"


def setup_lab_server():
    """jupyter-server-proxy's server config for the lab bank."""
    return {
        "command": [sys.executable, "-m", "mfalab.proxy", "--unix-socket", "{unix_socket}",
                    "--url-prefix", "{base_url}" + NAME],
        "unix_socket": True,
        "absolute_url": True,
        "environment": {"MFALAB_ORIGIN": jupyter_origin()},  # hosts and WebAuthn origin (settings_proxy)
        "timeout": 120,  # the first start may build the lab database (seconds)
        "new_browser_tab": True,
        "launcher_entry": {"title": "MFA Lab Bank", "path_info": NAME + "/", "category": "Other"},
    }


def jupyter_origin():
    """The origin learners' browsers use for this Jupyter server: MFALAB_ORIGIN, else JupyterHub's
    public URL, else the running Jupyter server's own address, else http://localhost:8888."""
    from urllib.parse import urlsplit

    for variable in ("MFALAB_ORIGIN", "JUPYTERHUB_PUBLIC_URL", "JUPYTERHUB_HOST"):
        parts = urlsplit(os.environ.get(variable, ""))
        if parts.scheme and parts.netloc:
            return f"{parts.scheme}://{parts.netloc}"
    try:
        from jupyter_server.serverapp import ServerApp

        if ServerApp.initialized() and ServerApp.instance().port:
            app = ServerApp.instance()
            scheme = "https" if app.certfile else "http"
            return f"{scheme}://localhost:{app.port}"
    except Exception:  # noqa: BLE001 (no Jupyter server in this process)
        pass
    return "http://localhost:8888"


class UnsafeSocketFolder(RuntimeError):
    pass


def check_private_folder(socket_path):
    """Refuse a socket folder that other users could enter: the socket would be theirs too."""
    folder = Path(socket_path).parent
    info = folder.stat()
    if info.st_uid != os.getuid() or stat.S_IMODE(info.st_mode) & 0o077:
        raise UnsafeSocketFolder(
            f"{folder} is open to other users (mode {stat.S_IMODE(info.st_mode):o}); the lab "
            "listens only in a private folder (mode 700) so no other learner can reach it.")


def check_port_free(port):
    """A clear message instead of a traceback when a TCP port is taken."""
    probe = socket.socket()
    try:
        probe.bind(("127.0.0.1", port))
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise SystemExit(f"mfalab.proxy: port {port} on 127.0.0.1 is already in use. Stop whatever "
                             "listens there, pick another --port, or use --unix-socket (the default "
                             "behind jupyter-server-proxy), which never clashes.") from None
        raise
    finally:
        probe.close()


def lab_database():
    """The learner's lab database (MFALAB_DB, else var/lab.sqlite3), made on first start."""
    from . import database

    path = Path(os.environ.get("MFALAB_DB") or database.VAR / "lab.sqlite3")
    if not path.exists():
        database.fresh_copy(path)
    os.environ["MFALAB_DB"] = str(path)
    return path


def application(url_prefix):
    """The lab's WSGI app, with its static files served under {prefix}/static/."""
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
    os.environ["MFALAB_URL_PREFIX"] = url_prefix
    import django

    django.setup()
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.core.wsgi import get_wsgi_application

    from django.contrib.staticfiles.views import serve

    class PrefixedStatic(StaticFilesHandler):
        # waitress has already moved the prefix into SCRIPT_NAME: match PATH_INFO.
        def get_base_url(self):
            return "/static/"

        def serve(self, request):
            return serve(request, self.file_path(request.path_info), insecure=True)

    return PrefixedStatic(get_wsgi_application())


def parse(argv):
    parser = argparse.ArgumentParser(prog="python -m mfalab.proxy", description=__doc__.split("\n\n")[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--unix-socket", help="listen on this Unix socket (its folder must be private)")
    where.add_argument("--port", type=int, help="listen on 127.0.0.1:PORT instead (single-user machines only)")
    parser.add_argument("--url-prefix", default="/" + NAME, help="the path the proxy serves the lab under")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse(argv)
    prefix = "/" + args.url_prefix.strip("/")
    if args.unix_socket:
        check_private_folder(args.unix_socket)
        where = {"unix_socket": args.unix_socket, "unix_socket_perms": "600"}
    else:
        check_port_free(args.port)
        where = {"host": "127.0.0.1", "port": args.port}
    lab_database()
    app = application(prefix)
    import waitress

    print(f"MFA Lab Bank at {prefix}/ on {args.unix_socket or f'127.0.0.1:{args.port}'}", flush=True)
    waitress.serve(app, url_prefix=prefix, threads=4, ident="mfalab",
                   # The only client is the Jupyter proxy: trust the scheme it passes on.
                   trusted_proxy="*", trusted_proxy_headers={"x-forwarded-proto"},
                   clear_untrusted_proxy_headers=True, **where)
    return 0


if __name__ == "__main__":
    sys.exit(main())
