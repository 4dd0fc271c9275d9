"""The student release: no solutions, hidden tests or instructor material; its own test
command (toolkit, lab and notebooks, against the stubs) passes inside it."""

import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import guide
import pytest

from mfalab.grader.release import STUDENT_README, needs_hidden_tests, release_pyproject
from mfalab.grader.run import REPO

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    """The release, built by the instructor guide's command."""
    out = tmp_path_factory.mktemp("release")
    done = guide.run(guide.command(".venv/bin/mfalab release"), {"dist/release": out})
    assert done.returncode == 0, done.stderr[-3000:]
    return out / "mfa-lab", out / "mfa-lab.zip"


def test_the_release_leaves_out_instructor_material(release):
    folder, archive = release
    assert (folder / "exercises" / "ex01_totp.py").is_file()
    assert (folder / "tests" / "exercises" / "test_ex01_totp.py").is_file()
    assert (folder / "notebooks").is_dir()
    for absent in ("solutions", "tests/exercises/hidden", "tests/grader", "mfalab/grader", "docs/instructor.md",
                   ".git", ".venv", "var"):
        assert not (folder / absent).exists(), absent
    for path in folder.rglob("*.py"):
        text = path.read_text(errors="replace")
        assert "from solutions" not in text and "import solutions" not in text, path
    with zipfile.ZipFile(archive) as opened:
        names = opened.namelist()
    assert "mfa-lab/exercises/ex01_totp.py" in names
    assert not any("/solutions/" in n or "/hidden/" in n or "/grader/" in n for n in names)


# Text that names instructor-only commands, files or folders; none of it may reach a student
# (docs/workshops.md, which ships, names `make release` as where a host's copy comes from).
INSTRUCTOR_ONLY = ("docs/instructor.md", "instructor.md", "make grade", "make autograder",
                   "mfalab grade ", "mfalab-grade", "solutions/", "tests/exercises/hidden")


def test_the_release_readme_is_the_students_own(release):
    folder, _ = release
    readme = (folder / "README.md").read_text()
    assert readme == (REPO / STUDENT_README).read_text()
    assert readme != (REPO / "README.md").read_text()
    for wanted in ("make lab", "make test", 'mfalab.check("ex01")', "mfalab check ex01", "00_start_here",
                   "Where to ask"):
        assert wanted in readme, wanted
    for unwanted in INSTRUCTOR_ONLY + ("make release", "For instructors", "SUBMISSIONS="):
        assert unwanted not in readme, unwanted
    assert not (folder / STUDENT_README).exists()


def test_no_instructor_material_in_the_release_text(release):
    folder, _ = release
    found = []
    for path in folder.rglob("*"):
        if path.is_file() and path.suffix in (".md", ".txt", ".toml", ".yml", ".cfg", "") + (".ipynb",):
            text = path.read_text(errors="replace")
            found += [f"{path.relative_to(folder)}: {needle}" for needle in INSTRUCTOR_ONLY if needle in text]
    assert found == []


def test_the_release_notebooks_ran_inside_it_without_a_hardened_lab(release):
    folder, _ = release
    for name in ("02_sms_vs_totp_threats.ipynb", "04_enforcing_mfa.ipynb"):
        text = (folder / "notebooks" / name).read_text()
        assert "the hardened column is left out" in text, name
        assert "on solutions:" not in text and "code='solutions'" not in text, name
        assert "on exercises:" in text or "naive (your code)" in text, name


def test_the_release_configuration_runs_learner_code_not_solutions():
    text = release_pyproject('[project.scripts]\nmfalab = "x"\nmfalab-grade = "y"\n'
                             'testpaths = ["tests", "notebooks"]\naddopts = "-p mfalab.points --nbval"\n',
                             ["tests/lab/test_x.py::test_y"])
    assert "mfalab-grade" not in text
    assert 'testpaths = ["tests/toolkit", "tests/lab", "notebooks"]' in text
    assert 'addopts = "-p mfalab.points --code exercises --deselect tests/lab/test_x.py::test_y --nbval"' in text


def test_kit_tests_that_count_hidden_tests_are_found(release):
    folder, _ = release
    nodes = needs_hidden_tests(folder)
    assert "tests/lab/test_backup_wiring.py::test_a_half_right_exercise_3_earns_some_points_but_not_all" in nodes
    assert f"--deselect {nodes[0]}" in (folder / "pyproject.toml").read_text()


def test_the_release_make_test_passes_in_a_fresh_folder(release, tmp_path):
    """What a student does with the zip: unpack it, `make test` (set-up included)."""
    _, archive = release
    with zipfile.ZipFile(archive) as opened:
        opened.extractall(tmp_path)
    fresh = tmp_path / "mfa-lab"
    for script in fresh.rglob("*"):  # extractall drops the zip's modes
        if script.is_file() and script.suffix in ("", ".sh") and script.read_bytes()[:2] == b"#!":
            script.chmod(0o755)
    env = {k: v for k, v in os.environ.items()  # a student's shell: no outer make, venv or kit settings
           if k not in ("VIRTUAL_ENV", "PYTHONPATH", "MFALAB_VAR", "MAKELEVEL", "MAKEFLAGS", "MFLAGS")}
    env["PATH"] = os.pathsep.join(p for p in env["PATH"].split(os.pathsep) if Path(p) != Path(sys.executable).parent)
    done = subprocess.run(["make", "test"], cwd=fresh, env=env, capture_output=True, text=True, timeout=3600)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert (fresh / ".venv" / "bin" / "python").exists()  # its own environment, made by its own set-up
    summary = [line for line in done.stdout.splitlines() if re.match(r"^=+ .* in [\d.]+s", line)][-1]
    assert " passed" in summary and "failed" not in summary and "error" not in summary, summary
    notebooks = sorted((fresh / "notebooks").glob("*.ipynb"))
    assert len(notebooks) == len(list((REPO / "notebooks").glob("*.ipynb")))
    for notebook in notebooks:  # nbval ran every notebook
        assert f"notebooks/{notebook.name} " in done.stdout, notebook.name
