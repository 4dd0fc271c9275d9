"""Who reaches what: the lab's routes, and access tables for notebook 04.

- `routes()` walks every named URL pattern of the lab and gives each a concrete path
  to request (sample values for its parameters).
- `PUBLIC_ROUTES`: the routes a visitor without a verified second factor must reach
  (the public bank pages, the ways in and out). `FACTOR_CHANGING_ROUTES`: the routes that
  add, remove or replace a factor; a user with a device needs a recent second factor there
  (exercise 6), a user without one may enrol a first device.
- `access_table(lab, views)` signs in the four kinds of visitor (anonymous, no device,
  a device but an unverified session, verified) and records what each view answers.
- `settings_lines(...)` quotes the lab's own settings/URL files for the notebook.
"""

from dataclasses import dataclass
from pathlib import Path

from lab_project.mfa.routes import FACTOR_CHANGING_ROUTES  # noqa: F401  (the lab's list, re-exported)

# Route name -> why it stays reachable without a verified second factor.
PUBLIC_ROUTES = {
    "bank:home": "public page",
    "bank:rates": "public page",
    "bank:signup": "opening an account",
    "two_factor:login": "the two-factor login wizard",
    "two_factor:profile": "lists the devices; every change on it needs a recent second factor",
    "enrolment_code": "redeeming an administrator's enrolment code (exercise 4)",
    "two_factor:two_factor_webauthn:create_credential": "JavaScript of the WebAuthn setup step",
    "two_factor:two_factor_webauthn:get_credential": "JavaScript of the WebAuthn login step",
    "password_login": "Django's password-only login (signing in is not reaching anything)",
    "logout": "signing out",
    "admin:login": "the admin's login page",
    "admin:logout": "signing out of the admin",
}

# Sample values for URL parameters, tried in order until one reverses.
SAMPLES = {
    "app_label": ["auth", "bank", "mfa", "otp_totp", "otp_static", "otp_email", "phonenumber", "two_factor",
                  "webauthn", "sessions", "contenttypes"],
    "object_id": ["1"],
    "content_type_id": ["1"],
    "pk": ["1"],
    "url": ["no-such-page/"],
}


@dataclass(frozen=True)
class Route:
    name: str  # namespaced, e.g. "bank:dashboard"
    pattern: str
    path: str  # a concrete path to request

    @property
    def public(self):
        return self.name in PUBLIC_ROUTES

    @property
    def changes_factor(self):
        return self.name in FACTOR_CHANGING_ROUTES


def _named_patterns(patterns, prefix="", namespace=None):
    for pattern in patterns:
        if hasattr(pattern, "url_patterns"):
            inner = pattern.namespace
            ns = f"{namespace}:{inner}" if namespace and inner else (inner or namespace)
            yield from _named_patterns(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        elif pattern.name:
            yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), prefix + str(pattern.pattern)


def _group_names(pattern_text):
    import re

    names = re.findall(r"<(?:\w+:)?(\w+)>", pattern_text) + re.findall(r"\(\?P<(\w+)>", pattern_text)
    return list(dict.fromkeys(names))


def _sample_path(name, pattern_text, values):
    import itertools

    from django.urls import NoReverseMatch, reverse

    groups = _group_names(pattern_text)
    choices = [values.get(g) and [values[g]] or SAMPLES.get(g, ["1"]) for g in groups]
    for combination in itertools.product(*choices):
        try:
            return reverse(name, kwargs=dict(zip(groups, combination)))
        except NoReverseMatch:
            continue
    return None


def routes(urlconf=None, **values):
    """Every named route of the lab with a concrete path; `values` fill parameters
    (e.g. number="40000666" for a statement). Routes that cannot be reversed are skipped."""
    from django.urls import get_resolver

    found = {}
    for name, pattern_text in _named_patterns(get_resolver(urlconf).url_patterns):
        path = _sample_path(name, pattern_text, values)
        if path is not None and (name, path) not in found:
            found[(name, path)] = Route(name, pattern_text, path)
    return list(found.values())


# -- backup codes (exercise 3) -----------------------------------------------------------

BACKUP_PAGE = "/account/two_factor/backup/tokens/"
_CODE_ITEM = __import__("re").compile(r"<li><code>([^<]+)</code></li>")

# Alphabets a code may be drawn from, smallest first (codes are compared ignoring case).
ALPHABETS = {
    "digits": "0123456789",
    "hex": "0123456789abcdef",
    "base32": "abcdefghijklmnopqrstuvwxyz234567",
    "crockford base32": "0123456789abcdefghjkmnpqrstvwxyz",
    "letters and digits": "0123456789abcdefghijklmnopqrstuvwxyz",
}


