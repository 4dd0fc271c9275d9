"""TOTP math for teaching: HOTP step by step, the RFC vectors, windows and guessing odds.

    from mfalab import totp_math
    print(totp_math.hotp_steps(totp_math.RFC4226_SECRET, 0))   # every byte of RFC 4226 5.4
    totp_math.rfc4226_table()                                  # Appendix D, recomputed
    totp = totp_math.ex01_or_reference("totp")                 # your ex01.totp, or the reference

The reference functions here follow RFC 4226 (HOTP) and RFC 6238 (TOTP) and use only
the standard library, like exercise 1 asks.
"""

import base64
import hashlib
import hmac
import importlib
import importlib.util
import math
import os
import struct
import sys
from dataclasses import dataclass
from pathlib import Path

from lab_project.mfa import freshness

from .display import Table

DIGESTS = {"sha1": hashlib.sha1, "sha256": hashlib.sha256, "sha512": hashlib.sha512}

# RFC 4226 Appendix D.
RFC4226_SECRET = b"12345678901234567890"
RFC4226_HOTP = ["755224", "287082", "359152", "969429", "338314",
                "254676", "287922", "162583", "399871", "520489"]

# RFC 6238 Appendix B: one seed per hash, as long as the hash's output; 8 digits.
RFC6238_SEEDS = {
    "sha1": b"12345678901234567890",
    "sha256": b"12345678901234567890123456789012",
    "sha512": b"1234567890123456789012345678901234567890123456789012345678901234",
}
RFC6238_TIMES = [59, 1111111109, 1111111111, 1234567890, 2000000000, 20000000000]
RFC6238_TOTP = {
    "sha1": ["94287082", "07081804", "14050471", "89005924", "69279037", "65353130"],
    "sha256": ["46119246", "68084774", "67062674", "91819424", "90698825", "77737706"],
    "sha512": ["90693936", "25091201", "99943326", "93441116", "38618901", "47863826"],
}

NIST_MIN_SECRET_BITS = 112  # NIST SP 800-63B: shared secrets of at least 112 bits


# -- reference HOTP / TOTP ---------------------------------------------------------------

@dataclass(frozen=True)
class HotpSteps:
    """Every intermediate value of RFC 4226 section 5.3 for one counter."""

    secret: bytes
    counter: int
    digest: str
    digits: int
    message: bytes  # the counter as 8 big-endian bytes
    mac: bytes  # HMAC(secret, message)
    offset: int  # low 4 bits of the last MAC byte
    chunk: bytes  # mac[offset:offset+4]
    binary: int  # chunk as an int with its top bit cleared
    code: str  # binary mod 10**digits, zero-padded

    def lines(self):
        digits = self.digits
        return [
            f"1. counter {self.counter} as 8 big-endian bytes: {self.message.hex(' ')}",
            f"2. HMAC-{self.digest.upper()}(secret, counter) = {self.mac.hex(' ')}",
            f"3. last byte 0x{self.mac[-1]:02x}, low nibble -> offset {self.offset}",
            f"4. bytes {self.offset}..{self.offset + 3}: {self.chunk.hex(' ')}"
            f" = {int.from_bytes(self.chunk, 'big')}",
            f"5. top bit cleared (& 0x7fffffff): {self.binary}",
            f"6. {self.binary} mod 10^{digits} = {self.binary % 10**digits}, padded to {digits} digits: {self.code}",
        ]

    def __str__(self):
        return "\n".join(self.lines())

    def _repr_html_(self):
        cells = " ".join(
            f"<span style='background:#ffe08a;font-weight:bold'>{b:02x}</span>"
            if self.offset <= i < self.offset + 4 else
            (f"<span style='background:#cfe2ff'>{b:02x}</span>" if i == len(self.mac) - 1 else f"{b:02x}")
            for i, b in enumerate(self.mac))
        rows = "".join(f"<li>{line[3:]}</li>" for line in self.lines())
        return (f"<p style='font-family:monospace'>MAC: {cells}<br>"
                "<small>blue: the last byte gives the offset; yellow: the 4 bytes taken</small></p>"
                f"<ol style='font-family:monospace'>{rows}</ol>")


