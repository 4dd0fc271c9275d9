"""Account takeover with a password alone, against the naive lab and the hardened one.

Each attack runs as an attacker would, over HTTP against a lab served from a sandbox
process: POST walks where the wizard only refuses a GET, stale sessions, every
factor-changing route. The naive lab must fall to each; the solutions lab (exercises 4
and 6) must stop each, and the lab's database must show it: no device added, none deleted.
"""

from datetime import timedelta

import pytest

from mfalab.attacks import takeover
from mfalab.sandbox import SandboxLab


@pytest.fixture(scope="module")
def served(django_db_blocker):
    with django_db_blocker.unblock(), SandboxLab("naive") as naive, SandboxLab("solutions") as solutions:
        yield {"naive": naive, "solutions": solutions}


@pytest.fixture
def naive(served, django_db_blocker):
    with django_db_blocker.unblock():
        yield served["naive"].reset()


@pytest.fixture
def hardened(served, django_db_blocker):
    with django_db_blocker.unblock():
        yield served["solutions"].reset()


def freeze(lab, at):
    from lab_project.mfa import clock

    clock.freeze(at, using=lab.alias)


def now(lab):
    from lab_project.mfa import clock

    return clock.now(using=lab.alias)


def overdue(lab, username="sam", days=1):
    """Make `username` privileged since before the grace period, by the lab clock."""
    from lab_project.mfa.models import PrivilegeRecord
    from lab_project.mfa.policy import grace_period

    PrivilegeRecord.objects.using(lab.alias).update_or_create(
        user=lab.user(username), defaults={"privileged_since": now(lab) - grace_period() - timedelta(days=days)})


def unchanged(result):
    return result.evidence["after"] == result.evidence["before"]


# -- the takeover of the issue, step by step ---------------------------------------------

@pytest.mark.parametrize("victim, method", [("alice", "generator"), ("bob", "sms"), ("dana", "webauthn"),
                                            ("root", "generator"), ("alice", "sms"), ("bob", "webauthn")])
def test_setup_wizard_post_walk_takes_over_naive_and_not_hardened(naive, hardened, victim, method):
    taken = takeover.enrolment(naive, victim, method)
    assert taken.succeeded, taken
    assert len(taken.evidence["after"]) == len(taken.evidence["before"]) + 1, taken.evidence
    stopped = takeover.enrolment(hardened, victim, method)
    assert not stopped.succeeded and unchanged(stopped), stopped
    assert stopped.evidence["page"] == "302 -> /account/login/", stopped.evidence


def test_root_takeover_reaches_the_admin_on_naive_only(naive, hardened):
    client = takeover.password_only(naive, "root")
    page = takeover.walk_setup(naive, client, "generator")
    assert page.status == 302 and client.get("/admin/").status == 200
    client = takeover.password_only(hardened, "root")
    page = takeover.walk_setup(hardened, client, "generator")
    assert page.status == 302 and page.location.startswith("/account/login/?next=")
    assert client.get("/admin/").status == 302
    assert len(takeover.device_rows(hardened, "root")) == 1


@pytest.mark.parametrize("attack", [takeover.add_phone, takeover.disable, takeover.regenerate_backup_codes])
def test_stale_verified_session_changes_factors_on_naive_only(naive, hardened, attack):
    assert attack(naive, "alice", minutes=10).succeeded
    stopped = attack(hardened, "alice", minutes=10)
    assert not stopped.succeeded and unchanged(stopped), stopped
    assert stopped.evidence["page"] == "302 -> /account/login/"


@pytest.mark.parametrize("attack", [takeover.add_phone, takeover.disable, takeover.regenerate_backup_codes])
def test_password_only_session_changes_nothing_on_the_hardened_lab(hardened, attack):
    stopped = attack(hardened, "bob", minutes=None)
    assert not stopped.succeeded and unchanged(stopped), stopped


def test_every_factor_changing_route_sends_a_stale_session_to_verify(hardened):
    """GET and POST on each route, from a verified session 6 minutes old."""
    routes = ["/account/two_factor/setup/", "/account/two_factor/qrcode/", "/account/two_factor/phone/register/",
              "/account/two_factor/phone/unregister/1/", "/account/two_factor/backup/tokens/",
              "/account/two_factor/disable/", "/admin/password_change/"]
    with takeover.stale_session(hardened, "root", minutes=6) as client:
        for path in routes:
            for page in (client.get(path), client.post(path, {"understand": "on"})):
                assert page.status == 302 and page.location.startswith(f"/account/login/?next={path}"), \
                    (path, page.status, page.location)
    assert takeover.device_rows(hardened, "root") == ["totpdevice default"]


def test_privileged_past_grace_enrols_on_naive_only(naive, hardened):
    assert takeover.privileged_past_grace(naive, "sam").succeeded
    stopped = takeover.privileged_past_grace(hardened, "sam")
    assert not stopped.succeeded and stopped.evidence["after"] == [], stopped
    assert stopped.evidence["page"] == "302 -> /account/enrol/"


# -- what the owner may still do, and is told -----------------------------------------------

