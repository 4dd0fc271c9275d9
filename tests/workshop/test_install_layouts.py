"""The kit works however it is installed: here, `pip install --user` (a system Python, the
kit and its dependencies in the user's site-packages, as on The Littlest JupyterHub).

A sandbox runs `python -I`, which ignores the user's site-packages: unless the kit hands
the sandbox its import path, the sandbox cannot import the kit, and correct code scores 0.
The user site here is a folder with one .pth file that points at this environment's
packages and the kit: what `pip install --user` would leave, without installing anything.
"""

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def base_python():
    """The interpreter this environment was made from (outside any venv), or None."""
    candidate = Path(sys._base_executable)
    return str(candidate) if sys.prefix != sys.base_prefix and candidate.exists() else None


@pytest.fixture
def user_install(tmp_path):
    python = base_python()
    if python is None:
        pytest.skip("needs a virtual environment, to find the interpreter it was made from")
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    site = tmp_path / "userbase" / "lib" / version / "site-packages"
    site.mkdir(parents=True)
    (site / "course.pth").write_text(f"{sysconfig.get_paths()['purelib']}\n{REPO}\n")
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONUSERBASE": str(tmp_path / "userbase"),
           "HOME": str(tmp_path), "LANG": "C.UTF-8", "MFALAB_WARM_CHECKER": "0"}
    probe = subprocess.run([python, "-c", "import django, mfalab; print('ok')"], env=env, capture_output=True,
                           text=True, cwd=tmp_path)
    assert probe.stdout.strip() == "ok", probe.stderr[-1000:]
    return python, env


def test_a_check_scores_the_reference_with_a_user_site_install(user_install, tmp_path):
    python, env = user_install
    done = subprocess.run([python, "-m", "mfalab", "check", "ex01", "--code", str(REPO / "solutions")], env=env,
                          capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert "ex01: 13/13 public points" in done.stdout, done.stdout[-2000:] + done.stderr[-2000:]
