"""The attack toolkit against the naive lab and the hardened (solutions) lab.

Each test fails if an attack stops working where it should work, or starts working
where it should be blocked. Some attacks are not stopped by any exercise (the factor
itself is the weakness: SMS interception, SMS replay, seed theft, the relay against
one-time codes); their tests say so and check the factor that does stop them.
"""

import socket

import pytest

from mfalab import attacks
from mfalab.attacks import bruteforce, matrix, relay
from mfalab.attacks.results import AttackResult


def port_closed(port):
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) != 0


def test_bypass_works_on_naive_and_is_blocked_when_mfa_is_required(naive_lab, solutions_lab):
    naive = attacks.bypass.password_only(naive_lab)
    hardened = attacks.bypass.password_only(solutions_lab)
    assert naive.succeeded and "GET /dashboard/" in naive.evidence["reached"], naive
    assert "POST /transfer/" in naive.evidence["reached"], "the sweep posts too"
    assert not hardened.succeeded and hardened.evidence["reached"] == [], hardened
    assert hardened.evidence["requests"] > 100, "every route, by GET and by POST"
    assert (naive.lab, hardened.lab) == ("naive", "solutions")


def test_bypass_in_process_lab(lab):
    assert attacks.bypass.password_only(lab, "bob").succeeded


def test_bruteforce_without_throttling_finds_codes_and_matches_the_formula(lab):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    result = bruteforce.unthrottled(lab, trials=12, max_guesses=30)
    ev = result.evidence
    assert result.succeeded and "OTP_TOTP_THROTTLE_FACTOR=0" in result.setting, result
    assert sum(n is not None for n in ev["guesses to success"]) >= 6, ev["guesses to success"]
    assert ev["page"] == "/dashboard/" and ev["guesses per second"] > 0
    assert result.attempts == sum(n or 30 for n in ev["guesses to success"])
    # 1 - alpha = 99.9 %: the measured curve stays in the DKW band unless the formula is wrong
    assert bruteforce.max_deviation(result) <= bruteforce.dkw_epsilon(12, alpha=0.001)
    device = TOTPDevice.objects.get(user__username="root")
    assert (device.digits, device.tolerance, device.throttling_failure_count) == (6, 1, 0), "device restored"


def test_the_unthrottled_run_refuses_a_served_lab(naive_lab):
    with pytest.raises(ValueError, match="in-process lab"):
        bruteforce.unthrottled(naive_lab)


def test_throttling_blocks_brute_force_on_both_labs(naive_lab, solutions_lab):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    for served in (naive_lab, solutions_lab):
        result = bruteforce.throttled(served, seconds=1.5)
        ev = result.evidence
        assert not result.succeeded, result
        assert ev["refused unchecked"] >= 1 and "temporarily disabled" in ev["last error"], ev
        failures = TOTPDevice.objects.using(served.alias).get(user__username="root").throttling_failure_count
        assert failures == ev["checked"], "only checked guesses count as failures"
        assert ev["guesses a day under this schedule"] == 17


def test_odds_helpers():
    assert bruteforce.dkw_epsilon(20, 0.05) == pytest.approx(0.3037, abs=1e-3)
    hours = bruteforce.full_space_extrapolation(100.0)
    assert hours["hours to 50% (10^6 codes)"] == pytest.approx(231049 / 100 / 3600, rel=1e-3)


def test_sms_and_email_interception_work_on_both_labs(naive_lab, solutions_lab):
    """No exercise stops a stolen code: the factor is the weakness."""
    for served in (naive_lab, solutions_lab):
        sms = attacks.interception.sms(served)
        email = attacks.interception.email(served)
        assert sms.succeeded and sms.evidence["page"] == "/dashboard/", sms
        assert sms.evidence["code"] == served.outbox("sms", "+447700900101")[-1].token
        assert email.succeeded and email.evidence["code"] in email.evidence["intercepted"], email


def test_sms_codes_replay_on_naive_and_no_code_replays_with_exercise_1(naive_lab, solutions_lab):
    sms = attacks.replay.replay(naive_lab, "bob")
    assert sms.succeeded and sms.evidence["page"] == "/dashboard/", sms
    for served in (naive_lab, solutions_lab):
        totp = attacks.replay.replay(served, "alice")
        assert not totp.succeeded and "Invalid token" in totp.evidence["error"], totp
    sms = attacks.replay.replay(solutions_lab, "bob")
    assert not sms.succeeded and "Invalid token" in sms.evidence["error"], sms


def test_the_totp_replay_scene_runs_after_earlier_sign_ins_in_the_same_step(lab):
    """Earlier scenes used up the codes alice's device accepts in this step (now and the
    next one); the replay scene still runs, and its replayed code is still refused."""
    import time

    device = lab.devices("alice")[0]
    device.last_t = int(time.time()) // device.step + 1  # as after two sign-ins within one step
    device.save(using=lab.alias)
    totp = attacks.replay.replay(lab, "alice")
    assert not totp.succeeded and "Invalid token" in totp.evidence["error"], totp


