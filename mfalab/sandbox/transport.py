"""How a sandboxed lab server is reached: HTTP over a Unix socket, or a pinned address.

A sandboxed lab server lives in a network namespace of its own (no interface is up,
not even loopback): no other sandbox can reach it, and it cannot reach anything. The
starter binds a Unix socket in a folder only it can enter, hands the listening socket
to the server, and talks to it with `UnixAdapter`, which sends every request of a
requests session (whatever its URL says) down that socket. No host name is resolved
and no TCP port is opened, so nothing can listen in the lab's place.

Without isolation the server listens on 127.0.0.1:PORT, and `pinned_adapter` connects
there whatever name a URL carries (`localhost` may resolve to [::1] first, where any
local user could listen).
"""

import socket

# What the lab sees in Host and Origin (WebAuthn needs a host name, not an address).
# No such port is opened and the name is never resolved: every request goes down the socket.
NOMINAL_URL = "http://localhost:8000"


def bind(path):
    """A listening Unix socket at `path`, mode 0600 (the binder's user alone may connect)."""
    import os

    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    old = os.umask(0o177)
    try:
        listener.bind(str(path))
    finally:
        os.umask(old)
    listener.listen(64)
    return listener


def make_server(listener, app):
    """A threaded WSGI server for `app` on an already listening Unix socket."""
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler

    class QuietHandler(WSGIRequestHandler):
        def log_message(self, *args):
            pass

    class UnixWSGIServer(ThreadedWSGIServer):
        address_family = socket.AF_UNIX

        def server_bind(self):  # already bound by the starter
            self.server_name, self.server_port = "localhost", 8000
            self.setup_environ()

        def server_activate(self):  # already listening
            pass

        def get_request(self):
            connection, _ = self.socket.accept()
            return connection, ("127.0.0.1", 0)

    server = UnixWSGIServer(("127.0.0.1", 0), QuietHandler, bind_and_activate=False, allow_reuse_address=False)
    server.socket.close()
    server.socket = listener
    server.server_bind()
    server.set_app(app)
    return server


def adapter(path):
    """A requests transport adapter that sends everything to the Unix socket at `path`."""
    return _adapter(socket.AF_UNIX, str(path))


def pinned_adapter(host, port):
    """A requests transport adapter that sends everything to TCP `host`:`port`."""
    return _adapter(socket.AF_INET, (host, port), nodelay=True)


def _adapter(family, address, nodelay=False):
    import requests.adapters
    import urllib3
    from urllib3.connection import HTTPConnection

    class FixedConnection(HTTPConnection):
        def _new_conn(self):
            sock = socket.socket(family, socket.SOCK_STREAM)
            if isinstance(self.timeout, (int, float)):
                sock.settimeout(self.timeout)
            try:
                if nodelay:
                    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                sock.connect(address)
            except OSError:
                sock.close()
                raise
            return sock

    class FixedPool(urllib3.HTTPConnectionPool):
        ConnectionCls = FixedConnection

    class FixedAdapter(requests.adapters.HTTPAdapter):
        """One pool per host:port a URL names (it sets the Host header); every pool
        connects to `address`."""

        def __init__(self):
            super().__init__()
            self.pools = {}

        def get_connection_with_tls_context(self, request, verify, proxies=None, cert=None):
            return self.get_connection(request.url)

        def get_connection(self, url, proxies=None):
            from urllib.parse import urlsplit

            parts = urlsplit(url)
            key = (parts.hostname or "127.0.0.1", parts.port or 80)
            if key not in self.pools:
                self.pools[key] = FixedPool(*key, maxsize=4)
            return self.pools[key]

        def close(self):
            for pool in self.pools.values():
                pool.close()
            super().close()

    return FixedAdapter()
