"""Exercise 6 (hidden tests): the 5-minute boundary, every route, re-verification, emails (8 of 20 points)."""

from datetime import datetime, timedelta, timezone

import pytest

from mfalab import wizards
from mfalab.attacks import takeover

pytestmark = [pytest.mark.exercise("ex06"), pytest.mark.hidden]

AT = datetime(2030, 1, 10, 12, 0, tzinfo=timezone.utc)
BACKUP = "/account/two_factor/backup/tokens/"
ROUTES = ["/account/two_factor/setup/", "/account/two_factor/qrcode/", "/account/two_factor/phone/register/",
          "/account/two_factor/phone/unregister/1/", BACKUP, "/account/two_factor/disable/",
          "/admin/password_change/"]


def freeze(lab, at):
    from lab_project.mfa import clock

    clock.freeze(at, using=lab.alias)


@pytest.mark.points(2, hint="RECENT is 5 minutes by lab_project.mfa.clock.now(): 4 min 50 s is recent, "
                            "5 min 10 s is not.")
def test_the_five_minute_boundary(graded_lab):
    """A verification 4 min 50 s old is recent; 5 min 10 s old is not"""
    freeze(graded_lab, AT)
    client = graded_lab.login("alice")
    freeze(graded_lab, AT + timedelta(minutes=4, seconds=50))
    page = client.post(BACKUP)
    assert page.status in (200, 302) and not page.location.startswith("/account/login/"), \
        f"4 min 50 s after verifying, alice was refused: {page.status} {page.location}"
    freeze(graded_lab, AT + timedelta(minutes=5, seconds=10))
    page = client.post(BACKUP)
    assert page.status == 302 and page.location.startswith("/account/login/?next="), \
        f"5 min 10 s after verifying: {page.status} {page.location}"


@pytest.mark.points(3, hint="The lab wraps every factor-changing route with require_step_up: refuse GET and "
                            "POST alike, keeping ?next=.")
def test_every_factor_changing_route_sends_a_stale_session_to_verify(graded_lab):
    """Setup, QR code, phones, backup codes, disable and the admin's password change all need step-up"""
    with takeover.stale_session(graded_lab, "root", minutes=6) as client:
        for path in ROUTES:
            for page in (client.get(path), client.post(path, {"understand": "on"})):
                assert page.status == 302 and page.location.startswith(f"/account/login/?next={path}"), \
                    f"{path}: {page.status} {page.location}"
    assert takeover.device_rows(graded_lab, "root") == ["totpdevice default"]


@pytest.mark.points(1, hint="After the login wizard's token step the session is recent again.")
def test_verifying_again_through_the_login_wizard_reopens_the_door(graded_lab):
    """After a stale session verifies again through the login wizard, the change goes through"""
    with takeover.stale_session(graded_lab, "alice", minutes=10) as client:
        page = client.post(BACKUP)
        assert page.status == 302 and page.location.startswith("/account/login/"), "the stale session got in"
        graded_lab.forget_used_codes("alice")
        wizards.password_step(client, "alice", "alice-lab-pass", next_url=BACKUP)
        page = wizards.token_step(client, graded_lab.current_code("alice"), next_url=BACKUP)
        assert wizards.signed_in(page), wizards.form_errors(page)
        page = client.post(BACKUP)
        assert page.status in (200, 302) and not page.location.startswith("/account/login/"), page.location


@pytest.mark.points(2, hint="Removing a factor is a change too; a user without an email address gets "
                            "nothing, and nothing breaks.")
def test_removal_is_emailed_and_a_user_without_email_breaks_nothing(graded_lab):
    """Disabling two-factor emails the owner; a user with no email address changes factors without error"""
    freeze(graded_lab, AT)
    since = takeover.last_message(graded_lab)
    client = graded_lab.login("alice")
    client.get("/account/two_factor/disable/")
    client.post("/account/two_factor/disable/", {"understand": "on"})
    mails = [m.body for m in graded_lab.outbox("email", "alice@bank.lab") if m.id > since]
    assert any("removed an authenticator app (default)" in m and "2030-01-10 12:00 UTC" in m for m in mails), mails
    users = type(graded_lab.user("root")).objects.using(graded_lab.alias)
    users.filter(username="root").update(email="")
    root = graded_lab.login("root")
    page = root.post(BACKUP)
    assert page.status in (200, 302) and not page.location.startswith("/account/login/"), \
        f"root without an email address: the backup-codes page answered {page.status} {page.location}"
