"""Exercise 2 (public tests): a verified second factor on every sensitive page.

Each test drives the lab bank running your code, served from a sandbox process,
through its real login wizards; the points total 12 here (8 more in hidden tests).
"""

import pytest

pytestmark = pytest.mark.exercise("ex02")

SENSITIVE = ["/dashboard/", "/transfer/"]


def statement(lab, username):
    return f"/statement/{lab.persona(username).account}.csv"


def goes_to(page, url, next_path):
    """A redirect to `url` that keeps the page asked for in ?next=."""
    return page.status == 302 and page.location.startswith(f"{url}?next={next_path}")


@pytest.mark.points(2, hint="Send anonymous visitors, and users with a device whose session is not verified, "
                            "to two_factor:login with ?next= (redirect_to_login).")
def test_anonymous_and_unverified_visitors_go_to_the_two_factor_login(graded_lab):
    """Anonymous visitors and unverified sessions are sent to the two-factor login, keeping ?next="""
    anonymous, password_only = graded_lab.client(), graded_lab.login_password_only("alice")
    for who, client in (("anonymous", anonymous), ("alice, password only", password_only)):
        for path in SENSITIVE + [statement(graded_lab, "alice")]:
            page = client.get(path)
            assert goes_to(page, "/account/login/", path), f"{who}: GET {path} answered {page.status} {page.location!r}"


@pytest.mark.points(3, hint="A password-only login (/accounts/login/) leaves the session unverified: "
                            "user.is_verified() is False. Refuse it.")
def test_password_only_login_reaches_nothing_sensitive(graded_lab):
    """A password-only login reaches no sensitive page"""
    for username in ("alice", "mallory"):
        client = graded_lab.login_password_only(username)
        for path in SENSITIVE + [statement(graded_lab, username)]:
            page = client.get(path)
            assert page.status == 302, f"{username} (password only) got {page.status} from {path}"
            assert "/accounts/login/" not in page.location, "the password-only login must not be the way in"


@pytest.mark.points(2, hint="otp_required sends a user without a device back to the login wizard, which "
                            "signs them straight in again: a loop. Send them to two_factor:setup instead.")
def test_a_user_without_a_device_is_sent_to_setup(graded_lab):
    """A signed-in user without a second factor is sent to the setup wizard, keeping ?next="""
    client = graded_lab.login("mallory")  # no device: the wizard signs mallory in after the password
    for path in SENSITIVE:
        page = client.get(path)
        assert goes_to(page, "/account/two_factor/setup/", path), f"{path}: {page.status} {page.location!r}"


@pytest.mark.points(2, hint="Let request.user.is_verified() through untouched.")
def test_a_verified_user_reaches_everything(graded_lab):
    """A verified user reaches every sensitive page (and a password-only one does not)"""
    verified = graded_lab.login("alice")
    for path in SENSITIVE + [statement(graded_lab, "alice")]:
        assert verified.get(path).status == 200, f"alice (verified) was refused {path}"
    assert graded_lab.login_password_only("alice").get("/dashboard/").status == 302


@pytest.mark.points(1, hint="Wrap only the sensitive views; home, rates and sign-up stay public.")
def test_public_pages_stay_public(graded_lab):
    """Public pages stay public while the dashboard is protected"""
    anonymous, password_only = graded_lab.client(), graded_lab.login_password_only("mallory")
    for client in (anonymous, password_only):
        for path in ("/", "/rates/", "/signup/"):
            assert client.get(path).status == 200, f"{path} is a public page"
        assert client.get("/dashboard/").status == 302


def make_staff_today(lab, username):
    """Make a persona staff, privileged since now (inside exercise 4's grace period), so that
    only exercise 2 decides what the admin does with them."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from lab_project.mfa.models import PrivilegeRecord

    get_user_model().objects.using(lab.alias).filter(username=username).update(is_staff=True)
    PrivilegeRecord.objects.using(lab.alias).update_or_create(
        user=lab.user(username), defaults={"privileged_since": timezone.now()})


@pytest.mark.points(2, hint="secure_admin(site): two-factor's admin patch only swaps the login page; make the "
                            "site an AdminSiteOTPRequired.")
def test_the_admin_refuses_a_staff_session_that_is_not_verified(graded_lab):
    """The admin refuses a staff member whose session is not verified, and lets a verified superuser in"""
    make_staff_today(graded_lab, "mallory")
    page = graded_lab.login_password_only("mallory").get("/admin/")
    assert page.status != 200, "mallory (staff, password only) opened /admin/"
    assert graded_lab.login("root").get("/admin/").status == 200, "a verified superuser reaches the admin"
