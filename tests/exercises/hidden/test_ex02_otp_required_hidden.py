"""Exercise 2 (hidden tests): the admin, money, and every route of the lab (8 points)."""

from decimal import Decimal

import pytest

from mfalab.enforcement import routes

pytestmark = [pytest.mark.exercise("ex02"), pytest.mark.hidden]


def promote_to_superuser_today(lab, username):
    """Make a persona a superuser, privileged since now (inside exercise 4's grace period),
    so that only exercise 2 decides what the admin does with them."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from lab_project.mfa.models import PrivilegeRecord

    users = get_user_model().objects.using(lab.alias)
    users.filter(username=username).update(is_staff=True, is_superuser=True)
    user = users.get(username=username)
    PrivilegeRecord.objects.using(lab.alias).update_or_create(user=user, defaults={"privileged_since": timezone.now()})


def balances(lab):
    from lab_project.bank.models import Account

    return dict(Account.objects.using(lab.alias).values_list("number", "balance"))


def transfers(lab):
    from lab_project.bank.models import Transfer

    return Transfer.objects.using(lab.alias).count()


@pytest.mark.points(2, hint="two_factor's admin patch only swaps the login page: use AdminSiteOTPRequired.")
def test_the_admin_refuses_staff_without_a_verified_device(graded_lab):
    """The admin refuses a staff user whose session is not verified"""
    promote_to_superuser_today(graded_lab, "sam")
    for client in (graded_lab.login("sam"), graded_lab.login_password_only("sam")):
        for path in ("/admin/", "/admin/auth/user/", "/admin/otp_totp/totpdevice/"):
            page = client.get(path)
            assert page.status != 200, f"sam (staff, not verified) opened {path}"
    assert graded_lab.login("root").get("/admin/").status == 200, "a verified superuser reaches the admin"


@pytest.mark.points(3, hint="The POST to /transfer/ goes through the same wrapped view: refuse it too.")
def test_an_unverified_transfer_moves_no_money(graded_lab):
    """A POST to /transfer/ without a verified second factor moves no money"""
    before, moved = balances(graded_lab), transfers(graded_lab)
    for victim, to in (("alice", "mallory"), ("mallory", "alice")):
        client = graded_lab.login_password_only(victim)
        client.get("/")
        page = client.post("/transfer/", {"source": graded_lab.account(victim).pk,
                                          "target": graded_lab.persona(to).account,
                                          "amount": "5.00", "memo": "unverified"})
        assert page.status != 200 or "Sent" not in page.text
    assert transfers(graded_lab) == moved and balances(graded_lab) == before, "money moved without a second factor"
    # The same transfer, verified, does move money: the form works.
    client = graded_lab.login("alice")
    client.get("/transfer/")
    client.post("/transfer/", {"source": graded_lab.account("alice").pk,
                               "target": graded_lab.persona("mallory").account, "amount": "5.00", "memo": "ok"})
    assert balances(graded_lab)["40000001"] == before["40000001"] - Decimal("5.00")


@pytest.mark.points(3, hint="Every page except the public ones and the ways in and out (see the list in "
                            "mfalab.enforcement.PUBLIC_ROUTES) must demand a verified second factor.")
def test_no_route_is_reachable_without_verification(graded_lab):
    """No route of the lab outside the public list answers 200 to an unverified session (the routes that
    change a factor are exercise 6's: there a user without a device may enrol a first one)"""
    promote_to_superuser_today(graded_lab, "sam")
    reachable = []
    for username in ("sam", "mallory"):
        client = graded_lab.login_password_only(username)
        for route in routes(number=graded_lab.persona(username).account):
            if not (route.public or route.changes_factor) and client.get(route.path).status == 200:
                reachable.append(f"{route.path} ({route.name}) by {username}")
    assert not reachable, "reachable without a second factor: " + ", ".join(reachable[:8])
