"""The hash the lab stores backup codes with: PBKDF2-SHA256, a random salt, 20,000 iterations.

    make_password(code, hasher=BackupCodeHasher())   # 'pbkdf2_sha256$20000$<salt>$<hash>'
    check_password(typed, digest)                     # reads the iterations from the digest

Why fewer iterations than Django's default for passwords (1,000,000): a password is often
a guessable word, so only the work factor slows down an offline guesser; a backup code is
50 random bits, so a guesser with the table must still try about 2**49 codes per user, and
20,000 iterations make each try cost as much as 20,000 hashes (about 5 ms here): centuries
on one machine. The salt makes each digest its own search. Plain make_password(code) would
use the lab's first hasher instead: MD5, fast and kept only so that logins with the public
demo passwords stay quick (settings.PASSWORD_HASHERS). Never use it for a secret.
"""

from django.contrib.auth.hashers import PBKDF2PasswordHasher

ITERATIONS = 20_000


class BackupCodeHasher(PBKDF2PasswordHasher):
    """PBKDF2-SHA256 with a random salt and ITERATIONS iterations."""

    iterations = ITERATIONS
