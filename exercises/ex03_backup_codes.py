"""Exercise 3: backup codes that are safe to store (20 points).

django-otp keeps backup tokens in plaintext and shows them again on every visit to
the backup-codes page; anyone who reads the database can sign in as anyone. Until you
write these functions the lab uses exactly those plaintext tokens.

generate_backup_codes(user, count: int = 10) -> list[str]
    Make `count` new codes for `user`, replacing any earlier set, and return them: the
    only time they are ever shown. At least 40 bits of entropy each (the `secrets`
    module). Store only a salted, slow hash of each code, never the code and never a
    fast or unsalted hash: make_password(code, hasher=BackupCodeHasher()), with
    BackupCodeHasher from lab_project.mfa.hashers (PBKDF2-SHA256, a random salt,
    20,000 iterations; its docstring says why that is enough for a random code). Plain
    make_password(code) is not: in this lab it gives MD5 ("md5$..."), a fast hash kept
    only for the public demo passwords, and the tests refuse it.
verify_backup_code(user, code: str) -> bool
    True once per code: a code that worked is used up. Ignore case, spaces and hyphens
    in what the user typed. Refuse (return False) while throttled after wrong codes,
    and compare in constant time (check_password does).
remaining_backup_codes(user) -> int
    How many unused codes the user has left.

Storage (the lab's models in lab_project.mfa.models; notebook 04 shows them; you write
no migration):
- BackupCode(user, digest, created_at, used_at): one row per code of the current set.
  `digest` holds make_password's output. Mark a used code with used_at (or delete it).
- BackupCodeThrottle(user, failure_count, failed_at): one row per user, for throttling.
Measure time with the lab's clock, lab_project.mfa.clock.now(), never time.time():
the tests freeze it. After n wrong codes in a row, django-otp makes the next try wait
2**(n-1) seconds; do the same (a right code while throttled is refused too; the wait
must end: no permanent lockout).

The lab wires these functions into its login wizard's backup step and into the
backup-codes page (/account/two_factor/backup/tokens/), which shows new codes once.
"""


def generate_backup_codes(user, count: int = 10) -> list[str]:
    raise NotImplementedError("Exercise 3: make, hash and store a fresh set of backup codes.")


def verify_backup_code(user, code: str) -> bool:
    raise NotImplementedError("Exercise 3: check a backup code once, tolerantly, with throttling.")


def remaining_backup_codes(user) -> int:
    raise NotImplementedError("Exercise 3: count the unused backup codes.")
