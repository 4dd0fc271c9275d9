"""The learner's verifiers guard the bank, over real HTTP against a threaded server.

Each attack runs against the naive lab (django-otp's and two-factor's own checks: it must
work there, at least once in a few tries where it is a race) and against the lab with the
reference solutions (exercises 1 and 5 in front, one-time state written atomically, the
hardened SMS policy: it must fail every time).
"""

import json

import pytest

from mfalab import wizards
from mfalab.attacks import flood, races, relay, replay
from mfalab.ceremonies import persona_key, request_options

TRIES = 5


def at_least_once(attack, tries=TRIES):
    results = [attack() for _ in range(tries)]
    assert any(r.succeeded for r in results), [str(r) for r in results]
    return next(r for r in results if r.succeeded)


def test_parallel_totp_replay_signs_in_several_sessions_only_on_naive(naive_lab, solutions_lab):
    won = at_least_once(lambda: races.parallel_replay(naive_lab, "alice", sessions=10))
    assert won.evidence["signed in"] > 1
    for _ in range(3):
        result = races.parallel_replay(solutions_lab, "alice", sessions=10)
        assert not result.succeeded and result.evidence["signed in"] == 1, result


def test_parallel_guessing_is_checked_once_per_throttle_window_with_the_solutions(naive_lab, solutions_lab):
    won = at_least_once(lambda: races.parallel_guessing(naive_lab, "root", guesses=20))
    assert won.evidence["parallel factor"] > 1
    assert won.evidence["guesses a day (bursts, measured factor)"] > won.evidence[
        "guesses a day (formula, one at a time)"]
    for _ in range(3):
        result = races.parallel_guessing(solutions_lab, "root", guesses=20)
        assert not result.succeeded and result.evidence["checked"] <= 1, result
        assert result.evidence["failure count after the burst"] == result.evidence["checked"]


def test_forged_host_relay_works_on_naive_and_is_refused_on_the_pinned_origin(naive_lab, solutions_lab):
    naive = relay.relay_webauthn_forged_host(naive_lab)
    hardened = relay.relay_webauthn_forged_host(solutions_lab)
    assert naive.succeeded and naive.evidence["refused by"] == "nobody", naive
    assert not hardened.succeeded and hardened.evidence["refused by"] == "lab (origin check)", hardened
    assert hardened.evidence["Host header sent to the lab"].endswith(hardened.evidence["origin in clientDataJSON"]
                                                                      .rsplit(":", 1)[1])


def test_sms_replay_works_on_naive_only(naive_lab, solutions_lab):
    assert replay.replay(naive_lab, "bob").succeeded
    result = replay.replay(solutions_lab, "bob")
    assert not result.succeeded and "Invalid token" in result.evidence["error"], result


def test_sms_flood_sends_every_code_on_naive_and_three_with_the_solutions(naive_lab, solutions_lab):
    naive = flood.sms_flood(naive_lab, "bob", steps=20)
    hardened = flood.sms_flood(solutions_lab, "bob", steps=20)
    assert naive.succeeded and naive.evidence["texts sent"] == 20, naive
    assert not hardened.succeeded and hardened.evidence["texts sent"] == 3, hardened
    assert hardened.evidence["pages that said no"] == 17, hardened


def test_the_send_limit_counts_by_the_lab_clock(solutions_lab):
    from datetime import timedelta

    from lab_project.mfa import clock

    flood.sms_flood(solutions_lab, "bob", steps=4)
    start = clock.now(using=solutions_lab.alias)
    clock.freeze(start + timedelta(minutes=11), using=solutions_lab.alias)
    try:
        solutions_lab.login("bob")  # ten minutes later by the lab clock: a code is sent again
    finally:
        clock.freeze(None, using=solutions_lab.alias)


def test_an_sms_code_is_valid_for_one_step_with_the_solutions(solutions_lab):
    from datetime import timedelta

    from lab_project.mfa import clock

    client = solutions_lab.client()
    wizards.password_step(client, "bob", "bob-lab-pass")
    code = solutions_lab.outbox("sms", "+447700900101")[-1].token
    clock.freeze(clock.now(using=solutions_lab.alias) + timedelta(seconds=31), using=solutions_lab.alias)
    try:
        page = wizards.token_step(client, code)
    finally:
        clock.freeze(None, using=solutions_lab.alias)
    assert not wizards.signed_in(page) and "Invalid token" in " ".join(wizards.form_errors(page))


def key_step(lab, username="dana"):
    """A session at dana's WebAuthn step, and an assertion her key made for another origin."""
    client = lab.client()
    wizards.password_step(client, username, lab.persona(username).password)
    wrong = persona_key(username, lab).get(request_options(client), "http://localhost:1")
    return client, wrong


@pytest.mark.parametrize("code", ["naive", "solutions"])
def test_resubmitting_the_webauthn_step_after_a_failure_never_answers_500(code, naive_lab, solutions_lab):
    lab = {"naive": naive_lab, "solutions": solutions_lab}[code]
    client, wrong = key_step(lab)
    first = wizards.token_step(client, json.dumps(wrong))
    again = wizards.token_step(client, json.dumps(wrong))
    assert (first.status, again.status) == (200, 200), (first.text[:300], again.text[:300])
    assert wizards.form_errors(again) and not wizards.signed_in(again)
    if code == "solutions":  # a fresh challenge came with the error: the key can be asked again
        import time

        time.sleep(2.1)  # the throttle's wait after two failures
        right = persona_key("dana", lab).get(request_options(client), client.base_url)
        assert wizards.signed_in(wizards.token_step(client, json.dumps(right)))


def test_failed_assertions_are_throttled_with_the_solutions(solutions_lab):
    from two_factor.plugins.webauthn.models import WebauthnDevice

    client, wrong = key_step(solutions_lab)
    wizards.token_step(client, json.dumps(wrong))
    right = persona_key("dana", solutions_lab).get(request_options(client), client.base_url)
    page = wizards.token_step(client, json.dumps(right))
    assert not wizards.signed_in(page) and "temporarily disabled" in " ".join(wizards.form_errors(page))
    device = WebauthnDevice.objects.using(solutions_lab.alias).get(user__username="dana")
    assert device.throttling_failure_count == 1
