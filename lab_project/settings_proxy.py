"""Settings for the lab served behind jupyter-server-proxy (JupyterLab, JupyterHub, Binder).

mfalab.proxy starts waitress with `url_prefix` = the Jupyter server's base URL + "mfalab"
(e.g. /user/alice/mfalab): waitress moves the prefix into SCRIPT_NAME, so Django's
reverse() and {% url %} links carry it, and the proxy never has to rewrite Location.
"""

import os

from .settings import *  # noqa: F403

URL_PREFIX = "/" + os.environ.get("MFALAB_URL_PREFIX", "/mfalab").strip("/")

# The proxy passes the browser's Host through (a hub's name is not known in advance).
# Only the learner's own authenticated Jupyter server reaches this process: it listens
# on a Unix socket in a private folder (see mfalab.proxy).
ALLOWED_HOSTS = ["*"]

# Static files and cookies live under the prefix, not at "/" of a host shared with
# Jupyter and every other proxied app.
STATIC_URL = URL_PREFIX + "/static/"
SESSION_COOKIE_PATH = URL_PREFIX + "/"
CSRF_COOKIE_PATH = URL_PREFIX + "/"

# Behind a hub's TLS the browser's Origin is https://...: waitress (mfalab.proxy) trusts
# the X-Forwarded-Proto that its only client, the Jupyter proxy, passes on and sets the
# request's scheme from it, so CSRF's origin check compares like with like.

# WebAuthn's relying party is the host the learner's browser shows (a hub's name, or
# localhost), unless set explicitly.
TWO_FACTOR_WEBAUTHN_RP_ID = os.environ.get("MFALAB_RP_ID") or None

# two-factor's "remember this device" cookie, if a course turns it on, stays under the prefix too.
TWO_FACTOR_REMEMBER_COOKIE_PATH = URL_PREFIX + "/"
