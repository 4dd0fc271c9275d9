"""Widgets for notebook 01: a live TOTP code with its countdown, and a drift slider.

    from mfalab.widgets import LiveCode, DriftExplorer
    LiveCode(secret).start()          # the code an authenticator app shows now
    DriftExplorer(secret, at=...)     # move the phone's clock: which steps does the server accept?

The logic is in plain methods (`refresh(at)`, `update()`) so tests drive the widgets by
calling them and setting widget values, without a browser.
"""

import threading
import time

import ipywidgets as w

from . import totp_math


def countdown(at: float, step: int = 30) -> tuple[int, float]:
    """The time step at `at` and the seconds left before the next one."""
    counter = totp_math.time_step(at, step)
    return counter, (counter + 1) * step - at


class LiveCode:
    """The code an authenticator app shows for `secret`, refreshed every second."""

    def __init__(self, secret: bytes, *, step: int = 30, digits: int = 6, totp=None, clock=time.time):
        self.secret, self.step, self.digits = secret, step, digits
        self.totp = totp or totp_math.totp
        self.clock = clock
        self.code = w.HTML()
        self.bar = w.FloatProgress(min=0, max=step, description="seconds left", bar_style="success")
        self.label = w.Label()
        self.widget = w.VBox([self.code, w.HBox([self.bar, self.label])])
        self._stop = threading.Event()
        self._thread = None
        self.refresh()

    def refresh(self, at: float | None = None):
        """Show the code and the countdown for time `at` (now by default)."""
        at = self.clock() if at is None else at
        counter, left = countdown(at, self.step)
        value = self.totp(self.secret, at, step=self.step, digits=self.digits)
        self.code.value = (f"<span style='font-size:2em;font-family:monospace;letter-spacing:0.2em'>"
                           f"{value[:3]} {value[3:]}</span> <small>time step {counter}</small>")
        self.bar.value = left
        self.bar.bar_style = "success" if left > 10 else ("warning" if left > 5 else "danger")
        self.label.value = f"{left:.0f} s"
        return value

    def start(self, *, seconds: float = 600, interval: float = 1.0):
        """Refresh every `interval` seconds from a background thread, for `seconds` at most."""
        self.stop()
        self._stop.clear()

        def run():
            ends = time.monotonic() + seconds
            while not self._stop.wait(interval) and time.monotonic() < ends:
                self.refresh()

        self._thread = threading.Thread(target=run, name="mfalab-live-code", daemon=True)
        self._thread.start()
        return self

    def stop(self):
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    @property
    def running(self):
        return self._thread is not None and self._thread.is_alive()

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


def drift_verdict(drift: float, *, at: float, window: int = 1, step: int = 30,
                  last_step: int | None = None) -> dict:
    """What a server at `at` says to a phone whose clock is `drift` seconds off."""
    server_step = totp_math.time_step(at, step)
    phone_step = totp_math.time_step(at + drift, step)
    accepted = totp_math.accepted_steps(at, window=window, step=step, last_step=last_step)
    return {"server_step": server_step, "phone_step": phone_step, "offset": phone_step - server_step,
            "accepted": accepted, "ok": phone_step in accepted}


class DriftExplorer:
    """Sliders for a phone's clock drift and the server's tolerance; a verdict per step."""

    def __init__(self, secret: bytes, *, at: float, step: int = 30, window: int = 1, drift: int = 0,
                 last_step: int | None = None, totp=None):
        self.secret, self.at, self.step, self.last_step = secret, at, step, last_step
        self.totp = totp or totp_math.totp
        self.drift = w.IntSlider(value=drift, min=-150, max=150, step=5, description="phone drift (s)",
                                 continuous_update=False, style={"description_width": "initial"})
        self.window = w.IntSlider(value=window, min=0, max=3, description="tolerance ±steps",
                                  style={"description_width": "initial"})
        self.output = w.HTML()
        self.widget = w.VBox([self.drift, self.window, self.output])
        self.drift.observe(self.update, names="value")
        self.window.observe(self.update, names="value")
        self.update()

    def verdict(self) -> dict:
        return drift_verdict(self.drift.value, at=self.at, window=self.window.value, step=self.step,
                             last_step=self.last_step)

    def update(self, change=None):
        v = self.verdict()
        code = self.totp(self.secret, self.at + self.drift.value, step=self.step)
        boxes = []
        for s in range(v["server_step"] - 4, v["server_step"] + 5):
            color = "#2da44e" if s in v["accepted"] else "#d0d7de"
            border = "3px solid #0969da" if s == v["phone_step"] else "1px solid white"
            boxes.append(f"<span style='display:inline-block;width:52px;text-align:center;background:{color};"
                         f"border:{border}'>{s - v['server_step']:+d}</span>")
        timeline = "<div>" + "".join(boxes) + "</div>"
        if v["accepted"]:
            span = f"{v['accepted'][0] - v['server_step']:+d}..{v['accepted'][-1] - v['server_step']:+d}"
            verdict = f"The server accepts steps {span}: <b>{'ACCEPTED' if v['ok'] else 'REFUSED'}</b>"
        else:
            verdict = "The server accepts no step: <b>REFUSED</b>"
        self.output.value = (f"{timeline}<p>The phone shows <code>{code}</code> "
                             f"(step {v['offset']:+d} from the server's). {verdict}</p>")
        return v

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)
