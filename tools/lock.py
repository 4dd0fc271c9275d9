"""Lock the whole dependency tree: write constraints.txt and environment.yml's pip list.

    .venv/bin/python tools/lock.py

pyproject.toml pins the project's own dependencies. This resolves everything they pull in
with uv, for every Python the project supports (3.11.0 and up, Binder's 3.12) and every
platform (`--universal`: a package that differs carries an environment marker), so that
two builds a month apart, on a laptop or on Binder, install the same versions.
`make setup` installs with `-c constraints.txt`; Binder installs environment.yml, whose
pip list is the same lock (the project's own pins keep their extras). Run it after
changing a pin in pyproject.toml; tests/toolkit/test_pins.py checks all three agree.
"""

import re
import subprocess
import sys
import tomllib
from pathlib import Path

from uv_from_pip import pip_install_options, uv_arguments

REPO = Path(__file__).resolve().parent.parent
OLDEST_PYTHON = "3.11"


def canonical(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def resolve():
    """The lock's lines, 'name==version' or 'name==version ; marker', sorted."""
    uv = Path(sys.executable).with_name("uv")
    done = subprocess.run([str(uv), "pip", "compile", "pyproject.toml", "--universal", "--python-version",
                           OLDEST_PYTHON, "--no-annotate", "--no-header", "--quiet",
                           *uv_arguments(pip_install_options())], cwd=REPO, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"uv could not resolve the dependencies:\n{done.stderr[-3000:]}")
    return [line.strip() for line in done.stdout.splitlines() if line.strip() and not line.startswith("#")]


def project_pins():
    """{canonical name: requirement} of pyproject.toml's dependencies (extras kept)."""
    pins = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]
    return {canonical(re.split(r"[\[=]", pin)[0]): pin for pin in pins}


def environment_lines(lock, pins):
    return [pins.get(canonical(line.split("==")[0]), line) for line in lock]


def write_environment(lines):
    path = REPO / "environment.yml"
    head = path.read_text().split("  - pip:\n", 1)[0]
    path.write_text(head + "  - pip:\n" + "".join(f'      - "{line}"\n' for line in lines))


def main():
    lock, pins = resolve(), project_pins()
    (REPO / "constraints.txt").write_text(
        f"# The whole dependency tree, pinned for Python >= {OLDEST_PYTHON} on every platform (markers where\n"
        "# versions differ): written by tools/lock.py (uv pip compile --universal) from pyproject.toml.\n"
        "# `make setup` installs with -c constraints.txt; environment.yml lists the same versions.\n"
        + "".join(f"{line}\n" for line in lock))
    write_environment(environment_lines(lock, pins))
    print(f"locked {len(lock)} requirement lines ({len(pins)} pinned by pyproject.toml)")


if __name__ == "__main__":
    main()