def test_a_fresh_verification_may_change_factors_and_the_owner_is_emailed(hardened):
    since = takeover.last_message(hardened)
    client = hardened.login("alice")
    page = client.post("/account/two_factor/backup/tokens/")
    assert page.status == 200 and "backup-codes" in page.text
    client.get(takeover.DISABLE)
    assert client.post(takeover.DISABLE, {"understand": "on"}).status == 302
    assert takeover.device_rows(hardened, "alice") == []
    mails = [m.body for m in hardened.outbox("email", "alice@bank.lab") if m.id > since]
    assert any("generated a new set of backup codes" in m for m in mails), mails
    assert any("removed an authenticator app (default)" in m for m in mails), mails
    assert all(f"{now(hardened):%Y-%m-%d}" in m for m in mails)


def test_the_naive_lab_tells_nobody(naive):
    since = takeover.last_message(naive)
    result = takeover.enrolment(naive, "alice")
    assert result.succeeded and result.evidence["emails to the victim"] == []
    assert takeover.last_message(naive) == since


def test_re_verifying_through_the_login_wizard_reopens_the_door(hardened):
    from mfalab import wizards

    with takeover.stale_session(hardened, "alice", minutes=10) as client:
        page = client.get(takeover.DISABLE)
        assert page.location == "/account/login/?next=/account/two_factor/disable/"
        hardened.forget_used_codes("alice")
        wizards.password_step(client, "alice", "alice-lab-pass", next_url=takeover.DISABLE)
        page = wizards.token_step(client, hardened.current_code("alice"), next_url=takeover.DISABLE)
        assert page.status == 302 and page.location == takeover.DISABLE
        assert client.post(takeover.DISABLE, {"understand": "on"}).status == 302
    assert takeover.device_rows(hardened, "alice") == []


def test_first_device_is_trust_on_first_use_and_emailed(hardened):
    since = takeover.last_message(hardened)
    client = takeover.password_only(hardened, "mallory")
    page = takeover.walk_setup(hardened, client, "generator")
    assert page.status == 302 and "setup/complete" in page.location
    assert takeover.device_rows(hardened, "mallory") == ["totpdevice default"]
    mails = [m.body for m in hardened.outbox("email", "mallory@evil.lab") if m.id > since]
    assert len(mails) == 1 and "added an authenticator app (default)" in mails[0], mails


def test_sam_inside_the_grace_period_enrols_himself_and_is_emailed(hardened):
    client = hardened.login("sam")
    assert takeover.walk_setup(hardened, client, "generator").status == 302
    assert takeover.device_rows(hardened, "sam") == ["totpdevice default"]
    assert any("added an authenticator app" in m.body for m in hardened.outbox("email", "sam@bank.lab"))


def test_a_half_done_setup_wizard_leaves_no_device(naive, hardened):
    from mfalab import wizards

    for lab in (naive, hardened):
        client = takeover.password_only(lab, "mallory")
        page = wizards.setup_method(client, "generator")
        assert "otpauth://" in page.text
        client.get("/account/two_factor/qrcode/")
        assert takeover.device_rows(lab, "mallory") == [] and lab.devices("mallory") == []


# -- enrolment codes -------------------------------------------------------------------------

def issue(lab, username="sam"):
    """root issues a code with the user admin's action, as an administrator would; the code."""
    import re

    lab.forget_used_codes("root")
    root = lab.login("root")
    root.get("/admin/auth/user/")
    page = root.post("/admin/auth/user/", {"action": "issue_enrolment_code",
                                           "_selected_action": [lab.user(username).pk]}, follow=True)
    shown = re.search(r"shown only now, and emailed to the user\): ([A-Z2-7-]{19})", page.text)
    assert shown, page.text[:2000]
    return shown.group(1)


def redeem(client, code):
    client.get("/account/enrol/")
    return client.post("/account/enrol/", {"code": code})


def test_an_enrolment_code_lets_an_overdue_privileged_user_enrol_once(hardened):
    overdue(hardened)
    code = issue(hardened)
    mail = hardened.outbox("email", "sam@bank.lab")[-1].body
    assert code in mail and "expires" in mail
    client = hardened.login("sam")
    assert client.get("/rates/").location == "/account/enrol/?next=/rates/"
    page = redeem(client, f"  {code.lower()} ")  # spaces and case do not matter
    assert page.status == 302 and page.location == "/account/two_factor/setup/"
    assert takeover.walk_setup(hardened, client, "generator").status == 302
    assert takeover.device_rows(hardened, "sam") == ["totpdevice default"]
    assert client.get("/admin/").status == 200
    other = takeover.password_only(hardened, "sam")  # the attacker's session cannot use the same code
    assert redeem(other, code).status == 400


