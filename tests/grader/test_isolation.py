"""mfalab.sandbox.limits: the privilege drop and hidden paths the grader asks for."""

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from mfalab.grader.run import UID_BASE, Settings
from mfalab.sandbox import Sandbox
from mfalab.sandbox.limits import Limits

REPO = Settings().hidden_paths()[0].rsplit("/", 1)[0]
SOLUTION = f"{REPO}/solutions/ex01_totp.py"
HIDDEN = f"{REPO}/tests/exercises/hidden/test_ex01_totp_hidden.py"
AS_ROOT = pytest.mark.skipif(os.geteuid() != 0, reason="privilege drop and hidden paths need root (CI runs as root)")
MOUNTS = pytest.mark.skipif(os.geteuid() != 0 or os.system("unshare -m true 2>/dev/null") != 0,
                            reason="hiding paths needs root with mount rights (CAP_SYS_ADMIN)")

PROBE = f"""
import os

def probe():
    seen = {{"uid": os.getuid()}}
    for path in ({SOLUTION!r}, {HIDDEN!r}):
        try:
            open(path).read(1)
            seen[path] = "read"
        except OSError as error:
            seen[path] = type(error).__name__
    try:
        open("mine.txt", "w").write("ok")
        seen["cwd"] = "writable"
    except OSError:
        seen["cwd"] = "refused"
    return seen
"""


@pytest.fixture
def prober():
    """A submission folder the sandbox uid can reach (pytest's tmp_path is 0700 root)."""
    root = Path(tempfile.mkdtemp(prefix="mfalab-prober-"))
    folder = root / "sub"
    folder.mkdir()
    (folder / "ex01_totp.py").write_text(PROBE)
    root.chmod(0o755)
    folder.chmod(0o755)
    (folder / "ex01_totp.py").chmod(0o644)
    yield folder
    shutil.rmtree(root)


def test_by_default_a_sandbox_keeps_the_callers_user(prober):
    with Sandbox("ex01", str(prober)) as sandbox:
        seen = sandbox.probe()
    assert seen["uid"] == os.getuid() and seen["cwd"] == "writable"


@MOUNTS
def test_a_sandbox_can_drop_to_its_own_uid_with_secrets_hidden(prober):
    limits = Limits(user=UID_BASE + 7, hide=Settings().hidden_paths())
    with Sandbox("ex01", str(prober), limits=limits) as sandbox:
        seen = sandbox.probe()
    assert seen == {"uid": UID_BASE + 7, SOLUTION: "PermissionError", HIDDEN: "PermissionError", "cwd": "writable"}
    assert open(SOLUTION).read(1)  # nothing changed on disk: this process still reads it


@MOUNTS
def test_the_grader_environment_variables_do_the_same(prober, monkeypatch):
    monkeypatch.setenv("MFALAB_SANDBOX_UID", str(UID_BASE + 8))
    monkeypatch.setenv("MFALAB_SANDBOX_HIDE", os.pathsep.join(Settings().hidden_paths()))
    with Sandbox("ex01", str(prober)) as sandbox:
        seen = sandbox.probe()
    assert seen["uid"] == UID_BASE + 8 and seen[SOLUTION] == seen[HIDDEN] == "PermissionError"


@MOUNTS
def test_the_grader_probes_full_isolation_here():
    assert Settings().probe() == "uid+hide+pid+net+ipc"
    assert Settings(isolate=False).probe() == "none"


def test_without_root_there_is_no_isolation_to_claim(monkeypatch):
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    assert Settings().probe() == "none"
