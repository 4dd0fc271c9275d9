"""Settings for the lab served behind jupyter-server-proxy (JupyterLab, JupyterHub, Binder).

mfalab.proxy starts waitress with `url_prefix` = the Jupyter server's base URL + "mfalab"
(e.g. /user/alice/mfalab): waitress moves the prefix into SCRIPT_NAME, so Django's
reverse() and {% url %} links carry it, and the proxy never has to rewrite Location.
"""

import os
from urllib.parse import urlsplit

from .settings import *  # noqa: F403

URL_PREFIX = "/" + os.environ.get("MFALAB_URL_PREFIX", "/mfalab").strip("/")

# The lab's origin, as the learner's browser shows it: mfalab.proxy passes it from the
# Jupyter server's configuration (JupyterHub's public URL, or the server's own port), or
# MFALAB_ORIGIN sets it. The allowed hosts and the WebAuthn RP ID follow from it; the
# request's Host header never decides them. (Only the learner's own authenticated Jupyter
# server reaches this process: it listens on a Unix socket in a private folder.)
LAB_ORIGIN = os.environ.get("MFALAB_ORIGIN", "http://localhost:8888")
LAB_HOST = urlsplit(LAB_ORIGIN).hostname
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]", LAB_HOST]
ALLOWED_HOSTS += [h for h in os.environ.get("MFALAB_ALLOWED_HOSTS", "").split(",") if h]

# Static files and cookies live under the prefix, not at "/" of a host shared with
# Jupyter and every other proxied app.
STATIC_URL = URL_PREFIX + "/static/"
SESSION_COOKIE_PATH = URL_PREFIX + "/"
CSRF_COOKIE_PATH = URL_PREFIX + "/"

# Behind a hub's TLS the browser's Origin is https://...: waitress (mfalab.proxy) trusts
# the X-Forwarded-Proto that its only client, the Jupyter proxy, passes on and sets the
# request's scheme from it, so CSRF's origin check compares like with like.

# WebAuthn's relying party is the lab's host (a hub's name, or localhost), unless set explicitly.
TWO_FACTOR_WEBAUTHN_RP_ID = os.environ.get("MFALAB_RP_ID") or LAB_HOST

# two-factor's "remember this device" cookie, if a course turns it on, stays under the prefix too.
TWO_FACTOR_REMEMBER_COOKIE_PATH = URL_PREFIX + "/"
