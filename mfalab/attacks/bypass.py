"""2FA simple bypass: skip the second step by signing in where no second step is asked.

The lab leaves Django's plain LoginView open at /accounts/login/ (as many projects
do next to the two-factor wizard). The attacker has the victim's password, nothing
else, and tries what an attacker tries: every route of the lab, by GET and by POST
(a wizard may refuse a GET and still take a POST). The attack succeeds when any route
outside the public list (mfalab.enforcement.PUBLIC_ROUTES) answers 200: a sensitive
page, or a factor-changing page that should have asked for a second factor.
"""

from .. import wizards
from .results import AttackResult, factor_name, lab_name, stopwatch

SIGN_OUT = {"logout", "admin:logout"}  # the attacker keeps the session
# What the attacker posts where a wizard expects its own fields (read from two-factor's source).
FORM_FIELDS = {"two_factor:setup": {"setup_view-current_step": "welcome"},
               "two_factor:phone_create": {"phone_setup_view-current_step": "setup"}}


def targets(routes, has_device=True):
    """The routes the sweep tries: not public, not signing out; a user without a device may
    enrol a first one (trust on first use), so for them the factor-changing routes are left out."""
    return [r for r in routes if not (r.public or r.name in SIGN_OUT or (r.changes_factor and not has_device))]


def sweep(client, routes):
    """GET and POST each route; the ones that answered 200, as 'METHOD path'."""
    reached = []
    for route in routes:
        for method in ("GET", "POST"):
            if method == "GET":
                page = client.get(route.path)
            else:
                page = client.post(route.path, FORM_FIELDS.get(route.name, {}))
            if page.status == 200:
                reached.append(f"{method} {route.path}")
    return reached


def password_only(lab, username="alice"):
    """Sign in at /accounts/login/ with the password alone, then GET and POST every route."""
    from ..enforcement import routes

    factor = factor_name(lab, username)
    tried_routes = targets(routes(number=lab.persona(username).account), has_device=bool(lab.devices(username)))
    tried = len(tried_routes)
    with stopwatch() as watch:
        client = lab.client()
        login = wizards.password_only_login(client, username, lab.persona(username).password)
        reached = sweep(client, tried_routes)
    evidence = {"victim factor": factor, "login": f"{wizards.PASSWORD_ONLY_LOGIN} answered {login.status}",
                "routes tried": tried, "requests": 2 * tried, "reached": reached[:6] + (["..."] if reached[6:] else [])}
    if reached:
        reason = (f"the password-only session reached {len(reached)} of {2 * tried} requests, e.g. {reached[0]}: "
                  "those pages ask for a login, not for a verified device")
    else:
        reason = (f"none of {2 * tried} GETs and POSTs to non-public routes answered 200: each asks for a "
                  "verified (and, to change a factor, recent) second factor")
    return AttackResult("2FA bypass (password-only login, every route)", "any", lab_name(lab), bool(reached),
                        attempts=1 + 2 * tried, elapsed=watch.elapsed, evidence=evidence, reason=reason)
