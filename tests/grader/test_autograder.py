"""The Gradescope autograder zip, run locally in a temporary /autograder-shaped folder."""

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import guide
import pytest
import submissions as s


pytestmark = pytest.mark.slow


def test_the_autograder_zip_grades_a_submission_into_results_json(tmp_path):
    archive = tmp_path / "autograder.zip"  # built by the instructor guide's command
    built = guide.run(guide.command(".venv/bin/mfalab autograder"), {"dist/autograder.zip": archive})
    assert built.returncode == 0, built.stderr[-2000:]
    with zipfile.ZipFile(archive) as opened:
        names = set(opened.namelist())
        assert {"setup.sh", "run_autograder"} <= names
        assert "pyproject.toml" in names and "mfalab/grader/run.py" in names
        assert "tests/exercises/hidden/test_ex01_totp_hidden.py" in names
        assert not any(n.startswith((".venv/", ".git/", "var/")) for n in names)
        assert opened.getinfo("run_autograder").external_attr >> 16 & 0o111
        assert "pip install" in opened.read("setup.sh").decode()
    root = s.gradescope_layout(archive, tmp_path / "autograder", s.partial())
    env = dict(os.environ, AUTOGRADER_ROOT=str(root), MFALAB_PYTHON=sys.executable,
               PYTHONPATH=str(root / "source"), MFALAB_GRADE_EXERCISES="ex01")
    done = subprocess.run([str(root / "run_autograder")], env=env, capture_output=True,
                          text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads((root / "results" / "results.json").read_text())
    assert 0 < results["score"] < 20
    assert sum(t["max_score"] for t in results["tests"]) == 20
    assert {t["visibility"] for t in results["tests"]} == {"visible", "after_published"}  # the default
    assert all(t["name"].startswith("ex01: ") for t in results["tests"])
    where = subprocess.run([sys.executable, "-c", "import mfalab.grader.run as r; print(r.REPO)"], env=env,
                           cwd=root / "source", capture_output=True, text=True).stdout.strip()
    assert Path(where) == root / "source"  # the zip's own kit did the grading
