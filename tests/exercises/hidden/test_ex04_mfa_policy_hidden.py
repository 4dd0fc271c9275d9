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


def to_setup(page):
    return page.status == 302 and page.location.startswith("/account/two_factor/setup/")


@pytest.mark.points(3, hint="Never redirect the login, setup, logout and static paths: the user must be "
                            "able to sign in, enroll and leave.")
def test_the_way_out_is_never_blocked(graded_lab):
    """An overdue user can still reach the login, the setup wizard, static files and log out"""
    privileged_since(graded_lab, "sam", NOW - GRACE - timedelta(days=3))
    client = graded_lab.login("sam")
    assert to_setup(client.get("/rates/")), "sam is overdue"
    for path in ("/account/two_factor/setup/", "/account/login/", "/static/lab/lab.css"):
        page = client.get(path)
        assert page.status == 200, f"{path} answered {page.status} {page.location}"
    assert not to_setup(client.get("/admin/login/"))
    page = client.post("/accounts/logout/")
    assert page.status == 302 and not to_setup(page), "logging out must work"


@pytest.mark.points(3, hint="Compare grace_period_ends(user) with lab_project.mfa.clock.now(): "
                            "in_grace_period(user) does it.")
def test_the_grace_period_ends_on_the_lab_clock(graded_lab):
    """The grace period ends exactly when the lab's clock passes its end"""
    since = NOW - timedelta(days=3)
    privileged_since(graded_lab, "sam", since, now=since + GRACE - timedelta(minutes=1))
    client = graded_lab.login("sam")
    assert client.get("/rates/").status == 200, "one minute before the end: still inside the grace period"
    privileged_since(graded_lab, "sam", since, now=since + GRACE + timedelta(minutes=1))
    assert to_setup(client.get("/rates/")), "one minute after the end: setup is required"


@pytest.mark.points(2, hint="is_privileged(user): staff, superusers and the finance group.")
def test_the_finance_group_is_privileged_and_demotion_frees(graded_lab):
    """Finance group members are privileged; a user who lost privileges is left alone"""
    from django.contrib.auth.models import Group

    mallory = graded_lab.user("mallory")
    mallory.groups.add(Group.objects.using(graded_lab.alias).get(name="finance"))
    privileged_since(graded_lab, "mallory", NOW - GRACE - timedelta(days=1))
    assert to_setup(graded_lab.login("mallory").get("/rates/")), "finance members need MFA too"
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
