"""Exercise 3 (public tests): backup codes that are safe to store (13 of 20 points).

The tests press 'Generate codes' on the lab's backup-codes page (running your code in a
sandbox process), read the codes it shows, sign in with them through the real login
wizard's backup step, and read the lab's database.
"""

import hashlib
from datetime import timedelta

import pytest
from django.utils import timezone

from lab_project.mfa import clock
from lab_project.mfa.hashers import ITERATIONS
from mfalab.enforcement import BACKUP_PAGE, codes_on, entropy_bits, generate_backup_codes, normalise_code
from mfalab.lab import LoginFailed

pytestmark = pytest.mark.exercise("ex03")


def unused_rows(lab, username):
    from lab_project.mfa.models import BackupCode

    return BackupCode.objects.using(lab.alias).filter(user__username=username, used_at__isnull=True)


def every_stored_text(lab):
    """Every text value in every table of the lab's database."""
    from django.db import connections

    with connections[lab.alias].cursor() as cursor:
        tables = [r[0] for r in cursor.execute("SELECT name FROM sqlite_master WHERE type='table'").fetchall()]
        for table in tables:
            for row in cursor.execute(f'SELECT * FROM "{table}"').fetchall():
                yield from (value for value in row if isinstance(value, str))


@pytest.fixture
def alice(graded_lab):
    """alice, verified with her authenticator app."""
    return graded_lab.login("alice")


@pytest.mark.points(2, hint="Return `count` codes, store one BackupCode row per code, and show them only on "
                            "the page that generated them.")
def test_count_format_and_shown_once(graded_lab, alice):
    """Ten codes, one BackupCode row each, shown only once"""
    codes = generate_backup_codes(alice)
    assert len(codes) == 10 and len(set(map(normalise_code, codes))) == 10, f"codes shown: {codes}"
    assert all(6 <= len(normalise_code(c)) <= 32 and normalise_code(c).isalnum() for c in codes), codes
    assert unused_rows(graded_lab, "alice").count() == 10, "one BackupCode row per code"
    assert codes_on(alice.get(BACKUP_PAGE)) == [], "a second visit must not show the codes again"


@pytest.mark.points(1, hint="Draw each character with `secrets`: 10 characters of base32 give 50 bits.")
def test_codes_carry_at_least_40_bits(graded_lab, alice):
    """Each code carries at least 40 bits of entropy"""
    codes = generate_backup_codes(alice) + generate_backup_codes(alice)
    assert entropy_bits(codes) >= 40, f"about {entropy_bits(codes):.0f} bits: {codes[:3]}"
    assert len(set(map(normalise_code, codes))) == 20, "two sets of codes must not repeat"
    assert unused_rows(graded_lab, "alice").count() == 10


@pytest.mark.points(2, hint="Store make_password(code, hasher=BackupCodeHasher()): salted and slow. Never the "
                            "code, never sha256(code).")
def test_nothing_stored_reveals_a_code(graded_lab, alice):
    """The database holds neither a code nor a bare hash of one"""
    codes = generate_backup_codes(alice)
    assert unused_rows(graded_lab, "alice").count() == 10
    forms = set()
    for code in codes:
        for text in {code, normalise_code(code), normalise_code(code).upper()}:
            forms |= {text, hashlib.sha256(text.encode()).hexdigest(), hashlib.sha1(text.encode()).hexdigest(),
                      hashlib.md5(text.encode()).hexdigest()}
    leaks = [value for value in every_stored_text(graded_lab) if any(form in value for form in forms)]
    assert not leaks, f"the database reveals codes: {leaks[:2]}"
    digests = list(unused_rows(graded_lab, "alice").values_list("digest", flat=True))
    assert all("$" in d for d in digests), "store make_password's output (algorithm$...$salt$hash)"


@pytest.mark.points(1, hint="Normalise what was typed: drop spaces and hyphens, ignore case.")
def test_case_spaces_and_hyphens_are_tolerated(graded_lab, alice):
    """Codes work typed in capitals, with spaces or hyphens"""
    codes = [normalise_code(c) for c in generate_backup_codes(alice)]
    typed = [codes[0].upper(), " ".join([codes[1][:4], codes[1][4:]]), "-".join([codes[2][:3], codes[2][3:]])]
    for text in typed:
        client = graded_lab.login("alice", "backup", code=text)
        assert client.get("/dashboard/").status == 200, f"signed in with {text!r}"
    assert unused_rows(graded_lab, "alice").count() == 7