def digest_function(name):
    try:
        return DIGESTS[str(name).lower()]
    except KeyError:
        raise ValueError(f"Unknown digest {name!r}: use sha1, sha256 or sha512.") from None


def _check(digits=6, step=30):
    if not (isinstance(digits, int) and 6 <= digits <= 8):
        raise ValueError(f"digits must be 6, 7 or 8, not {digits!r}.")
    if not step > 0:
        raise ValueError(f"step must be positive, not {step!r}.")


def hotp_steps(secret: bytes, counter: int, digits: int = 6, digest: str = "sha1") -> HotpSteps:
    """HOTP (RFC 4226) with every intermediate value kept."""
    if counter < 0:
        raise ValueError("The counter cannot be negative.")
    _check(digits)
    message = struct.pack(">Q", counter)
    mac = hmac.new(secret, message, digest_function(digest)).digest()
    offset = mac[-1] & 0x0F
    chunk = mac[offset:offset + 4]
    binary = int.from_bytes(chunk, "big") & 0x7FFFFFFF
    code = str(binary % 10**digits).zfill(digits)
    return HotpSteps(secret, counter, digest, digits, message, mac, offset, chunk, binary, code)


def hotp(secret: bytes, counter: int, digits: int = 6, digest: str = "sha1") -> str:
    return hotp_steps(secret, counter, digits, digest).code


def time_step(at: float, step: int = 30, t0: int = 0) -> int:
    """RFC 6238's T = floor((at - T0) / X)."""
    _check(step=step)
    return math.floor((at - t0) / step)


def totp(secret: bytes, at: float, step: int = 30, digits: int = 6, digest: str = "sha1", t0: int = 0) -> str:
    return hotp(secret, time_step(at, step, t0), digits, digest)


def accepted_steps(at: float, *, window: int = 1, step: int = 30, last_step: int | None = None) -> list[int]:
    """The time steps a server at `at` accepts: now +- window, minus those <= last_step."""
    now = time_step(at, step)
    return [s for s in range(now - window, now + window + 1) if s >= 0 and (last_step is None or s > last_step)]


def verify_totp(secret, code, at, *, window=1, last_step=None, step=30, digits=6):
    _check(digits, step)
    code = code.replace(" ", "") if isinstance(code, str) else ""
    if len(code) != digits or not (code.isascii() and code.isdigit()):
        return None
    for candidate in accepted_steps(at, window=window, step=step, last_step=last_step):
        if hmac.compare_digest(hotp(secret, candidate, digits), code):
            return candidate
    return None


def provisioning_uri(secret, account, issuer, *, digits=6, step=30, digest="sha1"):
    from urllib.parse import quote, urlencode

    _check(digits, step)
    digest_function(digest)
    label = f"{quote(issuer, safe='')}:{quote(account, safe='@')}"
    query = urlencode({"secret": base32(secret), "issuer": issuer, "algorithm": digest.upper(),
                       "digits": digits, "period": step}, quote_via=quote)
    return f"otpauth://totp/{label}?{query}"


REFERENCE = {"hotp": hotp, "totp": totp, "verify_totp": verify_totp, "provisioning_uri": provisioning_uri}


# -- tables --------------------------------------------------------------------------------

def rfc4226_table(hotp_function=hotp) -> Table:
    """Appendix D recomputed by `hotp_function`, beside the RFC's values."""
    rows = []
    for counter, expected in enumerate(RFC4226_HOTP):
        steps = hotp_steps(RFC4226_SECRET, counter)
        got = hotp_function(RFC4226_SECRET, counter)
        rows.append([counter, steps.mac.hex()[:16] + "...", steps.offset, f"{steps.binary:#010x}", got,
                     "✔" if got == expected else f"✘ RFC: {expected}"])
    return Table(["counter", "HMAC-SHA1 (first 8 bytes)", "offset", "31-bit value", "code", "RFC 4226"], rows)


def rfc6238_table(totp_function=totp, *, seeds=None) -> Table:
    """Appendix B recomputed by `totp_function` (8 digits); `seeds` replaces the RFC seeds."""
    seeds = seeds or RFC6238_SEEDS
    rows = []
    for i, at in enumerate(RFC6238_TIMES):
        row = [at, f"{time_step(at):#018x}"]
        for digest in ("sha1", "sha256", "sha512"):
            got = totp_function(seeds[digest], at, digits=8, digest=digest)
            expected = RFC6238_TOTP[digest][i]
            row.append(got + ("  ✔" if got == expected else "  ✘"))
        rows.append(row)
    return Table(["time (s)", "T (hex)", "SHA-1", "SHA-256", "SHA-512"], rows)


