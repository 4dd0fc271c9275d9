"""Exercise 6 (public tests): changing a factor needs a fresh second factor (12 of 20 points).

The lab runs your require_step_up around every factor-changing view and calls your
notify_factor_change after each change, in a sandbox process. The tests attack it as
an attacker who knows a password would: by POST, from a password-only session, from
a verified session that has grown old (the lab's clock is moved on).
"""

from datetime import datetime, timezone

import pytest

from mfalab.attacks import takeover

pytestmark = pytest.mark.exercise("ex06")

DISABLE = "/account/two_factor/disable/"
BACKUP = "/account/two_factor/backup/tokens/"


def freeze(lab, at):
    from lab_project.mfa import clock

    clock.freeze(at, using=lab.alias)


def sent_to(lab, address, since):
    return [m.body for m in lab.outbox("email", address) if m.id > since]


@pytest.mark.points(3, hint="A user with a device needs request.user.is_verified(); a password-only session "
                            "is not verified: redirect_to_login(request.get_full_path(), "
                            "reverse('two_factor:login')).")
def test_a_password_only_session_cannot_enrol_the_attackers_app(graded_lab):
    """A password-only session cannot walk the setup wizard (by POST) to add the attacker's app"""
    result = takeover.enrolment(graded_lab, "alice", "generator")
    assert not result.succeeded, "alice's password alone enrolled the attacker's authenticator app"
    assert result.evidence["after"] == ["totpdevice default"], result.evidence
    client = takeover.password_only(graded_lab, "alice")
    page = client.post("/account/two_factor/setup/", {"setup_view-current_step": "welcome"})
    assert page.status == 302 and page.location == "/account/login/?next=/account/two_factor/setup/", \
        f"setup answered {page.status} {page.location}: send the session to the two-factor login, keeping ?next="


def allowed(page):
    """The view ran: a page, or a redirect that is not a request to verify again."""
    return page.status == 200 or (page.status == 302 and not page.location.startswith("/account/login/"))


@pytest.mark.points(3, hint="Compare lab_project.mfa.stepup.verified_at(request) with "
                            "lab_project.mfa.clock.now(): more than RECENT (5 minutes) ago is too old. "
                            "A session that just verified may go on.")
def test_a_session_ten_minutes_old_cannot_disable_two_factor_a_fresh_one_can(graded_lab):
    """A verified session 10 minutes old is sent to verify again; right after a sign-in, disabling works"""
    result = takeover.disable(graded_lab, "alice", minutes=10)
    assert not result.succeeded, "a 10-minute-old session deleted alice's authenticator app"
    assert result.evidence["page"] == "302 -> /account/login/", result.evidence
    graded_lab.forget_used_codes("alice")
    client = graded_lab.login("alice")
    client.get(DISABLE)
    page = client.post(DISABLE, {"understand": "on"})
    assert allowed(page), f"right after signing in, alice was refused: {page.status} {page.location}"
    assert takeover.device_rows(graded_lab, "alice") == []


@pytest.mark.points(3, hint="user_has_device(user) is False: trust on first use, call the view; then "
                            "notify_factor_change emails the user.")
def test_a_first_device_is_trust_on_first_use_and_emailed(graded_lab):
    """A signed-in user with no device may enrol a first one, and is told by email"""
    since = takeover.last_message(graded_lab)
    client = takeover.password_only(graded_lab, "mallory")
    page = takeover.walk_setup(graded_lab, client, "generator")
    assert page.status == 302 and "setup/complete" in page.location, f"{page.status} {page.location}"
    assert takeover.device_rows(graded_lab, "mallory") == ["totpdevice default"]
    mails = sent_to(graded_lab, "mallory@evil.lab", since)
    assert any("added an authenticator app (default)" in m for m in mails), \
        f"no email to mallory@evil.lab saying 'added an authenticator app (default)': {mails}"


@pytest.mark.points(3, hint="send_mail(subject, body, None, [user.email]) naming `change` and "
                            "f\"{when:%Y-%m-%d %H:%M} UTC\".")
def test_the_owner_is_emailed_what_changed_and_when(graded_lab):
    """Each change sends the owner an email that says what changed and when"""
    at = datetime(2030, 1, 10, 12, 0, tzinfo=timezone.utc)
    freeze(graded_lab, at)
    since = takeover.last_message(graded_lab)
    client = graded_lab.login("alice")
    page = client.post(BACKUP)
    assert allowed(page), f"right after signing in, alice was refused: {page.status} {page.location}"
    mails = sent_to(graded_lab, "alice@bank.lab", since)
    assert mails, "no email reached alice@bank.lab after she generated backup codes"
    assert any("generated a new set of backup codes" in m and "2030-01-10 12:00 UTC" in m for m in mails), mails
