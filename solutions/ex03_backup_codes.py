"""Exercise 3, reference solution: backup codes that are safe to store.

A code is 10 characters of base32 (50 bits from `secrets`), shown as "abcde-fghij".
Each is stored with the lab's BackupCodeHasher: PBKDF2-SHA256 with a random salt and
20,000 iterations (about 5 ms per check here): a code has 50 random bits, so it needs far
less stretching than a password; the cost only slows down an offline guesser who stole
the table.
Wrong codes are throttled like django-otp: after n failures in a row the next try
must wait 2**(n-1) seconds, measured with the lab's clock.
"""

import secrets
from datetime import timedelta

from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction

from lab_project.mfa import clock
from lab_project.mfa.hashers import BackupCodeHasher
from lab_project.mfa.models import BackupCode, BackupCodeThrottle

ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"  # RFC 4648 base32, lower case
LENGTH = 10  # 10 * log2(32) = 50 bits


HASHER = BackupCodeHasher()


def normalise(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def generate_backup_codes(user, count: int = 10) -> list[str]:
    codes = ["".join(secrets.choice(ALPHABET) for _ in range(LENGTH)) for _ in range(count)]
    with transaction.atomic():
        BackupCode.objects.filter(user=user).delete()
        BackupCode.objects.bulk_create(BackupCode(user=user, digest=make_password(c, hasher=HASHER)) for c in codes)
    return [f"{c[:5]}-{c[5:]}" for c in codes]


def throttled(throttle, now) -> bool:
    if not throttle.failure_count or throttle.failed_at is None:
        return False
    return now < throttle.failed_at + timedelta(seconds=2 ** (throttle.failure_count - 1))


def verify_backup_code(user, code: str) -> bool:
    now = clock.now()
    throttle, _ = BackupCodeThrottle.objects.get_or_create(user=user)
    if throttled(throttle, now):
        return False
    typed = normalise(code)
    match = None
    for row in BackupCode.objects.filter(user=user, used_at__isnull=True):
        if check_password(typed, row.digest) and match is None:  # check every row: same time either way
            match = row
    # Mark it used only if nobody else did in the meantime: a code works once.
    if match is not None and BackupCode.objects.filter(pk=match.pk, used_at__isnull=True).update(used_at=now):
        throttle.failure_count, throttle.failed_at = 0, None
        throttle.save()
        return True
    throttle.failure_count += 1
    throttle.failed_at = now
    throttle.save()
    return False


def remaining_backup_codes(user) -> int:
    return BackupCode.objects.filter(user=user, used_at__isnull=True).count()