def test_seed_theft_mints_codes_unless_the_key_is_encrypted(naive_lab, solutions_lab):
    from mfalab.attacks import seed_theft

    for served in (naive_lab, solutions_lab):
        stolen = seed_theft.steal_seed(served)
        assert stolen.succeeded and stolen.evidence["dumped key"] == served.persona("alice").totp_key, stolen
    vault = seed_theft.new_vault_key()
    encrypted = seed_theft.steal_seed(naive_lab, vault_key=vault)
    assert not encrypted.succeeded and encrypted.evidence["dumped key"].startswith("gAAAAA"), encrypted
    row = seed_theft.encrypt_dump(seed_theft.dump_totp_keys(naive_lab), vault)["alice"]
    assert seed_theft.decrypt_key(row["key"], vault) == naive_lab.persona("alice").totp_key


def test_backup_codes_dump_in_plaintext_naive_and_hashed_hardened(naive_lab, solutions_lab):
    naive = attacks.backup_dump.dump_and_use(naive_lab)
    hardened = attacks.backup_dump.dump_and_use(solutions_lab)
    assert naive.succeeded and naive.evidence["plaintext"], naive
    assert naive.evidence["read from"] == "otp_static_statictoken.token"
    assert not hardened.succeeded and not hardened.evidence["plaintext"], hardened
    assert hardened.evidence["read from"] == "mfa_backupcode.digest" and hardened.evidence["rows dumped"] == 10


def test_relay_phishes_sms_and_totp_on_both_labs_and_stops_its_servers(naive_lab, solutions_lab):
    for served in (naive_lab, solutions_lab):
        for username in ("bob", "alice"):
            result = relay.relay_login(served, username)
            assert result.succeeded and result.evidence["victim typed"] == ["password", "code"], result
            assert port_closed(int(result.evidence["relay"].rsplit(":", 1)[1]))


def test_relay_fails_against_webauthn_on_the_origin(naive_lab, solutions_lab):
    for served in (naive_lab, solutions_lab):
        result = relay.relay_webauthn(served)
        ev = result.evidence
        assert not result.succeeded and ev["refused by"] == "lab (origin check)", result
        assert ev["py_webauthn, expecting the lab's origin"].startswith("refused: Unexpected client data origin")
        assert ev["py_webauthn, expecting the relay's origin"].startswith("accepted")


def test_relay_on_an_in_process_lab_serves_it_and_stops_everything_on_error(lab):
    result = relay.relay_login(lab, "alice")
    assert result.succeeded, result
    with pytest.raises(RuntimeError, match="cell failed"):
        with relay.relay_for(lab) as phishing:
            lab_port = int(phishing.lab_url.rsplit(":", 1)[1])
            assert phishing.running and not port_closed(phishing.port) and not port_closed(lab_port)
            raise RuntimeError("cell failed")
    assert not phishing.running and port_closed(phishing.port) and port_closed(lab_port)
    assert all(not server.running for server in lab.servers)


def test_matrix_is_computed_from_results():
    import matplotlib

    matplotlib.use("Agg")
    runs = {"naive": [AttackResult("bypass", "any", "naive", True), AttackResult("replay", "SMS", "naive", True)],
            "hardened": [AttackResult("bypass", "any", "solutions", False),
                         AttackResult("bypass", "any", "solutions", True)]}
    m = matrix.attack_matrix(runs)
    assert m.rows == ["bypass (any)", "replay (SMS)"] and m.labs == ["naive", "hardened"]
    assert m.cell("bypass (any)", "naive") == "succeeded" and m.cell("bypass (any)", "hardened") == "succeeded"
    assert m.cell("replay (SMS)", "hardened") == "not run"
    assert repr(m).splitlines()[-1].split() == ["replay", "(SMS)", "succeeded", "not", "run"]
    fig = matrix.draw(m)
    table = fig.axes[0].tables[0]
    assert table[1, 1].get_text().get_text() == "succeeded"
    assert matplotlib.colors.to_hex(table[2, 1].get_facecolor()) == matrix.COLOURS["not run"]


def test_campaign_runs_each_attack_on_every_lab_and_feeds_the_matrix():
    from mfalab.attacks import Campaign

    labs = {"naive": "lab-a", "hardened": "lab-b"}
    campaign = Campaign(labs)

    def fake_attack(lab, who):
        return AttackResult("fake", who, lab, succeeded=lab == "lab-a", reason="because")

    done = campaign.run(fake_attack, "SMS")
    assert [r.lab for r in done] == ["lab-a", "lab-b"]
    assert repr(done).splitlines() == ["fake (SMS) on lab-a: SUCCEEDED. because", "fake (SMS) on lab-b: BLOCKED. because"]
    campaign.run(fake_attack, "TOTP", only=["hardened"])
    m = campaign.matrix()
    assert m.cell("fake (SMS)", "naive") == "succeeded" and m.cell("fake (SMS)", "hardened") == "blocked"
    assert m.cell("fake (TOTP)", "naive") == "not run"


def test_hardened_lab_serves_the_solutions_or_is_none_without_them(tmp_path, django_db_blocker):
    assert attacks.hardened_lab(tmp_path) is None  # a kit without solutions/ (the student release)
    with django_db_blocker.unblock():
        hardened = attacks.hardened_lab()
        try:
            assert hardened.code == "solutions"
            assert not attacks.bypass.password_only(hardened).succeeded
        finally:
            hardened.stop()
