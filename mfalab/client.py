"""One small browser-like client for the lab, in-process or over HTTP.

`InProcessClient` wraps Django's test client (fast, inside a notebook kernel);
`HttpClient` talks to a lab served on localhost (a live server, a sandbox process).
Both return a `Page` and keep cookies, and the HTTP one sends the CSRF token the way a
browser's form would. Wizard helpers (mfalab.wizards) and attacks use either.
"""

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Page:
    status: int
    url: str  # the path (and query) that answered
    text: str
    headers: dict = field(default_factory=dict, repr=False)
    redirects: list = field(default_factory=list)  # the paths passed through on the way

    @property
    def location(self):
        return self.headers.get("Location", "")

    @property
    def path(self):
        return urlsplit(self.url).path

    def __contains__(self, text):
        return text in self.text


class InProcessClient:
    """Django's test client with the lab's host name, so WebAuthn's RP ID matches."""

    host = "localhost"
    origin = f"http://{host}"

    def __init__(self):
        from django.test import Client

        self._client = Client(SERVER_NAME=self.host)
        self.base_url = f"http://{self.host}"

    def get(self, path, *, follow=False, **params):
        return self._page(self._client.get(path, params or None, follow=follow), path)

    def post(self, path, data=None, *, follow=False):
        return self._page(self._client.post(path, data or {}, follow=follow), path)

    def cookie(self, name):
        morsel = self._client.cookies.get(name)
        return morsel.value if morsel else None

    @property
    def session(self):
        return self._client.session

    def _page(self, response, path):
        url = response.request.get("PATH_INFO", path)
        query = response.request.get("QUERY_STRING")
        if query:
            url += "?" + query
        chain = [hop for hop, _ in getattr(response, "redirect_chain", [])]
        body = response.content if not getattr(response, "streaming", False) else b"".join(response.streaming_content)
        text = body.decode("utf-8", "replace")
        return Page(response.status_code, url, text, dict(response.headers.items()), chain)


class HttpClient:
    """A requests session against a served lab, posting forms with their CSRF token."""

    def __init__(self, base_url, timeout=30, *, host=None, transport=None):
        """host: send this Host header (and a matching Origin) instead of base_url's, as a
        relay that forges it would; the connection still goes to base_url.
        transport: a requests adapter every request goes through, whatever its URL (a
        sandboxed lab's Unix socket, or one pinned loopback port)."""
        import requests

        self.base_url = base_url.rstrip("/")  # may carry a path prefix (behind a proxy)
        parts = urlsplit(self.base_url)
        self.origin = f"{parts.scheme}://{parts.netloc}"
        self.prefix = parts.path
        self.timeout = timeout
        self._session = requests.Session()
        self._session.headers["User-Agent"] = "mfalab-client"
        self.claimed_origin = f"{parts.scheme}://{host}" if host else self.origin
        if host:
            self._session.headers["Host"] = host
        if transport is not None:
            for scheme in ("http://", "https://"):  # a redirect elsewhere still reaches this lab only
                self._session.mount(scheme, transport)

    def _url(self, path):
        """A lab path ("/dashboard/"), or one the server sent that already has the prefix."""
        if self.prefix and path.startswith(self.prefix + "/"):
            return self.origin + path
        return urljoin(self.base_url + "/", path.lstrip("/"))

    def get(self, path, *, follow=False, **params):
        response = self._session.get(self._url(path), params=params or None, allow_redirects=follow,
                                     timeout=self.timeout)
        return self._page(response)

    def post(self, path, data=None, *, follow=False):
        data = dict(data or {})
        token = self.cookie("csrftoken")
        if token and "csrfmiddlewaretoken" not in data:
            data["csrfmiddlewaretoken"] = token
        response = self._session.post(self._url(path), data=data, allow_redirects=follow, timeout=self.timeout,
                                      headers={"Origin": self.claimed_origin, "Referer": self._url(path)})
        return self._page(response)

    def cookie(self, name):
        return self._session.cookies.get(name)

    def _page(self, response):
        def local(url):
            parts = urlsplit(url)
            return parts.path + (f"?{parts.query}" if parts.query else "")

        chain = [local(r.url) for r in response.history]
        return Page(response.status_code, local(response.url), response.text, dict(response.headers), chain)