@pytest.mark.parametrize("case", ["wrong", "used", "expired", "another user's", "superseded"])
def test_a_bad_enrolment_code_is_refused_and_changes_nothing(hardened, case):
    from django.contrib.auth.models import User

    overdue(hardened)
    if case == "another user's":
        User.objects.using(hardened.alias).filter(username="mallory").update(is_staff=True)
        code = issue(hardened, "mallory")
    elif case == "expired":
        code = issue(hardened)
        freeze(hardened, now(hardened) + timedelta(hours=24, minutes=1))
    elif case == "superseded":
        code = issue(hardened)
        issue(hardened)
    else:
        code = issue(hardened)
        if case == "used":
            redeem(hardened.login("sam"), code)
    if case == "wrong":
        code = "AAAA-BBBB-CCCC-DDDD"
    client = hardened.login("sam")
    page = redeem(client, code)
    assert page.status == 400 and "administrator" in page.text, page.text[:300]
    message = {"wrong": "not a valid", "another user's": "not a valid", "used": "already used",
               "superseded": "already used", "expired": "expired"}[case]
    assert message in page.text
    page = takeover.walk_setup(hardened, client, "generator")
    assert page.status == 302 and page.location.startswith("/account/enrol/")
    assert takeover.device_rows(hardened, "sam") == []


def test_the_admin_action_shows_the_code_once_and_emails_it(hardened):
    code = issue(hardened)
    assert code in hardened.outbox("email", "sam@bank.lab")[-1].body
    alice = hardened.login("alice")  # not staff: the admin (and its action) are out of reach
    page = alice.post("/admin/auth/user/", {"action": "issue_enrolment_code",
                                            "_selected_action": [hardened.user("sam").pk]})
    assert page.status == 302 and page.location.startswith("/admin/login/")


def test_a_new_superuser_has_no_grace_period(hardened):
    from django.contrib.auth.models import User

    User.objects.db_manager(hardened.alias).create_superuser("newroot", "newroot@bank.lab", "newroot-lab-pass")
    client = hardened.client()
    from mfalab import wizards

    page = wizards.password_step(client, "newroot", "newroot-lab-pass")
    assert wizards.signed_in(page)
    assert client.get("/rates/").location == "/account/enrol/?next=/rates/"
    assert client.post("/account/two_factor/setup/", {"setup_view-current_step": "welcome"}).status == 302


def test_one_enrolment_code_sent_in_10_parallel_sessions_is_redeemed_once(hardened):
    from concurrent.futures import ThreadPoolExecutor

    overdue(hardened)
    code = issue(hardened)
    clients = [hardened.login("sam") for _ in range(10)]
    for client in clients:
        client.get("/account/enrol/")
    with ThreadPoolExecutor(10) as pool:
        pages = list(pool.map(lambda c: c.post("/account/enrol/", {"code": code}), clients))
    assert sorted(p.status for p in pages) == [302] + [400] * 9


def test_the_bypass_sweep_finds_the_setup_wizard_when_only_exercise_6_is_missing(tmp_path, django_db_blocker):
    """With ex02 written and ex06 not, GETs of sensitive pages are refused, but a POST to the setup
    wizard still answers: the row must not read "blocked"."""
    import shutil

    from mfalab.attacks import bypass
    from mfalab.check import REPO

    for module in ("ex02_otp_required", "ex04_mfa_policy"):
        shutil.copy(REPO / "solutions" / f"{module}.py", tmp_path)
    with django_db_blocker.unblock(), SandboxLab(str(tmp_path)) as lab:
        result = bypass.password_only(lab, "alice")
        assert result.succeeded and result.evidence["reached"] == ["POST /account/two_factor/setup/"], result
        assert takeover.enrolment(lab.reset(), "alice").succeeded


def test_a_wrong_code_at_step_up_counts_toward_the_throttle(hardened):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from mfalab import wizards

    with takeover.stale_session(hardened, "alice", minutes=10) as client:
        wizards.password_step(client, "alice", "alice-lab-pass", next_url=takeover.DISABLE)
        page = wizards.token_step(client, "000000", next_url=takeover.DISABLE)
        assert not wizards.signed_in(page)
    device = TOTPDevice.objects.using(hardened.alias).get(user__username="alice")
    assert device.throttling_failure_count == 1


@pytest.mark.parametrize("forged", [False, True])
def test_a_security_key_registered_through_a_relay_is_refused_even_with_a_forged_host(hardened, forged):
    """The setup wizard's WebAuthn step checks the origin the lab serves, never the Host header:
    a key that a look-alike site on another port registers (its origin in clientDataJSON) is refused."""
    import json

    from mfalab import wizards
    from mfalab.authenticator import SoftAuthenticator
    from mfalab.ceremonies import creation_options
    from mfalab.client import HttpClient

    relay_origin = "http://localhost:9999"
    client = HttpClient(hardened.url, host="localhost:9999" if forged else None)
    wizards.password_only_login(client, "mallory", "mallory-lab-pass")  # no device: may enrol one
    page = wizards.setup_method(client, "webauthn")
    assert "webauthn-token" in page.text
    response = SoftAuthenticator(seed=b"relayed").create(creation_options(client), relay_origin)
    page = client.post(wizards.SETUP, {"setup_view-current_step": "webauthn", "webauthn-token": json.dumps(response)})
    assert page.status == 200 and takeover.device_rows(hardened, "mallory") == [], (page.status, page.location)
