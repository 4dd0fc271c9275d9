"""The origin a security-key sign-in must come from: the lab's configuration, never the
request's Host header (which a relay sets to whatever it likes: ALLOWED_HOSTS ignores ports).

Each lab server mfalab starts registers the origin it serves (`serving`); a request is
matched to its server by SERVER_PORT, which the server sets from its own socket. Anything
else (runserver, the Jupyter proxy) uses settings.LAB_ORIGIN (MFALAB_ORIGIN).
"""

from urllib.parse import urlsplit

from django.conf import settings

_served = []


def serving(origin):
    if origin not in _served:
        _served.append(origin)


def stopped(origin):
    if origin in _served:
        _served.remove(origin)


def _port(origin):
    parts = urlsplit(origin)
    return parts.port or (443 if parts.scheme == "https" else 80)


def expected_origin(request):
    port = str(request.META.get("SERVER_PORT", ""))
    return next((origin for origin in _served if str(_port(origin)) == port), settings.LAB_ORIGIN)


def rp_id():
    return settings.TWO_FACTOR_WEBAUTHN_RP_ID or urlsplit(settings.LAB_ORIGIN).hostname
