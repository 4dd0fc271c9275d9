"""`make lab` (or `mfalab lab`): JupyterLab on the whole repository, at the start notebook.

The file browser shows exercises/, notebooks/ and the README (the server's root is the
repository, not notebooks/), and every JupyterLab terminal has the kit's environment first
on PATH, so `mfalab check ex01` and `python manage.py runserver` work as the course writes
them. Jupyter runs a login shell when it is not started from a terminal, and a login shell
resets PATH; so the terminals run bash with terminal_rc.sh, which reads the user's own
~/.bashrc and then puts the kit's bin folder first.
"""

import json
import os
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
START = "notebooks/00_start_here.ipynb"
RC_FILE = Path(__file__).with_name("terminal_rc.sh")


def bin_folder():
    """The folder of this interpreter's scripts (`mfalab`, `python`, `jupyter`)."""
    return str(Path(sys.executable).parent)


def terminal_shell():
    """The command a JupyterLab terminal runs: an interactive shell that reads terminal_rc.sh."""
    bash = shutil.which("bash")
    if bash:
        return [bash, "--rcfile", str(RC_FILE), "-i"]
    return [shutil.which("sh") or "/bin/sh", "-i"]  # POSIX sh reads $ENV (set below)


def environment(base=None):
    env = dict(os.environ if base is None else base)
    env["MFALAB_BIN"] = bin_folder()
    env["ENV"] = str(RC_FILE)
    env["PATH"] = os.pathsep.join([bin_folder(), env.get("PATH", "")]).rstrip(os.pathsep)
    if sys.prefix != sys.base_prefix:
        env["VIRTUAL_ENV"] = sys.prefix
    return env


def command(options=()):
    """The JupyterLab command line: the repository as root, the start notebook opened."""
    args = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={REPO}",
            "--ServerApp.terminado_settings=" + json.dumps({"shell_command": terminal_shell()})]
    if os.geteuid() == 0:  # containers often run as root; Jupyter refuses unless told
        args.append("--allow-root")
    return args + list(options) + [START]


def main(options=()):
    """Replace this process with JupyterLab (never returns)."""
    os.chdir(REPO)
    args = command(options)
    os.execve(args[0], args, environment())
