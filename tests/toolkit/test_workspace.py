"""A learner's workspace: their own copy of the course for a kit they cannot write to."""

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from mfalab import workspace


def test_a_workspace_copies_the_course_and_keeps_what_is_there(tmp_path):
    target = tmp_path / "mfa-lab"
    (target / "exercises").mkdir(parents=True)
    (target / "exercises" / "ex01_totp.py").write_text("# my work\n")
    made, done = workspace.create(target)
    assert ("exercises/ex01_totp.py", "kept") in done
    assert (target / "exercises" / "ex01_totp.py").read_text() == "# my work\n", "a learner's work is never overwritten"
    assert ("notebooks/00_start_here.ipynb", "copied") in done and ("exercises/ex06_step_up.py", "copied") in done
    assert (target / "var").is_dir() and json.loads((target / workspace.MARKER).read_text())["kit"]
    again = dict(workspace.create(target)[1])
    assert set(again.values()) == {"kept"}
    assert workspace.find(target / "notebooks") == made and workspace.find(tmp_path) is None


def test_a_workspace_inside_the_kit_is_refused():
    with pytest.raises(workspace.WorkspaceError, match="inside the kit"):
        workspace.create(workspace.KIT / "mine")


def unwritable(tmp_path):
    """A place this process cannot make folders in: sysfs refuses even root."""
    if os.geteuid() == 0:
        return Path("/sys/mfalab-workspace/mfa-lab")
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(stat.S_IRUSR | stat.S_IXUSR)
    return locked / "mfa-lab"


def test_a_folder_without_write_access_names_what_to_do(tmp_path):
    with pytest.raises(workspace.WorkspaceError, match="pick a folder you own"):
        workspace.create(unwritable(tmp_path))


def test_inside_a_workspace_the_lab_uses_its_exercises_and_data(tmp_path):
    made, _ = workspace.create(tmp_path / "mfa-lab")
    env = {k: v for k, v in os.environ.items() if k not in ("MFALAB_CODE", "MFALAB_VAR")}
    code = "import mfalab, os; print(os.environ['MFALAB_CODE']); print(os.environ['MFALAB_VAR'])"
    done = subprocess.run([sys.executable, "-c", code], cwd=made.root / "notebooks", env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.stdout.split() == [str(made.exercises), str(made.var)], done.stderr
