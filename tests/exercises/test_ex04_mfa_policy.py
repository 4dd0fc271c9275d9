"""Exercise 4 (public tests): MFA for privileged users, with a grace period (10 of 20 points).

The lab runs your middleware in a sandbox process. The tests set when a user became
privileged and freeze the lab's clock through its database, then browse public pages
(which exercise 2 never protects), so only your policy decides.
"""

from datetime import datetime, timedelta, timezone

import pytest

pytestmark = pytest.mark.exercise("ex04")

NOW = datetime(2030, 1, 10, 12, 0, tzinfo=timezone.utc)
GRACE = timedelta(days=7)  # settings.LAB_MFA_GRACE_PERIOD_DAYS


def privileged_since(lab, username, since, now=NOW):
    """Say when `username` became privileged, and freeze the lab's clock at `now`."""
    from lab_project.mfa import clock
    from lab_project.mfa.models import PrivilegeRecord

    user = lab.user(username)
    PrivilegeRecord.objects.using(lab.alias).update_or_create(user=user, defaults={"privileged_since": since})
    clock.freeze(now, using=lab.alias)


def names_the_date(text, when):
    formats = ["%Y-%m-%d", "%d %B", "%B %d", "%d %b", "%b %d", "%d/%m/%Y", "%m/%d/%Y", "%B %-d", "%-d %B",
               "%b %-d", "%-d %b", "%b. %-d"]
    return any(when.strftime(f) in text for f in formats)


def goes_to(page, url, next_path):
    return page.status == 302 and page.location.startswith(f"{url}?next={next_path}")


@pytest.mark.points(2, hint="Leave users who are not staff, superuser or in the finance group alone.")
def test_ordinary_users_are_untouched(graded_lab):
    """Users without privileges are untouched (while an overdue privileged one is not)"""
    privileged_since(graded_lab, "sam", NOW - GRACE - timedelta(days=1))
    for username in ("mallory", "carol"):
        client = graded_lab.login(username)
        for path in ("/", "/rates/"):
            assert graded_lab.login_password_only(username).get(path).status == 200
            assert client.get(path).status == 200, f"{username} was stopped at {path}"
    assert graded_lab.login("sam").get("/rates/").status == 302, "sam is overdue: he must set up a device"


@pytest.mark.points(2, hint="A privileged user with a device but an unverified session goes to "
                            "two_factor:login with ?next= (redirect_to_login).")
def test_unverified_privileged_user_with_a_device_must_verify(graded_lab):
    """A privileged user with a device but an unverified session is sent to the two-factor login"""
    client = graded_lab.login_password_only("root")
    for path in ("/", "/rates/"):
        page = client.get(path)
        assert goes_to(page, "/account/login/", path), f"root (password only) at {path}: {page.status}"


@pytest.mark.points(1, hint="request.user.is_verified(): let the request through.")
def test_verified_privileged_user_goes_everywhere(graded_lab):
    """A verified privileged user goes everywhere (an unverified one does not)"""
    client = graded_lab.login("root")
    for path in ("/", "/rates/", "/dashboard/", "/admin/"):
        assert client.get(path).status == 200, f"root (verified) was stopped at {path}"
    assert graded_lab.login_password_only("root").get("/rates/").status == 302


@pytest.mark.points(2, hint="Inside the grace period: let the request through and add a "
                            "django.contrib.messages warning that names grace_period_ends(user).")
def test_grace_period_lets_through_with_a_warning(graded_lab):
    """Inside the grace period a privileged user without a device gets through, warned until when"""
    privileged_since(graded_lab, "sam", NOW - timedelta(days=2))
    client = graded_lab.login("sam")
    pages = [client.get("/rates/") for _ in range(2)]
    assert all(p.status == 200 for p in pages), [p.status for p in pages]
    assert any(names_the_date(p.text, NOW + timedelta(days=5)) for p in pages), \
        "no warning naming the end of the grace period (2030-01-15)"


def redeem_a_code(lab, username="sam"):
    """An administrator issued `username` an enrolment code; a session of theirs redeemed it."""
    from lab_project.mfa import enrolment

    code = enrolment.issue(lab.user(username), issued_by="test", using=lab.alias)
    client = lab.login(username)
    client.get("/account/enrol/")
    page = client.post("/account/enrol/", {"code": code})
    assert page.status == 302, f"the enrolment-code page refused a fresh code: {page.status}"
    return client


@pytest.mark.points(2, hint="After grace_period_ends(user): redirect to the enrolment-code page "
                            "(reverse('enrolment_code')) with ?next=, the setup wizard included.")
def test_after_the_grace_period_an_enrolment_code_is_required(graded_lab):
    """After the grace period a privileged user without a device is sent to the enrolment-code page"""
    privileged_since(graded_lab, "sam", NOW - GRACE - timedelta(hours=1))
    client = graded_lab.login("sam")
    for path in ("/", "/rates/", "/account/two_factor/setup/"):
        page = client.get(path)
        assert goes_to(page, "/account/enrol/", path), f"sam at {path}: {page.status} {page.location}"
    page = client.post("/account/two_factor/setup/", {"setup_view-current_step": "welcome"})
    assert goes_to(page, "/account/enrol/", "/account/two_factor/setup/"), \
        f"a POST to the setup wizard: {page.status} {page.location} (an attacker posts where a GET is refused)"


@pytest.mark.points(1, hint="lab_project.mfa.enrolment.redeemed(request): let the setup wizard through and "
                            "send every other page to two_factor:setup.")
def test_a_redeemed_enrolment_code_opens_the_setup_wizard(graded_lab):
    """Once this session redeemed an administrator's code, the setup wizard opens"""
    privileged_since(graded_lab, "sam", NOW - GRACE - timedelta(hours=1))
    client = redeem_a_code(graded_lab)
    assert client.get("/account/two_factor/setup/").status == 200
    assert goes_to(client.get("/rates/"), "/account/two_factor/setup/", "/rates/")
