"""mfalab.totp_math: the reference HOTP/TOTP, the RFC tables, windows, odds, the fallback.

Also proves the graded ex01 tests discriminate: a half-right solution scores strictly
between 0 and 20.
"""

import base64
import textwrap
from urllib.parse import unquote, urlsplit

import matplotlib
import pyotp
import pytest

from mfalab import totp_math as tm

matplotlib.use("Agg")


def test_hotp_steps_follow_rfc4226_section_5_4():
    # RFC 4226 5.4 works the example of a MAC whose last byte is 0x5a: offset 10.
    steps = tm.hotp_steps(tm.RFC4226_SECRET, 0)
    assert steps.message == bytes(8)
    assert steps.mac.hex() == "cc93cf18508d94934c64b65d8ba7667fb7cde4b0"  # RFC 4226 Appendix D
    assert steps.offset == 0 and steps.chunk == bytes.fromhex("cc93cf18")
    assert steps.binary == 0x4C93CF18 == 1284755224  # Appendix D "Truncated" value
    assert steps.code == "755224"
    assert "offset 0" in str(steps) and "755224" in steps._repr_html_()


def test_reference_matches_rfc_vectors_and_pyotp():
    assert [tm.hotp(tm.RFC4226_SECRET, c) for c in range(10)] == tm.RFC4226_HOTP
    for digest, seed in tm.RFC6238_SEEDS.items():
        assert [tm.totp(seed, at, digits=8, digest=digest) for at in tm.RFC6238_TIMES] == tm.RFC6238_TOTP[digest]
    secret = bytes(range(20))
    assert tm.totp(secret, 1_700_000_000) == pyotp.TOTP(base64.b32encode(secret).decode()).at(1_700_000_000)


def test_tables_mark_matches_and_mismatches():
    assert str(tm.rfc4226_table()).count("✔") == 10
    assert str(tm.rfc6238_table()).count("✔") == 18
    short = {d: tm.RFC6238_SEEDS["sha1"] for d in tm.RFC6238_SEEDS}  # the seed-length pitfall
    text = str(tm.rfc6238_table(seeds=short))
    assert text.count("✔") == 6 and text.count("✘") == 12
    wrong = tm.rfc4226_table(lambda secret, counter: "000000")
    assert "✘ RFC: 755224" in str(wrong) and "<table>" in wrong._repr_html_()


def test_reference_verify_and_uri():
    secret, at = bytes(range(20)), 1_700_000_015
    now = tm.time_step(at)
    assert tm.verify_totp(secret, tm.hotp(secret, now - 1), at) == now - 1
    assert tm.verify_totp(secret, tm.hotp(secret, now), at, last_step=now) is None
    assert tm.verify_totp(secret, "12 34x6", at) is None
    uri = tm.provisioning_uri(secret, "a b@x", "Bank & Co")
    parsed = pyotp.parse_uri(uri)
    assert (parsed.issuer, parsed.name) == ("Bank & Co", "a b@x")
    assert unquote(urlsplit(uri).path) == "/Bank & Co:a b@x" and "=" not in uri.split("secret=")[1].split("&")[0]


def test_value_errors():
    for call in (lambda: tm.hotp(b"k", -1), lambda: tm.hotp(b"k", 0, digest="md5"),
                 lambda: tm.hotp(b"k", 0, digits=9), lambda: tm.totp(b"k", 0, step=0)):
        with pytest.raises(ValueError):
            call()


def test_accepted_steps_window_and_replay():
    at = 95  # step 3
    assert tm.accepted_steps(at) == [2, 3, 4]
    assert tm.accepted_steps(at, window=0) == [3]
    assert tm.accepted_steps(at, last_step=3) == [4]
    assert tm.accepted_steps(10, window=1) == [0, 1]  # no negative steps


def test_base32_and_entropy():
    assert tm.base32(b"\x00" * 16) == "A" * 26  # 16 bytes: standard base32 would add "======"
    assert tm.from_base32("gezd gnbv") == b"12345"
    assert tm.secret_bits(tm.RFC4226_SECRET) == 160 >= tm.NIST_MIN_SECRET_BITS > tm.secret_bits(bytes(10))


def test_guessing_odds():
    assert tm.accepted_codes(1) == 3
    assert tm.guess_probability(1, window=0) == pytest.approx(1e-6)
    assert tm.guess_probability(1000, window=1) == pytest.approx(1 - (1 - 3e-6) ** 1000)
    k = tm.attempts_for(0.5, window=1)
    assert tm.guess_probability(k) >= 0.5 > tm.guess_probability(k - 1)
    assert tm.guess_probability(10, digits=8) < tm.guess_probability(10, digits=6)


