"""Lab databases: one migrated, seeded template; a fresh copy per lab instance.

Migrating the lab takes seconds; copying a file takes milliseconds. The template is
rebuilt when the migrations change (its name carries a hash of them).
"""

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
VAR = Path(os.environ.get("MFALAB_VAR", REPO / "var"))


def _migrations_fingerprint():
    import django
    import django_otp
    import two_factor

    digest = hashlib.sha256(django.get_version().encode())
    roots = [REPO / "lab_project", Path(two_factor.__file__).parent, Path(django_otp.__file__).parent]
    for root in roots:
        for path in sorted(root.rglob("migrations/0*.py")):
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    digest.update((REPO / "lab_project" / "mfa" / "personas.py").read_bytes())
    return digest.hexdigest()[:12]


def template_path():
    return VAR / f"template-{_migrations_fingerprint()}.sqlite3"


def ensure_template():
    """The migrated, seeded template database; built once in a child process. A learner's
    workspace (its own var/) reads the kit's template when the kit has one: no rebuild."""
    path = template_path()
    if path.exists():
        return path
    shared = REPO / "var" / path.name
    if shared.exists():
        return shared
    VAR.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=VAR) as tmp:
        building = Path(tmp) / "template.sqlite3"
        env = dict(os.environ, MFALAB_DB=str(building), MFALAB_CODE="naive",
                   DJANGO_SETTINGS_MODULE="lab_project.settings")
        code = ("import django; django.setup(); from django.core.management import call_command; "
                "call_command('migrate', verbosity=0); "
                "from lab_project.mfa.personas import seed; seed(); "
                "from django.db import connection; connection.cursor().execute('PRAGMA wal_checkpoint(TRUNCATE)'); "
                "connection.cursor().execute('PRAGMA journal_mode=DELETE')")
        done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"Building the lab database failed:\n{done.stderr[-3000:]}")
        os.replace(building, path)  # atomic: a concurrent builder loses nothing
    for old in VAR.glob("template-*.sqlite3"):
        if old != path:
            old.unlink(missing_ok=True)
    return path


def fresh_copy(target):
    """Copy the template to `target` (removing any older file and its WAL journal)."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(ensure_template(), target)
    return target


def attach(path, alias):
    """Make another lab's database reachable from this process as `alias`."""
    from django.db import connections

    settings = dict(connections.databases["default"], NAME=str(path))
    connections.databases[alias] = settings
    return alias


def detach(alias):
    from django.db import connections

    if alias in connections.databases:
        connections[alias].close()
        del connections.databases[alias]
