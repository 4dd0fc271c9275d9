"""The student edition: the kit without solutions, hidden tests or instructor material.

    mfalab release --out dist/release   ->  dist/release/mfa-lab/ and dist/release/mfa-lab.zip

Left out: solutions/, tests/exercises/hidden/, the grader (mfalab/grader/, tests/grader/,
docs/instructor.md), every kit test that proves the reference solutions (those need
solutions/), and local state (.git, .venv, var/, caches).

The release's pytest configuration runs tests/toolkit, tests/lab and the notebooks
(`make test`), all of which pass against the untouched stubs. The graded tests stay in
tests/exercises for `mfalab check exNN`; run by hand (`pytest tests/exercises`) they
default to `--code exercises`, the learner's own modules, and fail until solved.

Its README is the students' own (docs/student-readme.md), and its notebooks are executed
again inside the built folder, with the release's own code imported first, so that the
outputs it stores are the ones its nbval compares (notebooks 02 and 04 leave out the
hardened lab there, which needs solutions/).
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from .run import REPO

NAME = "mfa-lab"
EXCLUDED_DIRS = {".git", ".venv", "var", "dist", "grades", "solutions", "__pycache__", ".pytest_cache",
                 ".ipynb_checkpoints", ".mypy_cache", ".ruff_cache"}
INSTRUCTOR_MARKER = "# --- Instructor"
STUDENT_README = "docs/student-readme.md"
EXCLUDED_PATHS = {"tests/exercises/hidden", "tests/grader", "mfalab/grader", "docs/instructor.md", STUDENT_README}


class ReleaseError(RuntimeError):
    """The release could not be built (its notebooks did not run inside it)."""


# Kit tests that grade a whole submission count the hidden tests in their totals; they
# request this fixture and are deselected in the release (tests/exercises/hidden is absent).
NEEDS_HIDDEN_FIXTURE = "grade_submission"


def needs_hidden_tests(folder):
    """Node ids of the release's kit tests that request NEEDS_HIDDEN_FIXTURE."""
    pattern = re.compile(rf"^def (test_\w+)\([^)]*\b{NEEDS_HIDDEN_FIXTURE}\b", re.M)
    nodes = []
    for path in sorted(Path(folder).glob("tests/*/test_*.py")):
        if path.parent.name != "exercises":
            relative = path.relative_to(folder).as_posix()
            nodes += [f"{relative}::{name}" for name in pattern.findall(path.read_text(errors="replace"))]
    return nodes


def instructor_test(path):
    """A kit test that needs the reference solutions (or the grader) to run."""
    text = path.read_text(errors="replace")
    return bool(re.search(r"solutions|mfalab\.grader", text))


def _wanted(relative):
    if any(part in EXCLUDED_DIRS or part.endswith(".egg-info") for part in relative.parts):
        return False
    text = relative.as_posix()
    if any(text == p or text.startswith(p + "/") for p in EXCLUDED_PATHS):
        return False
    return True


def release_pyproject(text, deselected=()):
    """The release's pyproject: no grader script; tests default to the learner's code."""
    text = re.sub(r'^mfalab-grade = .*\n', "", text, flags=re.M)
    text = re.sub(r'^testpaths = .*$', 'testpaths = ["tests/toolkit", "tests/lab", "notebooks"]', text, flags=re.M)
    deselect = "".join(f" --deselect {node}" for node in deselected)
    text = re.sub(r'^addopts = "-p mfalab.points ', f'addopts = "-p mfalab.points --code exercises{deselect} ', text,
                  flags=re.M)
    return text


def release_makefile(text):
    """The release's Makefile: the instructor section (grade, release, autograder) cut."""
    marker = text.find(INSTRUCTOR_MARKER)
    return text if marker < 0 else text[:marker].rstrip() + "\n"


def copy_tree(target, source=REPO):
    for path in sorted(source.rglob("*")):
        relative = path.relative_to(source)
        if not _wanted(relative) or path.is_symlink():
            continue
        destination = target / relative
        if path.is_dir():
            destination.mkdir(parents=True, exist_ok=True)
        elif path.is_file():
            if relative.parts[0] == "tests" and relative.parts[1:2] != ("exercises",) and \
                    path.suffix == ".py" and path.name.startswith("test_") and instructor_test(path):
                continue
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, destination)


def execute_notebooks(folder, timeout=1800):
    """Run the release's notebooks inside it (`mfalab notebooks`), its own code imported first
    and a throwaway lab database, so their stored outputs are the release's."""
    with tempfile.TemporaryDirectory(prefix="mfalab-release-var-") as var:
        env = dict(os.environ, PYTHONPATH=str(folder), MFALAB_VAR=var, MFALAB_CODE="exercises",
                   PYTHONDONTWRITEBYTECODE="1")
        done = subprocess.run([sys.executable, "-m", "mfalab", "notebooks"], cwd=folder, env=env,
                              capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise ReleaseError(f"the release's notebooks failed inside it:\n{done.stdout[-2000:]}{done.stderr[-3000:]}")
    for leftover in folder.rglob("__pycache__"):
        shutil.rmtree(leftover, ignore_errors=True)


def build_release(out, *, notebooks=True, source=REPO):
    """Build the release folder and zip in `out`; notebooks=False keeps the kit's stored outputs."""
    out = Path(out)
    folder = out / NAME
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    copy_tree(folder, source)
    shutil.copy2(source / STUDENT_README, folder / "README.md")
    pyproject = folder / "pyproject.toml"
    pyproject.write_text(release_pyproject(pyproject.read_text(), needs_hidden_tests(folder)))
    makefile = folder / "Makefile"
    if makefile.exists():
        makefile.write_text(release_makefile(makefile.read_text()))
    if notebooks:
        execute_notebooks(folder)
    archive = shutil.make_archive(str(out / NAME), "zip", root_dir=out, base_dir=NAME)
    return folder, Path(archive)
