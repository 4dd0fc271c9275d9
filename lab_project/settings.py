"""Settings for the MFA Lab bank.

LAB ONLY. The secret key, the demo passwords and the demo TOTP secrets are public:
never deploy this project as a real service.

Read top to bottom: where files live, which code the lab runs, apps, middleware,
database, two-factor settings, the lab's own outboxes.
"""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
REPO_DIR = BASE_DIR.parent
VAR_DIR = Path(os.environ.get("MFALAB_VAR", REPO_DIR / "var"))

SECRET_KEY = os.environ.get("MFALAB_SECRET_KEY", "lab-only-insecure-key-9f2c1d7e5b3a4c6d8e0f")
DEBUG = os.environ.get("MFALAB_DEBUG", "1") == "1"
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]", "testserver"]
ALLOWED_HOSTS += [h for h in os.environ.get("MFALAB_ALLOWED_HOSTS", "").split(",") if h]

# Which code the lab runs for the exercises: "exercises" (the learner's, default),
# "solutions" (the reference), "naive" (none: the built-in naive behaviour), or the
# path of a student submission folder. See lab_project/mfa/exercise_code.py.
LAB_CODE = os.environ.get("MFALAB_CODE", "exercises")
if LAB_CODE not in ("exercises", "solutions", "naive") and not Path(LAB_CODE).is_dir():
    raise ImproperlyConfigured(
        f"MFALAB_CODE={LAB_CODE!r} is not a folder. Use 'exercises', 'solutions', "
        "'naive', or the path of a folder that holds ex01_totp.py ... ex06_step_up.py."
    )

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # django-otp: the devices (TOTP, static backup tokens, email codes).
    "django_otp",
    "django_otp.plugins.otp_static",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_email",
    # django-two-factor-auth: the login and setup wizards, and its plugins.
    "two_factor",
    "two_factor.plugins.phonenumber",
    "two_factor.plugins.email",
    "two_factor.plugins.webauthn",
    # The lab's own apps.
    "lab_project.bank",
    "lab_project.mfa",
    "lab_project.guard",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Exercise 4: the MFA policy for privileged users (a no-op until it is written).
    "lab_project.mfa.policy.PrivilegedUserPolicy",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "lab_project.urls"
WSGI_APPLICATION = "lab_project.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "lab_project.mfa.context_processors.lab",
            ],
        },
    },
]

# One SQLite file per lab instance; the toolkit points MFALAB_DB at a fresh copy.
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("MFALAB_DB", str(VAR_DIR / "lab.sqlite3")),
        # IMMEDIATE: a transaction takes SQLite's write lock when it begins, so the lab's
        # read-check-write of one-time state (lab_project.guard) is serialised.
        "OPTIONS": {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE"},
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# A fast hasher (MD5) makes the lab's many logins with public demo passwords cheap; a real site
# keeps Django's default. Backup codes never use it: lab_project.mfa.hashers.BackupCodeHasher.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if os.environ.get("MFALAB_FAST_HASHER", "1") == "1":
    PASSWORD_HASHERS.insert(0, "django.contrib.auth.hashers.MD5PasswordHasher")
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"

# Login: two-factor's wizard is the front door. The plain password-only view at
# /accounts/login/ stays reachable, as in many tutorials: exercise 2 makes it harmless.
LOGIN_URL = "two_factor:login"
LOGIN_REDIRECT_URL = "bank:dashboard"
LOGOUT_REDIRECT_URL = "bank:home"

# django-otp
OTP_TOTP_ISSUER = "MFA Lab Bank"
OTP_EMAIL_SENDER = "security@bank.lab"
OTP_EMAIL_SUBJECT = "Your MFA Lab Bank sign-in code"

# django-two-factor-auth
TWO_FACTOR_SMS_GATEWAY = "lab_project.mfa.outbox.OutboxGateway"
TWO_FACTOR_CALL_GATEWAY = "lab_project.mfa.outbox.OutboxGateway"
TWO_FACTOR_WEBAUTHN_RP_NAME = "MFA Lab Bank"
TWO_FACTOR_WEBAUTHN_RP_ID = "localhost"
# The origin security-key sign-ins must come from, pinned here and never read from the
# request's Host header. Lab servers that mfalab starts register their own
# (lab_project.guard.origins); this is runserver's default address.
LAB_ORIGIN = os.environ.get("MFALAB_ORIGIN", "http://localhost:8000")
PHONENUMBER_DEFAULT_REGION = "GB"

# Mail never leaves the lab: every message lands in the outbox table.
EMAIL_BACKEND = "lab_project.mfa.outbox.OutboxEmailBackend"
DEFAULT_FROM_EMAIL = "security@bank.lab"

# Exercise 4: how long a newly privileged user may work before MFA is required.
LAB_MFA_GRACE_PERIOD_DAYS = int(os.environ.get("MFALAB_GRACE_DAYS", "7"))

# How long the lab waits for a learner's verifier (ex01 verify_totp, ex05 verify_assertion)
# before it refuses that sign-in.
LAB_EXERCISE_TIMEOUT = float(os.environ.get("MFALAB_EXERCISE_TIMEOUT", "2"))
# The hardened lab's SMS and voice policy: at most N codes sent to one user per S seconds
# of the lab clock ("N/S"; "off" for none). On with the solutions, off otherwise, so the
# naive lab still shows the flood. No exercise stops a flood: this setting does.
_SEND_LIMIT = os.environ.get("MFALAB_SMS_SEND_LIMIT", "3/600" if LAB_CODE == "solutions" else "off")
LAB_SMS_SEND_LIMIT = None if _SEND_LIMIT == "off" else tuple(int(n) for n in _SEND_LIMIT.split("/"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"lab": {"format": "[lab] %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "lab", "stream": "ext://sys.stdout"}},
    "loggers": {
        "lab": {"handlers": ["console"], "level": os.environ.get("MFALAB_LOG_LEVEL", "WARNING")},
        "django.server": {"handlers": [], "level": "ERROR", "propagate": False},
        # Attacks and route sweeps ask for pages that answer 4xx on purpose; only 5xx is news.
        "django.request": {"level": "ERROR"},
    },
}
