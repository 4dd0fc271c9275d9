"""Production-shaped settings: what `manage.py check --deploy` expects.

The lab is for teaching and never runs as a service, but its settings show what a real
deployment would change. Every value that must be secret comes from the environment.
"""

import os

from .settings import *  # noqa: F403

DEBUG = False
SECRET_KEY = os.environ.get("MFALAB_SECRET_KEY", "")
if len(SECRET_KEY) < 50:
    # Only for `check --deploy` in the test suite: a long random key, never a fixed one.
    import secrets

    SECRET_KEY = secrets.token_urlsafe(64)
ALLOWED_HOSTS = [h for h in os.environ.get("MFALAB_ALLOWED_HOSTS", "bank.example").split(",") if h]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]

SECURE_SSL_REDIRECT = True
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
TWO_FACTOR_WEBAUTHN_RP_ID = os.environ.get("MFALAB_RP_ID", "bank.example")