# -- secrets -------------------------------------------------------------------------------

def base32(secret: bytes) -> str:
    """The secret as authenticator apps take it: base32 without '=' padding."""
    return base64.b32encode(secret).decode("ascii").rstrip("=")


def from_base32(text: str) -> bytes:
    text = text.replace(" ", "").upper()
    return base64.b32decode(text + "=" * (-len(text) % 8))


def secret_bits(secret: bytes) -> int:
    """The entropy of a random secret, in bits (8 per byte)."""
    return 8 * len(secret)


# -- guessing odds -------------------------------------------------------------------------

def accepted_codes(window: int = 1) -> int:
    """How many codes a server accepts at once: w = 2 * window + 1."""
    return 2 * window + 1


def guess_probability(attempts: int, *, window: int = 1, digits: int = 6) -> float:
    """P(at least one of `attempts` random guesses works) = 1 - (1 - w/10^d)^k."""
    p = accepted_codes(window) / 10**digits
    return 1 - (1 - p) ** attempts


def attempts_for(probability: float, *, window: int = 1, digits: int = 6) -> int:
    """The fewest random guesses that reach `probability` of success."""
    p = accepted_codes(window) / 10**digits
    return math.ceil(math.log(1 - probability) / math.log(1 - p))


def throttled_attempts(seconds: float, *, factor: float = 1) -> int:
    """How many guesses fit in `seconds` under django-otp's throttling.

    After n consecutive failures the next try must wait factor * 2**(n-1) seconds, so
    the waits double: 1, 2, 4, 8 ... (factor 0 disables throttling: no limit).
    """
    if factor <= 0:
        raise ValueError("factor 0 disables throttling: the attacker is limited by speed alone.")
    attempts, elapsed = 1, 0.0  # the first try needs no wait
    while True:
        wait = factor * 2 ** (attempts - 1)
        if elapsed + wait > seconds:
            return attempts
        elapsed += wait
        attempts += 1


# -- the learner's exercise 1, or the reference ----------------------------------------------

def _learner_module(code=None):
    """The ex01 module of the code source (MFALAB_CODE), or None."""
    code = code or os.environ.get("MFALAB_CODE", "exercises")
    if code == "naive":
        return None
    if code in ("exercises", "solutions"):  # imported again after an edit (see freshness)
        return freshness.fresh(importlib.import_module(f"{code}.ex01_totp"))
    for path in (Path(code) / "ex01_totp.py", Path(code) / "exercises" / "ex01_totp.py"):
        if path.is_file():
            spec = importlib.util.spec_from_file_location("submission_ex01_totp", path)
            module = importlib.util.module_from_spec(spec)
            sys.modules[spec.name] = module
            spec.loader.exec_module(module)
            return module
    return None


# What the probe in PROBES showed (there is no RFC test vector for URIs).
PROBE_PASSED = {"hotp": "it reproduces an RFC 4226 test vector", "totp": "it reproduces an RFC 6238 test vector",
                "verify_totp": "it accepts an RFC 6238 code at its time step",
                "provisioning_uri": "it gives an otpauth://totp/ URI"}

PROBES = {
    "hotp": ((RFC4226_SECRET, 1), {}, RFC4226_HOTP[1]),
    "totp": ((RFC6238_SEEDS["sha1"], 59), {"digits": 8}, RFC6238_TOTP["sha1"][0]),
    "verify_totp": ((RFC6238_SEEDS["sha1"], RFC6238_TOTP["sha1"][0], 59), {"digits": 8}, 1),
    "provisioning_uri": ((RFC4226_SECRET, "alice@bank.lab", "MFA Lab"), {},
                         provisioning_uri(RFC4226_SECRET, "alice@bank.lab", "MFA Lab")),
}