@pytest.mark.points(2, hint="The login wizard's backup step calls verify_backup_code(user, code).")
def test_the_login_wizard_takes_a_code_once(graded_lab, alice):
    """The login wizard accepts a backup code once and refuses it the second time"""
    code = generate_backup_codes(alice)[0]
    graded_lab.login("alice", "backup", code=code)
    assert unused_rows(graded_lab, "alice").count() == 9, "a code that worked is used up"
    with pytest.raises(LoginFailed):
        graded_lab.login("alice", "backup", code=code)


def slow_and_salted(digest):
    """'' when `digest` is a salted hash at least as slow as the lab's BackupCodeHasher; else why not."""
    algorithm, _, rest = digest.partition("$")
    if algorithm.startswith("pbkdf2_"):
        iterations, salt, _ = (rest.split("$") + ["", "", ""])[:3]
        if not iterations.isdigit() or int(iterations) < ITERATIONS:
            return f"{algorithm} with {iterations} iterations (at least {ITERATIONS:,})"
        return "" if salt else f"{algorithm} without a salt"
    if algorithm in ("scrypt", "argon2", "bcrypt", "bcrypt_sha256"):
        return ""
    if not rest or algorithm.startswith("unsalted"):
        return f"{algorithm if rest else 'a bare value'}: no salt"
    return f"{algorithm}: a fast hash"


@pytest.mark.points(2, hint="make_password(code) gives this lab's fast MD5: pass hasher=BackupCodeHasher() "
                            "(lab_project.mfa.hashers) for PBKDF2 with a random salt and 20,000 iterations.")
def test_codes_are_stored_with_a_slow_salted_hash(graded_lab, alice):
    """Each code is stored with a slow, salted hash (PBKDF2 with 20,000 iterations or more), each its own salt"""
    generate_backup_codes(alice)
    digests = list(unused_rows(graded_lab, "alice").values_list("digest", flat=True))
    assert len(digests) == 10, "one BackupCode row per code"
    problems = sorted({why for why in map(slow_and_salted, digests) if why})
    assert not problems, f"stored as {problems[0]}: {digests[0][:40]}..."
    salts = {d.split("$")[2] if d.startswith("pbkdf2_") else d for d in digests}
    assert len(salts) == 10, "every code needs its own random salt"


@pytest.mark.points(1, hint="remaining_backup_codes(user): count the rows with used_at still empty.")
def test_the_page_counts_the_codes_left(graded_lab, alice):
    """The backup-codes page says how many unused codes are left"""
    codes = generate_backup_codes(alice)
    for code in codes[:2]:
        graded_lab.login("alice", "backup", code=code)
    page = alice.get(BACKUP_PAGE)  # the session that generated them (a new TOTP sign-in could be a replay)
    assert '<span class="backup-remaining">8</span>' in page.text, "after 2 of 10 codes, the page must say 8 left"


@pytest.mark.points(2, hint="After a wrong code, refuse every code for 2**(n-1) seconds of "
                            "lab_project.mfa.clock.now() (1 s after one failure); then accept again.")
def test_a_wrong_code_throttles_the_next_try(graded_lab, alice):
    """Straight after a wrong code even a right one is refused; once the wait is over it works"""
    codes = generate_backup_codes(alice)
    assert unused_rows(graded_lab, "alice").count() == 10, "one BackupCode row per code"
    start = timezone.now().replace(microsecond=0)
    clock.freeze(start, using=graded_lab.alias)
    with pytest.raises(LoginFailed):
        graded_lab.login("alice", "backup", code="aaaaa-aaaaa")
    with pytest.raises(LoginFailed, match="backup"):
        graded_lab.login("alice", "backup", code=codes[0])
    clock.freeze(start + timedelta(seconds=2), using=graded_lab.alias)
    graded_lab.login("alice", "backup", code=codes[0])
