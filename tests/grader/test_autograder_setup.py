"""The autograder's setup.sh, run as Gradescope runs it in a folder shaped like /autograder.

Gradescope's Ubuntu 24.04 base image has Python 3.12; setup.sh refuses, loudly, a python3
older than the kit needs. apt-get is stubbed (it records what it was asked for); python3 is
a real interpreter in the slow test, which installs the kit from PyPI with the pins and
grades a submission with the virtualenv that setup.sh made.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile

import pytest
import submissions as s

from mfalab.grader.autograder import build_autograder

# What a test must not pass on to the scripts: they find their own kit and interpreter.
OVERRIDES = ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "MFALAB_PYTHON", "MFALAB_VAR")
VERSION = "import sys; print(sys.executable); print('%d.%d' % sys.version_info[:2]); print(sys.base_prefix)"


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    return build_autograder(tmp_path_factory.mktemp("zip") / "autograder.zip")


def image_tools(folder, python3):
    """A bin folder for the top of PATH: apt-get records its arguments into folder/apt-get.log;
    python3 is a shell script whose body is the command `python3` (a stub or an exec of a real one)."""
    bin_ = folder / "bin"
    bin_.mkdir()
    (bin_ / "apt-get").write_text(f'#!/bin/sh\necho "$*" >> "{folder / "apt-get.log"}"\n')
    (bin_ / "python3").write_text(f"#!/bin/sh\n{python3}\n")
    for tool in bin_.iterdir():
        tool.chmod(0o755)
    return bin_


def clean_env(**extra):
    env = {k: v for k, v in os.environ.items() if k not in OVERRIDES}
    return dict(env, **extra)


def run_setup(root, bin_, path="/usr/bin:/bin", timeout=60):
    return subprocess.run([str(root / "source" / "setup.sh")], cwd=root, capture_output=True, text=True,
                          timeout=timeout, env=clean_env(PATH=f"{bin_}:{path}", AUTOGRADER_ROOT=str(root)))


@pytest.mark.parametrize("version", ["3.10", "3.9", "2.7"])
def test_an_old_python_stops_setup_with_the_image_to_choose(tmp_path, archive, version):
    root = s.gradescope_layout(archive, tmp_path / "autograder")
    done = run_setup(root, image_tools(tmp_path, f"echo {version}"))  # answers the version question only
    assert done.returncode == 1
    assert f"needs Python 3.11 or newer, and python3 here is {version}" in done.stderr
    assert "Ubuntu 24.04" in done.stderr
    assert "creating the virtualenv" not in done.stdout
    assert not (root / "source" / ".venv").exists()


@pytest.mark.parametrize("version", ["3.11", "3.12", "3.20"])
def test_a_recent_python_passes_the_check(tmp_path, archive, version):
    root = s.gradescope_layout(archive, tmp_path / "autograder")
    done = run_setup(root, image_tools(tmp_path, f"echo {version}"))
    assert "needs Python" not in done.stderr
    # setup goes on, in AUTOGRADER_ROOT: the stub makes no virtualenv, so the next step stops it
    assert f"mfa-lab setup: creating the virtualenv {root}/source/.venv" in done.stdout
    assert done.returncode != 0 and "upgrading pip" in done.stdout


def python312():
    """The interpreter of Gradescope's Ubuntu 24.04 image, Python 3.12, if this machine has one:
    python3.12 on PATH, or a 3.12 that pyenv knows. None when there is none."""
    found = shutil.which("python3.12")
    if found is None:
        return None
    tries = [{}]
    if shutil.which("pyenv"):
        bare = subprocess.run(["pyenv", "versions", "--bare"], capture_output=True, text=True).stdout.split()
        tries += [{"PYENV_VERSION": v} for v in bare if v.startswith("3.12")]
    for extra in tries:
        answer = subprocess.run([found, "-c", VERSION], capture_output=True, text=True, env=clean_env(**extra))
        if answer.returncode == 0 and answer.stdout.split()[1] == "3.12":
            return answer.stdout.split()[0]  # the real binary, not pyenv's shim
    return None


def pins(text):
    """{name: version} of the name==version lines without markers (constraints.txt, pip freeze)."""
    found = {}
    for line in text.splitlines():
        name, equals, version = line.partition("==")
        if equals and ";" not in line and not line.startswith("#"):
            found[re.sub(r"[-_.]+", "-", name.strip().lower())] = version.strip()
    return found


@pytest.mark.slow
def test_setup_installs_the_pinned_kit_and_run_autograder_grades_with_it(tmp_path, archive):
    with zipfile.ZipFile(archive) as opened:
        assert "constraints.txt" in opened.namelist()  # the pins setup.sh installs with
    # Python 3.12 as on Gradescope's image; without one, the interpreter running these tests
    # (3.11 or newer) stands in, and the test checks the virtualenv runs that one.
    python = python312() or sys.executable
    expected = subprocess.run([python, "-c", VERSION], capture_output=True, text=True,
                              env=clean_env()).stdout.split()[1:]
    root = s.gradescope_layout(archive, tmp_path / "autograder", s.partial())
    bin_ = image_tools(tmp_path, f'exec "{python}" "$@"')

    started = time.monotonic()
    done = run_setup(root, bin_, path=os.environ["PATH"], timeout=1200)
    took = time.monotonic() - started
    print(f"setup.sh with python3 {expected[0]}: {took:.0f} s")
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
    assert (tmp_path / "apt-get.log").read_text().splitlines() == [
        "update -q", "install -y -q python3 python3-venv python3-pip"]
    assert done.stdout.rstrip().endswith("mfa-lab setup: done")
    venv_python = root / "source" / ".venv" / "bin" / "python"
    answer = subprocess.run([str(venv_python), "-c", VERSION], capture_output=True, text=True, env=clean_env())
    assert answer.stdout.split()[1:] == expected  # the image's python3 (3.12 here when present)
    if python != sys.executable:
        assert expected[0] == "3.12"
    frozen = subprocess.run([str(venv_python), "-m", "pip", "freeze"], capture_output=True, text=True,
                            env=clean_env()).stdout
    installed = pins(frozen)
    pinned = pins((root / "source" / "constraints.txt").read_text())
    assert len(installed.keys() & pinned.keys()) > 50
    assert {name: installed[name] for name in pinned if name in installed} == \
        {name: pinned[name] for name in pinned if name in installed}  # every one at its pin

    env = clean_env(AUTOGRADER_ROOT=str(root), MFALAB_GRADE_EXERCISES="ex01")
    graded = subprocess.run([str(root / "run_autograder")], env=env, capture_output=True, text=True, timeout=900)
    assert graded.returncode == 0, graded.stderr[-3000:]
    results = json.loads((root / "results" / "results.json").read_text())
    assert 0 < results["score"] < 20
    assert sum(t["max_score"] for t in results["tests"]) == 20