def _problem(function, name):
    """Why the learner's function cannot be used yet (one line), or '' when it can."""
    args, kwargs, expected = PROBES[name]
    try:
        got = function(*args, **kwargs)
    except NotImplementedError:
        return "is not implemented yet"
    except Exception as error:  # the learner's code: any failure falls back
        return f"raised {type(error).__name__}: {error}"
    if name == "provisioning_uri":
        return "" if isinstance(got, str) and got.startswith("otpauth://totp/") else f"returned {got!r}"
    return "" if got == expected else f"returned {got!r} where the RFC says {expected!r}"


def ex01_or_reference(name: str, *, code=None, quiet=False):
    """Your ex01 function `name` if it works, else this module's reference; says which.

    The learner's function is tried on one RFC vector first. Calls that later raise
    fall back to the reference too, with one printed line.
    """
    reference = REFERENCE[name]
    try:
        module = _learner_module(code)
    except Exception as error:  # a module that does not import
        module, why = None, f"did not import ({type(error).__name__}: {error})"
    else:
        why = "is missing"
    function = getattr(module, name, None)
    if function is not None:
        why = _problem(function, name)
        if not why:
            if not quiet:
                print(f"Using your ex01.{name} ({PROBE_PASSED[name]}).")
            return _guarded(function, reference, name)
    if not quiet:
        print(f"ex01.{name} {why}: using the reference mfalab.totp_math.{name} instead.")
    return reference


def _guarded(function, reference, name):
    def call(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except Exception as error:
            print(f"ex01.{name} raised {type(error).__name__}: {error}; using the reference for this call.")
            return reference(*args, **kwargs)

    call.__name__ = call.__qualname__ = name
    call.__doc__ = f"Your ex01.{name}, falling back to the reference when it raises."
    return call


# -- plots -----------------------------------------------------------------------------------

def plot_acceptance(at: float, *, window: int = 1, step: int = 30, last_step: int | None = None,
                    phones=(), span: int = 4):
    """A timeline of time steps around `at`: which ones the server accepts.

    phones: (label, seconds of drift) pairs, drawn where each phone's clock is.
    Returns the matplotlib figure.
    """
    import matplotlib.pyplot as plt

    now = time_step(at, step)
    accepted = set(accepted_steps(at, window=window, step=step, last_step=last_step))
    fig, ax = plt.subplots(figsize=(9, 2.4))
    for s in range(now - span, now + span + 1):
        used = last_step is not None and s <= last_step and abs(s - now) <= window
        color = "#2da44e" if s in accepted else ("#cf222e" if used else "#d0d7de")
        ax.barh(0, step, left=s * step - at, color=color, edgecolor="white", height=0.6)
        ax.text(s * step - at + step / 2, 0, f"T={s - now:+d}" if s != now else "T=now", ha="center",
                va="center", fontsize=8)
    ax.axvline(0, color="black", linewidth=2)
    ax.text(0, 0.42, "server clock", ha="center", fontsize=8)
    for i, (label, drift) in enumerate(phones):
        ax.plot([drift], [-0.42], marker="^", markersize=10, color="#0969da")
        ax.text(drift, -0.62 - 0.12 * (i % 2), label, ha="center", fontsize=8)
    ax.set_xlim(-(span + 0.5) * step, (span + 1.5) * step)
    ax.set_ylim(-0.85, 0.6)
    ax.set_yticks([])
    ax.set_xlabel("seconds from the server's now")
    title = f"Accepted steps (green) at tolerance ±{window}"
    ax.set_title(title + (", replays refused (red) after last_step" if last_step is not None else ""))
    fig.tight_layout()
    return fig


def plot_guess_odds(max_attempts: int = 10**6, *, windows=(0, 1, 2), digits: int = 6):
    """P(success) of random guessing against the number of guesses, for several windows."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 3.5))
    xs = [round(10 ** (i / 20)) for i in range(0, int(20 * math.log10(max_attempts)) + 1)]
    for window in windows:
        ax.plot(xs, [guess_probability(k, window=window, digits=digits) for k in xs],
                label=f"window ±{window} (w={accepted_codes(window)})")
    ax.set_xscale("log")
    ax.set_xlabel("guesses k")
    ax.set_ylabel("P(at least one works)")
    ax.set_title(f"P = 1 - (1 - w/10^{digits})^k")
    ax.grid(True, alpha=0.3)
    ax.legend()
    fig.tight_layout()
    return fig
