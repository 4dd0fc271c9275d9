"""Commands the instructor guide gives run as written."""

import re
import shlex
import subprocess
import sys

from mfalab.grader.run import REPO

GUIDE = REPO / "docs" / "instructor.md"


def test_the_faster_plain_pytest_options_run():
    options = re.search(r"Adding `(-o addopts=[^`]+)` saves", GUIDE.read_text())
    assert options, "the guide no longer gives the faster options"
    done = subprocess.run([sys.executable, "-m", "pytest", "tests/exercises/test_ex01_totp.py", "--code", "solutions",
                           *shlex.split(options.group(1)), "--collect-only", "-q", "-p", "no:cacheprovider"],
                          cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "tests collected" in done.stdout
    assert "nbval" not in done.stdout + done.stderr


def test_plain_pytest_leaves_the_submission_folder_untouched(tmp_path):
    (tmp_path / "ex01_totp.py").write_text((REPO / "solutions" / "ex01_totp.py").read_text())
    done = subprocess.run([sys.executable, "-m", "pytest", "tests/exercises/test_ex01_totp.py", "--code", str(tmp_path),
                           "-q", "-p", "no:cacheprovider"], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ex01_totp.py"]  # no __pycache__/