def test_throttled_attempts_double_the_wait():
    # waits 1, 2, 4, 8 s: tries at t=0, 1, 3, 7, 15
    assert tm.throttled_attempts(0) == 1
    assert tm.throttled_attempts(7) == 4
    assert tm.throttled_attempts(14.9) == 4
    assert tm.throttled_attempts(15) == 5
    assert tm.throttled_attempts(86400) == 17
    with pytest.raises(ValueError):
        tm.throttled_attempts(10, factor=0)


def test_plots_draw():
    fig = tm.plot_acceptance(95, window=1, last_step=2, phones=[("phone", 40)])
    assert "tolerance ±1" in fig.axes[0].get_title()
    fig2 = tm.plot_guess_odds(10**4)
    assert len(fig2.axes[0].lines) == 3
    import matplotlib.pyplot as plt

    plt.close("all")


def test_fallback_to_reference_for_stubs(capsys):
    totp = tm.ex01_or_reference("totp", code="exercises")
    assert totp is tm.totp
    assert capsys.readouterr().out == ("ex01.totp is not implemented yet: using the reference "
                                       "mfalab.totp_math.totp instead.\n")


def test_learner_function_used_when_it_works(capsys):
    hotp = tm.ex01_or_reference("hotp", code="solutions")
    assert hotp is not tm.hotp and hotp(tm.RFC4226_SECRET, 9) == "520489"
    assert capsys.readouterr().out.startswith("Using your ex01.hotp")


def write_submission(folder, body):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "ex01_totp.py").write_text(textwrap.dedent(body))
    return folder


def test_fallback_for_wrong_broken_and_raising_code(tmp_path, capsys):
    wrong = write_submission(tmp_path / "wrong", """
        def totp(secret, at, step=30, digits=6, digest="sha1", t0=0):
            return "123456"
        def hotp(secret, counter, digits=6, digest="sha1"):
            if counter > 5:
                raise KeyError("boom")
            return __import__("mfalab.totp_math").totp_math.hotp(secret, counter, digits, digest)
    """)
    assert tm.ex01_or_reference("totp", code=str(wrong)) is tm.totp
    assert "returned '123456' where the RFC says '94287082'" in capsys.readouterr().out
    hotp = tm.ex01_or_reference("hotp", code=str(wrong))
    capsys.readouterr()
    assert hotp(tm.RFC4226_SECRET, 9) == "520489"
    assert capsys.readouterr().out == "ex01.hotp raised KeyError: 'boom'; using the reference for this call.\n"
    broken = write_submission(tmp_path / "broken", "def totp(:\n")
    assert tm.ex01_or_reference("totp", code=str(broken)) is tm.totp
    assert "did not import (SyntaxError" in capsys.readouterr().out
    assert tm.ex01_or_reference("verify_totp", code=str(tmp_path / "nothing")) is tm.verify_totp
    assert "ex01.verify_totp is missing" in capsys.readouterr().out


HALF_RIGHT = """
    import hashlib, hmac, struct

    def hotp(secret, counter, digits=6, digest="sha1"):
        mac = hmac.new(secret, struct.pack(">Q", counter), hashlib.sha1).digest()   # ignores digest
        offset = mac[-1] & 0x0F
        value = struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF
        return str(value % 10**digits).zfill(digits)                                # no ValueErrors

    def totp(secret, at, step=30, digits=6, digest="sha1", t0=0):
        return hotp(secret, int((at - t0) // step), digits, digest)

    def verify_totp(secret, code, at, *, window=1, last_step=None, step=30, digits=6):
        now = int(at // step)
        return now if code == hotp(secret, now, digits) else None                  # no window, no replay check

    def provisioning_uri(secret, account, issuer, *, digits=6, step=30, digest="sha1"):
        raise NotImplementedError
"""


def test_graded_tests_discriminate_a_half_right_solution(grade_submission):
    report = grade_submission("ex01", HALF_RIGHT)
    rows = report.rows
    assert report.max_score == 20
    assert 0 < report.score < 20, report.score
    passed = {r["name"] for r in rows if r["outcome"] == "passed"}
    assert "test_rfc4226_vectors" in passed and "test_rfc6238_sha256_sha512_vectors" not in passed
