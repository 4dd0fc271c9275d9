"""Brute force of the one-time code through the real login wizard.

The attacker has the password and sends guesses at the wizard's token step. Two runs:

- throttle off: OTP_TOTP_THROTTLE_FACTOR=0 (django.test.override_settings, so only for
  an in-process lab: settings belong to the process that serves). The victim's device is
  reduced to a small code space for the run (digits=1, tolerance=0: 10 codes, 1 accepted)
  so that successes happen within seconds; the empirical success curve is compared with
  P = 1 - (1 - w/10^d)^k. The full 10^6 space is extrapolated from the measured rate.
- throttle on: django-otp's default (factor 1): after n consecutive failures the next
  try must wait 2**(n-1) s; tries inside the wait are refused without being checked.
"""

import math
import random
import time

from .. import wizards
from ..totp_math import attempts_for, guess_probability, throttled_attempts
from .results import AttackResult, lab_name, reached

THROTTLED = "temporarily disabled"
DAY = 86400


def _device(lab, username):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.using(lab.alias).get(user__username=username)


def _reset(device, **fields):
    fields = {"last_t": -1, "throttling_failure_count": 0, "throttling_failure_timestamp": None, **fields}
    type(device).objects.using(device._state.db).filter(pk=device.pk).update(**fields)


def _guess(rng, digits):
    """A uniformly random code of the reduced space, typed as the 6 digits the form insists on."""
    return f"{rng.randrange(10 ** digits):06d}"


def _is_in_process(lab):
    from ..lab import InProcessLab

    return isinstance(lab, InProcessLab)


# -- throttle off: measured rate and empirical curve ----------------------------------------

def unthrottled(lab, username="root", *, digits=1, trials=20, max_guesses=30, seed=0):
    """Guess at the real wizard with throttling off, on a reduced code space; `trials` fresh logins.

    Returns an AttackResult whose evidence holds the guesses each trial needed (None: not
    found within max_guesses), the measured guess rate and the extrapolation to 10^6 codes.
    """
    from django.test import override_settings

    if not _is_in_process(lab):
        raise ValueError("The throttle-off run changes a setting, and settings belong to the serving process: "
                         "run it on an in-process lab (mfalab.boot()), not a SandboxLab.")
    setting = f"OTP_TOTP_THROTTLE_FACTOR=0 (override_settings); {username}'s device digits={digits}, tolerance=0"
    rng = random.Random(seed)
    device = _device(lab, username)
    saved = {"digits": device.digits, "tolerance": device.tolerance, "drift": device.drift}
    needed, guesses, hit_codes, ok_page = [], 0, [], None
    start = time.perf_counter()
    try:
        with override_settings(OTP_TOTP_THROTTLE_FACTOR=0):
            for _ in range(trials):
                _reset(device, digits=digits, tolerance=0, drift=0)
                client = lab.client()
                wizards.password_step(client, username, lab.persona(username).password)
                for k in range(1, max_guesses + 1):
                    code = _guess(rng, digits)
                    page = wizards.token_step(client, code)
                    guesses += 1
                    if wizards.signed_in(page):
                        needed.append(k)
                        hit_codes.append(code)
                        if ok_page is None:  # the first success: does the session open the bank?
                            ok_page = reached(client)[1]
                        break
                else:
                    needed.append(None)
        elapsed = time.perf_counter() - start
    finally:
        _reset(device, **saved)
    rate = guesses / elapsed
    evidence = {
        "code space": 10 ** digits, "accepted codes": 1, "trials": trials, "max guesses": max_guesses,
        "guesses to success": needed, "codes that worked": hit_codes, "guesses per second": rate,
        "page": ok_page.path if ok_page is not None and ok_page.status == 200 else None,
        **full_space_extrapolation(rate),
    }
    found = sum(n is not None for n in needed)
    ok = found > 0 and evidence["page"] == "/dashboard/" and evidence["hours to 50% (10^6 codes)"] <= 24
    reason = (f"{found} of {trials} reduced-space logins found the code; at {rate:.0f} guesses/s the 6-digit "
              f"code falls to 50% odds in {evidence['hours to 50% (10^6 codes)']:.1f} h")
    return AttackResult("brute force, throttle off", "TOTP", lab_name(lab), ok, attempts=guesses, elapsed=elapsed,
                        evidence=evidence, reason=reason, setting=setting)


def full_space_extrapolation(rate, *, digits=6, window=1):
    """What a measured guess rate means for the real code space: hours to 50% and to 90%."""
    return {f"hours to {p:.0%} (10^{digits} codes)": attempts_for(p, window=window, digits=digits) / rate / 3600
            for p in (0.5, 0.9)}


# -- throttle on: the lockout schedule -------------------------------------------------------

