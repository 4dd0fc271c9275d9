"""Backup-code dump: backup codes read from the database sign the victim in.

django-otp's StaticToken keeps backup codes in plaintext (django-otp #68). Exercise 3
keeps only a salted, slow hash of each code (lab_project.mfa.models.BackupCode), so a
dump no longer holds a code anyone can type.
"""

from django.db import connections

from .. import wizards
from ..enforcement import generate_backup_codes
from .results import AttackResult, lab_name, page_evidence, reached, stopwatch

TABLES = {"otp_static_statictoken": "token", "mfa_backupcode": "digest"}


def dump_backup_codes(lab, username="alice"):
    """Every backup-code value stored for `username`: [(table.column, value)]."""
    found = []
    with connections[lab.alias].cursor() as cursor:
        for table, column in TABLES.items():
            owner = ("JOIN otp_static_staticdevice d ON d.id = t.device_id JOIN auth_user u ON u.id = d.user_id"
                     if table == "otp_static_statictoken" else "JOIN auth_user u ON u.id = t.user_id")
            rows = cursor.execute(f"SELECT t.{column} FROM {table} t {owner} WHERE u.username = %s ORDER BY t.id",
                                  [username]).fetchall()
            found += [(f"{table}.{column}", value) for (value,) in rows]
    return found


def describe(digest):
    """What a stored value is, from Django's hasher prefix: how much work a guess costs."""
    algorithm, _, rest = digest.partition("$")
    if algorithm.startswith("pbkdf2_"):
        return f"{algorithm} hashes (salted, {int(rest.split('$')[0]):,} iterations)"
    return f"{algorithm} hashes (salted but fast)" if rest else "unsalted values"


def dump_and_use(lab, username="bob"):
    """The victim makes backup codes on the lab's page; the attacker dumps the DB and tries one."""
    with stopwatch() as watch:
        shown = generate_backup_codes(lab.login(username))  # the victim's own session
        dump = dump_backup_codes(lab, username)
        attempts = 0
        page = None
        if dump:
            client = lab.client()
            wizards.password_step(client, username, lab.persona(username).password)
            page = wizards.backup_step(client, dump[0][1])
            attempts = 1
        ok = page is not None and wizards.signed_in(page) and reached(client)[0]
        final = reached(client)[1] if ok else page
    where = dump[0][0] if dump else "nothing"
    value = (dump[0][1] if len(dump[0][1]) < 40 else dump[0][1][:36] + "...") if dump else ""
    evidence = {"codes shown to victim": len(shown), "rows dumped": len(dump), "read from": where,
                "value tried": value, "plaintext": bool(dump) and dump[0][1] in shown}
    if final is not None:
        evidence.update(page_evidence(final))
    if ok:
        reason = f"{where} holds the codes in plaintext: the first one signed {username} in"
    elif dump:
        reason = f"{where} holds {describe(dump[0][1])}; the value read from the dump is not a code and was refused"
    else:
        reason = "the database holds no backup-code values"
    return AttackResult("backup-code dump", "backup codes", lab_name(lab), ok, attempts=attempts,
                        elapsed=watch.elapsed, evidence=evidence, reason=reason)
