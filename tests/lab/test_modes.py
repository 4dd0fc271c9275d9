"""The naive lab and the lab running the solutions differ exactly where they should."""

import pytest


def test_password_only_login_reaches_the_dashboard_in_the_naive_lab(naive_lab):
    client = naive_lab.login_password_only("alice")
    assert client.get("/dashboard/").status == 200


def test_password_only_login_reaches_nothing_sensitive_with_the_solutions(solutions_lab):
    client = solutions_lab.login_password_only("alice")
    page = client.get("/dashboard/")
    assert page.status == 302 and page.location.startswith("/account/login/?next=/dashboard/")


@pytest.mark.parametrize("served, status", [("naive_lab", 200), ("solutions_lab", 302)])
def test_unverified_staff_and_the_admin(request, served, status):
    lab = request.getfixturevalue(served)
    client = lab.login_password_only("root")
    assert client.get("/admin/").status == status


def test_verified_superuser_reaches_the_admin_with_the_solutions(solutions_lab):
    assert solutions_lab.login("root").get("/admin/").status == 200


def test_public_pages_stay_public_in_both(naive_lab, solutions_lab):
    for lab in (naive_lab, solutions_lab):
        client = lab.client()
        assert client.get("/").status == 200
        assert client.get("/rates/").status == 200