def throttled(lab, username="root", *, seconds=3.0, poll=0.25, seed=0):
    """Guess 6-digit codes at the real wizard for `seconds` with the lab's own throttling.

    Tries that land inside a throttle wait are refused unchecked; the attacker polls every
    `poll` s. Rate = guesses actually checked per second.
    """
    from django.conf import settings

    rng = random.Random(seed)
    factor = getattr(settings, "OTP_TOTP_THROTTLE_FACTOR", 1)  # the lab's settings file; no override here
    client = lab.client()
    wizards.password_step(client, username, lab.persona(username).password)
    start = time.perf_counter()
    checked, refused, times, ok, errors = 0, 0, [], False, ""
    while time.perf_counter() - start < seconds:
        page = wizards.token_step(client, _guess(rng, 6))
        if wizards.signed_in(page):
            ok, checked = True, checked + 1
            break
        errors = " ".join(wizards.form_errors(page))
        if THROTTLED in errors:
            refused += 1
            time.sleep(poll)
        else:
            checked += 1
            times.append(round(time.perf_counter() - start, 2))
    elapsed = time.perf_counter() - start
    per_day = throttled_attempts(DAY, factor=factor)
    evidence = {"requests": checked + refused, "checked": checked, "refused unchecked": refused,
                "checked at (s)": times, "last error": errors, "guesses per second": checked / elapsed,
                "throttle factor": factor, "guesses a day under this schedule": per_day,
                "P(success) in a day": guess_probability(per_day)}
    reason = (f"only {checked} of {checked + refused} tries were checked in {seconds:g} s; the doubling waits "
              f"allow {per_day} guesses a day: P = {guess_probability(per_day):.1e}")
    return AttackResult("brute force, throttle on", "TOTP", lab_name(lab), ok, attempts=checked + refused,
                        elapsed=elapsed, evidence=evidence, reason=reason,
                        setting=f"OTP_TOTP_THROTTLE_FACTOR={factor} (lab default)")


# -- the curves ------------------------------------------------------------------------------

def empirical_cdf(needed, max_guesses):
    """Fraction of trials that had succeeded after k guesses, k = 1..max_guesses."""
    n = len(needed)
    return [sum(1 for x in needed if x is not None and x <= k) / n for k in range(1, max_guesses + 1)]


def formula_cdf(max_guesses, *, digits=1, window=0):
    return [guess_probability(k, window=window, digits=digits) for k in range(1, max_guesses + 1)]


def dkw_epsilon(n, alpha=0.05):
    """Dvoretzky-Kiefer-Wolfowitz: the empirical CDF of n trials stays within this of the true
    CDF everywhere with probability 1 - alpha."""
    return math.sqrt(math.log(2 / alpha) / (2 * n))


def max_deviation(result):
    """Largest gap between the empirical curve and the formula over k = 1..max guesses."""
    ev = result.evidence
    digits = round(math.log10(ev["code space"]))
    emp = empirical_cdf(ev["guesses to success"], ev["max guesses"])
    return max(abs(a - b) for a, b in zip(emp, formula_cdf(ev["max guesses"], digits=digits)))


def plot_empirical(result, alpha=0.05):
    """The measured success curve of the reduced-space run against the formula, with the DKW band."""
    import matplotlib.pyplot as plt

    ev = result.evidence
    digits = round(math.log10(ev["code space"]))
    ks = list(range(1, ev["max guesses"] + 1))
    formula = formula_cdf(ev["max guesses"], digits=digits)
    eps = dkw_epsilon(ev["trials"], alpha)
    fig, ax = plt.subplots(figsize=(7, 3.5))
    ax.fill_between(ks, [max(0, f - eps) for f in formula], [min(1, f + eps) for f in formula], alpha=0.2,
                    label=f"formula ± {eps:.2f} (DKW, {1 - alpha:.0%})")
    ax.plot(ks, formula, label=f"formula 1 - (1 - 1/10^{digits})^k")
    ax.step(ks, empirical_cdf(ev["guesses to success"], ev["max guesses"]), where="post",
            label=f"measured: {ev['trials']} logins through the wizard")
    ax.set_xlabel("guesses k")
    ax.set_ylabel("P(signed in after k guesses)")
    ax.set_title(f"Reduced code space: {ev['code space']} codes, throttle off")
    ax.grid(True, alpha=0.3)
    ax.legend(loc="lower right")
    fig.tight_layout()
    return fig


def plot_odds(rate, *, factor=1, digits=6, window=1):
    """P(success) against the attacker's time, at a measured unthrottled rate and under throttling."""
    import matplotlib.pyplot as plt

    seconds = [10 ** (i / 10) for i in range(0, 76)]  # 1 s .. ~1 year
    fig, ax = plt.subplots(figsize=(7, 3.5))
    ax.plot(seconds, [guess_probability(int(rate * s), window=window, digits=digits) for s in seconds],
            label=f"throttle off: {rate:.0f} guesses/s (measured)")
    ax.plot(seconds, [guess_probability(throttled_attempts(s, factor=factor), window=window, digits=digits)
                      for s in seconds], label=f"throttle on: waits {factor:g}·2^(n-1) s")
    for label, s in [("1 h", 3600), ("1 day", DAY), ("1 year", 365 * DAY)]:
        ax.axvline(s, color="grey", lw=0.5)
        ax.text(s, 1.5, label, ha="center", fontsize=8)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_ylim(1e-7, 3)
    ax.set_xlabel("attacker's time (s)")
    ax.set_ylabel("P(code guessed)")
    ax.set_title(f"{digits}-digit code, {2 * window + 1} codes accepted at once")
    ax.grid(True, alpha=0.3)
    ax.legend(loc="center right")
    fig.tight_layout()
    return fig
