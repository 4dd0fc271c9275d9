"""Binder, reproduced as closely as this machine allows.

repo2docker would: install environment.yml (its `pip:` list), run postBuild in the
repository, then start JupyterLab at ?urlpath=lab/tree/notebooks/00_start_here.ipynb.
Here: a fresh virtual environment from the same `pip:` list and registry, postBuild run
in a copy of the repository, a Jupyter server started from that environment, and the
start notebook executed in that environment's kernel.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import requests
import yaml
from workshop_servers import TOKEN, JupyterServer

REPO = Path(__file__).resolve().parents[2]
START = "notebooks/00_start_here.ipynb"
COPY_IGNORES = shutil.ignore_patterns(".git", ".venv", "var", "__pycache__", "*.egg-info", ".pytest_cache",
                                      ".ipynb_checkpoints", "build", "dist")

pytestmark = pytest.mark.slow


def clean_env(venv, home):
    """A learner's environment on Binder: no test settings, the new venv first on PATH."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("MFALAB_", "DJANGO_", "VIRTUAL_ENV", "JUPYTER_", "PYTHON"))}
    env.update(PATH=f"{venv / 'bin'}:{env.get('PATH', '/usr/bin:/bin')}", VIRTUAL_ENV=str(venv), HOME=str(home),
               JUPYTER_DATA_DIR=str(home / ".local/share/jupyter"),
               MFALAB_WARM_CHECKER="0")  # a check cell would leave a checker running for 20 idle minutes
    return env


def run(command, **kwargs):
    done = subprocess.run(command, capture_output=True, text=True, **kwargs)
    assert done.returncode == 0, f"{command} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


def test_binder_files_follow_repo2docker_rules():
    """postBuild stops at the first error and installs the project without touching the pins."""
    post_build = (REPO / "postBuild").read_text()
    assert post_build.startswith("#!/bin/bash\n") and "set -e" in post_build
    assert os.access(REPO / "postBuild", os.X_OK)
    assert "pip install --no-deps -e ." in post_build and "mfalab prepare" in post_build
    if (REPO / "start").exists():
        assert (REPO / "start").read_text().rstrip().splitlines()[-1] == 'exec "$@"'
    spec = yaml.safe_load((REPO / "environment.yml").read_text())
    assert any(isinstance(dep, dict) and dep.get("pip") for dep in spec["dependencies"])
    assert (REPO / START).exists()


def binder_version():
    """The Python version environment.yml asks for (Binder's: 3.12)."""
    return next(line.split("=", 1)[1].strip() for line in (REPO / "environment.yml").read_text().splitlines()
                if line.strip().startswith("- python="))


def binder_python():
    """Binder's Python where this machine has it, else this one."""
    wanted = binder_version()
    name = f"python{wanted}"
    candidates = [shutil.which(name), *sorted(Path.home().glob(f".pyenv/versions/{wanted}*/bin/{name}"))]
    for candidate in filter(None, candidates):
        if subprocess.run([str(candidate), "-c", "pass"], capture_output=True).returncode == 0:
            return str(candidate)
    return sys.executable


@pytest.fixture(scope="module")
def binder(tmp_path_factory):
    """A fresh environment from environment.yml's pip list, and postBuild run in a repo copy."""
    root = tmp_path_factory.mktemp("binder")
    venv, home, repo = root / "venv", root / "home", root / "repo"
    home.mkdir()
    spec = yaml.safe_load((REPO / "environment.yml").read_text())
    pins = next(dep["pip"] for dep in spec["dependencies"] if isinstance(dep, dict) and "pip" in dep)
    run([binder_python(), "-m", "venv", str(venv)])
    env = clean_env(venv, home)
    run([str(venv / "bin/python"), "-m", "pip", "install", "--quiet", *pins], env=env, timeout=900)
    shutil.copytree(REPO, repo, ignore=COPY_IGNORES)
    post_build = run(["bash", "postBuild"], cwd=repo, env=env, timeout=600)
    return {"venv": venv, "home": home, "repo": repo, "env": env, "post_build": post_build}


def test_postbuild_installs_the_project_and_prepares_the_lab(binder):
    """After postBuild the new environment imports the project from the copy and has a lab database."""
    if binder_python() != sys.executable:
        version = run([str(binder["venv"] / "bin/python"), "-c", "import sys; print(sys.version)"]).stdout
        assert version.startswith(binder_version() + "."), version
    assert "lab ready" in binder["post_build"].stdout
    where = run([str(binder["venv"] / "bin/python"), "-c", "import mfalab; print(mfalab.__file__)"],
                env=binder["env"], cwd=binder["home"]).stdout.strip()
    assert Path(where).is_relative_to(binder["repo"])
    assert (binder["repo"] / "var/lab.sqlite3").exists()


def test_the_start_notebook_runs_in_the_binder_kernel(binder):
    """The start notebook runs top to bottom, in a kernel of the fresh environment, without stderr."""
    done = run([str(binder["venv"] / "bin/mfalab"), "notebooks", START], cwd=binder["repo"], env=binder["env"],
               timeout=600)
    assert "00_start_here.ipynb" in done.stdout


def test_jupyter_opens_the_start_notebook_and_the_lab_launcher(binder):
    """The badge's urlpath opens, and the lab bank answers behind the proxy, from the new environment."""
    server = JupyterServer(binder["home"], python=str(binder["venv"] / "bin/python"), env=binder["env"])
    server.env = dict(binder["env"], JUPYTER_CONFIG_DIR=str(binder["home"] / "config"),
                      JUPYTER_RUNTIME_DIR=str(binder["home"] / "runtime"))
    server.start(root_dir=binder["repo"])
    try:
        page = requests.get(f"{server.url}/lab/tree/{START}", params={"token": TOKEN}, timeout=60)
        assert page.status_code == 200 and "JupyterLab" in page.text
        model = requests.get(f"{server.url}/api/contents/{START}", params={"token": TOKEN}, timeout=60).json()
        assert model["type"] == "notebook"
        lab = requests.get(f"{server.url}/mfalab/", params={"token": TOKEN}, timeout=120)
        assert lab.status_code == 200 and "MFA Lab Bank" in lab.text
    finally:
        server.stop()
