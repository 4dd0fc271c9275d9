"""2FA simple bypass: skip the second step by signing in where no second step is asked.

The lab leaves Django's plain LoginView open at /accounts/login/ (as many projects
do next to the two-factor wizard). The attacker has the victim's password, nothing
else. Whether the session it gets opens a sensitive page depends on how that page is
protected: login_required lets it in; otp_required (exercise 2) sends it to the wizard.
"""

from .. import wizards
from .results import AttackResult, factor_name, lab_name, page_evidence, reached, stopwatch


def password_only(lab, username="alice", path="/dashboard/"):
    """Sign in at /accounts/login/ with the password alone, then open `path`."""
    factor = factor_name(lab, username)
    with stopwatch() as watch:
        client = lab.client()
        login = wizards.password_only_login(client, username, lab.persona(username).password, next_url=path)
        ok, page = reached(client, path)
    evidence = {"victim factor": factor, "login": f"{wizards.PASSWORD_ONLY_LOGIN} answered {login.status}",
                **page_evidence(page)}
    if ok:
        reason = f"the password-only login reached {path}: the page asks for a login, not for a verified device"
    else:
        target = page.location.split("?")[0]
        reason = f"{path} sent the password-only session to {target}: it requires a verified device"
    return AttackResult("2FA bypass (password-only login)", "any", lab_name(lab), ok, attempts=2,
                        elapsed=watch.elapsed, evidence=evidence, reason=reason)