def codes_on(page):
    """The backup codes a backup-codes page lists."""
    import html

    return [html.unescape(code) for code in _CODE_ITEM.findall(page.text)]


def generate_backup_codes(client):
    """Press 'Generate codes' on the backup-codes page; the codes the answer shows."""
    client.get(BACKUP_PAGE)
    return codes_on(client.post(BACKUP_PAGE, {}, follow=True))


def normalise_code(code):
    return "".join(code.split()).replace("-", "").lower()


def alphabet_of(codes):
    """The smallest known alphabet holding every character of the codes: (name, size)."""
    used = set("".join(normalise_code(c) for c in codes))
    for name, letters in ALPHABETS.items():
        if used <= set(letters):
            return name, len(letters)
    return "other", max(len(used), 36)


def entropy_bits(codes):
    """Bits of entropy of the shortest code, if its characters are drawn uniformly."""
    import math

    _, size = alphabet_of(codes)
    return min(len(normalise_code(c)) for c in codes) * math.log2(size)


# -- access tables (notebook 04) ---------------------------------------------------------

# The four kinds of visitor, and the persona who plays each (both staff, for the admin).
VISITORS = {
    "anonymous": (None, False),
    "no device": ("sam", False),
    "device, not verified": ("root", False),
    "verified": ("root", True),
}


def visitor_request(lab, kind, path="/dashboard/"):
    """A GET request as OTPMiddleware leaves it for one kind of visitor."""
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.db import SessionStore
    from django.test import RequestFactory

    username, verified = VISITORS[kind]
    request = RequestFactory(SERVER_NAME="localhost").get(path)
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    user = lab.user(username) if username else AnonymousUser()
    user.otp_device = lab.devices(username)[0] if verified else None
    user.is_verified = lambda: verified
    request.user = user
    return request


def answer(response):
    """'200', '403' or '302 -> /path/' for a response."""
    if hasattr(response, "render") and not getattr(response, "is_rendered", True):
        response.render()
    if response.status_code in (301, 302):
        return f"302 -> {response['Location'].split('?')[0]}"
    return str(response.status_code)


def ok_view(request):
    from django.http import HttpResponse

    return HttpResponse("the page")


def mixin_view():
    """A class-based view protected by two-factor's OTPRequiredMixin."""
    from django.views import View
    from two_factor.views.mixins import OTPRequiredMixin

    class Protected(OTPRequiredMixin, View):
        def get(self, request):
            return ok_view(request)

    return Protected.as_view()


def admin_view(site_class):
    """The admin index of a fresh admin site of `site_class`, as a view."""
    site = site_class(name=f"demo_{site_class.__name__.lower()}")

    def index(request):
        if site.has_permission(request):
            return ok_view(request)
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path(), "/admin/login/")

    return index


def protections():
    """The ways notebook 04 compares, each as a view: name -> view."""
    from django.contrib.admin import AdminSite
    from django.contrib.auth.decorators import login_required
    from django_otp.decorators import otp_required
    from two_factor.admin import AdminSiteOTPRequired

    return {
        "login_required": login_required(ok_view),
        "otp_required": otp_required(ok_view),
        "otp_required(if_configured=True)": otp_required(ok_view, if_configured=True),
        "OTPRequiredMixin": mixin_view(),
        "AdminSite (two-factor's patch)": admin_view(AdminSite),
        "AdminSiteOTPRequired": admin_view(AdminSiteOTPRequired),
    }


def access_table(lab, views=None):
    """{protection: {visitor kind: answer}} for every kind of visitor in VISITORS."""
    views = views or protections()
    return {name: {kind: answer(view(visitor_request(lab, kind))) for kind in VISITORS}
            for name, view in views.items()}


def format_table(table):
    """The access table as aligned text, one protection per line."""
    kinds = list(VISITORS)
    first = max(len(name) for name in table) + 2
    widths = [max(len(kind), *(len(row[kind]) for row in table.values())) + 2 for kind in kinds]
    lines = ["".ljust(first) + "".join(k.ljust(w) for k, w in zip(kinds, widths))]
    for name, row in table.items():
        lines.append(name.ljust(first) + "".join(row[k].ljust(w) for k, w in zip(kinds, widths)))
    return "\n".join(line.rstrip() for line in lines)


# -- the lab's own files ---------------------------------------------------------------

def settings_lines(*words, path="lab_project/settings.py"):
    """The lines of a lab file (settings.py by default) that mention any of `words`."""
    import lab_project

    file = Path(lab_project.__file__).resolve().parent.parent / path
    return [line for line in file.read_text().splitlines() if any(w in line for w in words)]
