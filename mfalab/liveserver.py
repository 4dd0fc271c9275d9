"""Serve a lab on localhost from a thread of this process (notebooks, browsers)."""

import errno
import threading

LOCALHOST = "127.0.0.1"


class PortInUse(OSError):
    pass


def few_malloc_arenas(arenas=2):
    """Cap glibc's malloc arenas. Each thread that allocates may get an arena of its own, 64 MB of
    address space each: under a sandbox's address-space limit (1 GiB) a server ran out at
    about 15 request threads and dropped the connections of parallel requests."""
    import ctypes
    import sys

    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None).mallopt(-8, arenas)  # M_ARENA_MAX
        except (OSError, AttributeError):
            pass  # not glibc


def make_server(port=0, app=None, *, lab=None):
    """A threaded WSGI server for the lab's app (or `app`) on 127.0.0.1:`port` (0: a free one).

    lab: whether `app` serves the lab, whose origin security keys must then report (by
    default, when no app is given: the lab's own; a relay's app is not).

    It answers only this user's connections (and root's): another user of the machine gets
    the connection closed, never a page (mfalab.peers).

    Nagle's algorithm is off: Python's HTTP handler writes headers and body separately,
    and with Nagle on each small response waits out the client's 40 ms delayed ACK.
    """
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler

    from .peers import same_user

    class QuietHandler(WSGIRequestHandler):
        disable_nagle_algorithm = True

        def log_message(self, *args):
            pass

    class OwnUserServer(ThreadedWSGIServer):
        """Serves only connections from this user (or root): see mfalab.peers."""

        def verify_request(self, request, client_address):
            return same_user(self.server_address[1], client_address)

    few_malloc_arenas()
    try:
        server = OwnUserServer((LOCALHOST, port), QuietHandler, allow_reuse_address=False)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise PortInUse(error.errno, f"Port {port} is already in use: pass port=0 for a free one, "
                                         "or stop whatever listens there.") from None
        raise
    if lab is None:
        lab = app is None
    server.set_app(app or StaticFilesHandler(WSGIHandler()))
    if lab:
        from lab_project.guard.origins import serving

        serving(origin(server.server_address[1]))
    return server


def origin(port):
    return f"http://localhost:{port}"


class LiveServer:
    """The lab's WSGI app (or `app`) on http://localhost:PORT, in a background thread.

    port=0 picks a free port. Use as a context manager, or call stop().
    """

    def __init__(self, port=0, app=None):
        self._server = make_server(port, app)
        self.port = self._server.server_address[1]
        self.url = origin(self.port)
        # stop() waits for the loop to notice: poll every 50 ms, not socketserver's 500 ms.
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name=f"lab-{self.port}", daemon=True)
        self._thread.start()

    def stop(self):
        from lab_project.guard.origins import stopped

        stopped(self.url)
        if self._thread.is_alive():
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)

    @property
    def running(self):
        return self._thread.is_alive()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

    def __repr__(self):
        return f"<LiveServer {self.url} {'running' if self.running else 'stopped'}>"
