"""The autograder's setup.sh refuses, loudly, a python3 older than the kit needs."""

import subprocess

import pytest

from mfalab.grader.autograder import SETUP_SH


def run_setup(tmp_path, version):
    bin_ = tmp_path / "bin"
    bin_.mkdir()
    (bin_ / "apt-get").write_text("#!/bin/sh\nexit 0\n")  # the image's package manager, stubbed
    (bin_ / "python3").write_text(f"#!/bin/sh\necho {version}\n")  # answers the version question only
    for tool in bin_.iterdir():
        tool.chmod(0o755)
    (tmp_path / "setup.sh").write_text(SETUP_SH)
    return subprocess.run(["bash", str(tmp_path / "setup.sh")], env={"PATH": f"{bin_}:/usr/bin:/bin"},
                          capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("version", ["3.10", "3.9", "2.7"])
def test_an_old_python_stops_setup_with_the_image_to_choose(tmp_path, version):
    done = run_setup(tmp_path, version)
    assert done.returncode == 1
    assert f"needs Python 3.11 or newer, and python3 here is {version}" in done.stderr
    assert "Ubuntu 24.04" in done.stderr


@pytest.mark.parametrize("version", ["3.11", "3.12", "3.20"])
def test_a_recent_python_passes_the_check(tmp_path, version):
    done = run_setup(tmp_path, version)
    assert "needs Python" not in done.stderr  # setup goes on (and stops later here, with no /autograder)
