"""The lab's personas sign in through the real two-factor wizards, and what refuses them."""

import time

import pytest

from mfalab import wizards
from mfalab.lab import LoginFailed
from mfalab.otp import totp_code


@pytest.mark.parametrize("username", ["alice", "bob", "carol", "root"])
def test_each_persona_signs_in_with_its_own_factor(lab, username):
    client = lab.login(username)
    page = client.get("/dashboard/")
    assert page.status == 200
    assert lab.account(username).number in page.text
    assert "second factor verified" in page.text


def test_persona_without_device_is_signed_in_after_the_password(lab):
    client = lab.login("sam")
    assert "second factor <strong>not</strong> verified" in client.get("/dashboard/").text


def test_wrong_code_is_refused(lab):
    with pytest.raises(LoginFailed, match="Invalid token"):
        lab.login("alice", code="000000" if lab.current_code("alice") != "000000" else "111111")


def test_wrong_password_is_refused(lab):
    client = lab.client()
    page = wizards.password_step(client, "alice", "not-her-password")
    assert page.status == 200
    assert any("correct username and password" in e for e in wizards.form_errors(page))


def test_a_totp_code_is_refused_the_second_time(lab):
    code = lab.current_code("alice")
    lab.login("alice", code=code)
    with pytest.raises(LoginFailed):
        lab.login("alice", code=code)


def test_throttling_engages_after_a_failure_and_lifts_after_the_delay(lab):
    wrong = "999999" if lab.current_code("alice") != "999999" else "888888"
    with pytest.raises(LoginFailed, match="Invalid token"):
        lab.login("alice", code=wrong)
    assert lab.devices("alice")[0].throttling_failure_count == 1
    # django-otp: after n failures the next try must wait 2**(n-1) s; the right code too.
    with pytest.raises(LoginFailed, match="[Tt]oo many|try again"):
        lab.login("alice")
    time.sleep(1.2)
    assert lab.login("alice").get("/dashboard/").status == 200
    assert lab.devices("alice")[0].throttling_failure_count == 0


def test_sms_code_lands_in_the_outbox_and_signs_in(lab):
    before = len(lab.outbox("sms", to=lab.persona("bob").phone))
    client = lab.login("bob")
    sent = lab.outbox("sms", to=lab.persona("bob").phone)
    assert len(sent) == before + 1
    assert sent[-1].token and sent[-1].token in sent[-1].body
    assert client.get("/dashboard/").status == 200


def test_email_code_lands_in_the_outbox(lab):
    lab.login("carol")
    mail = lab.outbox("email", to="carol@bank.lab")[-1]
    assert len(mail.token) == 6 and mail.token in mail.body


def test_naive_backup_token_works_once(lab):
    from django_otp.plugins.otp_static.models import StaticDevice

    device = StaticDevice.objects.create(user=lab.user("alice"), name="backup")
    device.token_set.create(token="abcd2345")
    client = lab.login("alice", "backup", code="abcd2345")
    assert client.get("/dashboard/").status == 200
    with pytest.raises(LoginFailed):
        lab.login("alice", "backup", code="abcd2345")


def test_enrolling_totp_through_the_setup_wizard(lab):
    client = lab.login("mallory")
    secret = lab.enroll_totp("mallory", client=client)
    device = lab.devices("mallory")[0]
    assert device.bin_key == secret and len(secret) == 20
    assert device.confirmed
    # The next login needs the second factor, computed from the provisioned secret.
    fresh = lab.client()
    page = wizards.password_step(fresh, "mallory", lab.persona("mallory").password)
    assert "token-otp_token" in page.text
    page = wizards.token_step(fresh, totp_code(secret, offset=1))
    assert wizards.signed_in(page)


def test_signup_creates_an_account_and_offers_setup(lab):
    client = lab.client()
    client.get("/signup/")
    page = client.post("/signup/", {"username": "newbie", "email": "newbie@bank.lab",
                                    "password1": "a-long-lab-pass-42", "password2": "a-long-lab-pass-42"})
    assert page.status == 302 and page.location.endswith("/account/two_factor/setup/")
    assert lab.account("newbie").balance > 0


def test_transfer_moves_money_with_csrf_over_http(lab):
    with lab.serve() as server:
        from mfalab.client import HttpClient

        client = lab.login("alice", client=HttpClient(server.url))
        page = client.get("/transfer/")
        assert "csrfmiddlewaretoken" in page.text
        source = lab.account("alice")
        page = client.post("/transfer/", {"source": source.pk, "target": "40000002", "amount": "25.00", "memo": "lunch"})
        assert page.status == 302
        assert lab.account("alice").balance == source.balance - 25
        statement = client.get(f"/statement/{source.number}.csv")
        assert statement.status == 200 and "lunch" in statement.text
