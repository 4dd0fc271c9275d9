"""mfalab.widgets: the live code and the drift slider, driven by setting widget values."""

import base64

import pyotp

from mfalab import totp_math as tm
from mfalab.widgets import DriftExplorer, LiveCode, countdown, drift_verdict

SECRET = bytes(range(20))
AT = 1_700_000_025  # 15 s into step 56666667 (which starts at 1_700_000_010)


def reference(at, digits=6, interval=30):
    return pyotp.TOTP(base64.b32encode(SECRET).decode(), digits=digits, interval=interval).at(at)


def test_countdown():
    assert countdown(59) == (1, 1)
    assert countdown(60) == (2, 30)
    assert countdown(AT) == (56666667, 15)


def test_live_code_refresh_shows_code_and_seconds_left():
    live = LiveCode(SECRET, clock=lambda: AT)
    code = reference(AT)
    assert f"{code[:3]} {code[3:]}" in live.code.value and live.bar.value == 15 and live.label.value == "15 s"
    assert live.refresh(at=AT + 14) == code
    assert live.bar.bar_style == "danger" and live.label.value == "1 s"
    assert live.refresh(at=AT + 15) == reference(AT + 15) != code
    assert live.bar.value == 30 and live.bar.bar_style == "success"


def test_live_code_eight_digits_and_learner_function():
    calls = []
    live = LiveCode(SECRET, digits=8, step=60, clock=lambda: AT,
                    totp=lambda *a, **k: calls.append((a, k)) or tm.totp(*a, **k))
    assert live.refresh(at=AT) == reference(AT, digits=8, interval=60)
    assert calls[-1][1] == {"step": 60, "digits": 8}


def test_live_code_thread_starts_and_stops():
    ticks = []
    live = LiveCode(SECRET, clock=lambda: ticks.append(1) or AT)
    live.start(seconds=60, interval=0.01)
    assert live.running
    live.stop()
    assert not live.running and live._thread is None
    count = len(ticks)
    live.stop()  # stopping twice is fine
    assert len(ticks) == count


def test_drift_verdict():
    v = drift_verdict(0, at=AT)
    assert v["ok"] and v["offset"] == 0 and v["accepted"] == [56666666, 56666667, 56666668]
    assert drift_verdict(44, at=AT)["ok"] and drift_verdict(44, at=AT)["offset"] == 1  # 59 s after the step began
    assert not drift_verdict(45, at=AT)["ok"]  # 60 s after: step +2
    assert drift_verdict(-45, at=AT)["offset"] == -1 and not drift_verdict(-46, at=AT)["ok"]
    assert drift_verdict(45, at=AT, window=2)["ok"]
    assert not drift_verdict(0, at=AT, last_step=56666667)["ok"]


def test_drift_explorer_reacts_to_sliders():
    explorer = DriftExplorer(SECRET, at=AT)
    assert "ACCEPTED" in explorer.output.value and reference(AT) in explorer.output.value
    explorer.drift.value = 60
    assert "REFUSED" in explorer.output.value and reference(AT + 60) in explorer.output.value
    assert "step +2" in explorer.output.value
    explorer.window.value = 2
    assert "ACCEPTED" in explorer.output.value and "-2..+2" in explorer.output.value
    explorer.window.value = 0
    explorer.drift.value = -20
    assert "REFUSED" in explorer.output.value and "+0..+0" in explorer.output.value
    assert explorer.verdict()["offset"] == -1


def test_drift_explorer_with_replay_protection():
    explorer = DriftExplorer(SECRET, at=AT, last_step=56666667)
    assert "REFUSED" in explorer.output.value
    explorer.drift.value = 30
    assert "ACCEPTED" in explorer.output.value
