"""Exercise 4 (hidden tests): no loops, the clock, the finance group (10 of 20 points)."""

from datetime import datetime, timedelta, timezone

import pytest

pytestmark = [pytest.mark.exercise("ex04"), pytest.mark.hidden]

NOW = datetime(2030, 1, 10, 12, 0, tzinfo=timezone.utc)
GRACE = timedelta(days=7)


def privileged_since(lab, username, since, now=NOW):
    from lab_project.mfa import clock
    from lab_project.mfa.models import PrivilegeRecord

    user = lab.user(username)
    PrivilegeRecord.objects.using(lab.alias).update_or_create(user=user, defaults={"privileged_since": since})
    clock.freeze(now, using=lab.alias)


def to_enrol(page):
    return page.status == 302 and page.location.startswith("/account/enrol/")


@pytest.mark.points(2, hint="Never redirect the login, the enrolment-code page, logout, static files and "
                            "two-factor's WebAuthn scripts: the user must be able to sign in, enrol and leave.")
def test_the_way_out_is_never_blocked(graded_lab):
    """An overdue user can still reach the login, the enrolment-code page, static files, the WebAuthn
    scripts, and log out"""
    privileged_since(graded_lab, "sam", NOW - GRACE - timedelta(days=3))
    client = graded_lab.login("sam")
    assert to_enrol(client.get("/rates/")), "sam is overdue"
    for path in ("/account/enrol/", "/account/login/", "/static/lab/lab.css"):
        page = client.get(path)
        assert page.status == 200, f"{path} answered {page.status} {page.location}"
    # Two-factor answers 404 for this script until a setup wizard asked for a key; a redirect
    # would break security-key enrolment in a real browser.
    page = client.get("/account/two_factor/webauthn/create_credential.js")
    assert page.status != 302, f"the WebAuthn setup script was redirected to {page.location}"
    assert not to_enrol(client.get("/admin/login/"))
    page = client.post("/accounts/logout/")
    assert page.status == 302 and not to_enrol(page), "logging out must work"


@pytest.mark.points(2, hint="Compare grace_period_ends(user) with lab_project.mfa.clock.now(): "
                            "in_grace_period(user) does it.")
def test_the_grace_period_ends_on_the_lab_clock(graded_lab):
    """The grace period ends exactly when the lab's clock passes its end"""
    since = NOW - timedelta(days=3)
    privileged_since(graded_lab, "sam", since, now=since + GRACE - timedelta(minutes=1))
    client = graded_lab.login("sam")
    assert client.get("/rates/").status == 200, "one minute before the end: still inside the grace period"
    privileged_since(graded_lab, "sam", since, now=since + GRACE + timedelta(minutes=1))
    assert to_enrol(client.get("/rates/")), "one minute after the end: an enrolment code is required"


@pytest.mark.points(2, hint="is_privileged(user): staff, superusers and the finance group.")
def test_the_finance_group_is_privileged_and_demotion_frees(graded_lab):
    """Finance group members are privileged; a user who lost privileges is left alone"""
    from django.contrib.auth.models import Group

    mallory = graded_lab.user("mallory")
    mallory.groups.add(Group.objects.using(graded_lab.alias).get(name="finance"))
    privileged_since(graded_lab, "mallory", NOW - GRACE - timedelta(days=1))
    assert to_enrol(graded_lab.login("mallory").get("/rates/")), "finance members need MFA too"
    sam = graded_lab.user("sam")
    sam.groups.clear()
    type(sam).objects.using(graded_lab.alias).filter(pk=sam.pk).update(is_staff=False)
    privileged_since(graded_lab, "sam", None)
    assert graded_lab.login("sam").get("/rates/").status == 200, "sam is no longer privileged"


@pytest.mark.points(2, hint="The grace period is for enrolling a first device; a user with a device "
                            "must verify it, grace period or not.")
def test_no_grace_for_a_user_with_a_device(graded_lab):
    """A newly privileged user who has a device must still verify it"""
    users = type(graded_lab.user("alice")).objects.using(graded_lab.alias)
    users.filter(username="alice").update(is_staff=True)
    privileged_since(graded_lab, "alice", NOW - timedelta(days=1))
    page = graded_lab.login_password_only("alice").get("/rates/")
    assert page.status == 302 and page.location.startswith("/account/login/?next=/rates/")
    assert graded_lab.login("alice").get("/rates/").status == 200


@pytest.mark.points(2, hint="A superuser has no grace period at all (user.is_superuser).")
def test_a_new_superuser_has_no_grace_period(graded_lab):
    """A superuser made with createsuperuser must enrol (with a code) before anything else"""
    from django.contrib.auth.models import User

    from lab_project.mfa import clock
    from mfalab import wizards

    clock.freeze(NOW, using=graded_lab.alias)
    User.objects.db_manager(graded_lab.alias).create_superuser("newroot", "newroot@bank.lab", "newroot-lab-pass")
    client = graded_lab.client()
    assert wizards.signed_in(wizards.password_step(client, "newroot", "newroot-lab-pass"))
    for path in ("/rates/", "/account/two_factor/setup/"):
        assert to_enrol(client.get(path)), f"a new superuser reached {path} without a second factor"
