"""Lock the whole dependency tree: write constraints.txt and environment.yml's pip list.

    make setup && .venv/bin/python tools/lock.py

pyproject.toml pins the project's own dependencies; this records every package they
pulled into the venv, at the version installed, so that two builds a month apart install
the same tree: `make setup` installs with `-c constraints.txt`, and Binder installs
environment.yml, whose pip list is the same tree (the project's pins keep their extras).
Run it after changing a pin in pyproject.toml; tests/toolkit/test_pins.py checks all three agree.
"""

import re
import tomllib
from importlib.metadata import distributions
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TOOLING = {"mfa-lab", "pip", "setuptools", "wheel", "uv"}  # the project itself and the installers


def canonical(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def installed():
    """{canonical name: 'Name==version'} for every distribution in this interpreter's environment."""
    found = {}
    for dist in distributions():
        name = dist.metadata["Name"]
        if canonical(name) not in TOOLING:
            found[canonical(name)] = f"{name}=={dist.version}"
    return found


def project_pins():
    """{canonical name: requirement} of pyproject.toml's dependencies (extras kept)."""
    pins = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]
    return {canonical(re.split(r"[\[=]", pin)[0]): pin for pin in pins}


def environment_lines(locked, pins):
    return [pins.get(name, requirement) for name, requirement in sorted(locked.items())]


def write_environment(lines):
    path = REPO / "environment.yml"
    head = path.read_text().split("  - pip:\n", 1)[0]
    path.write_text(head + "  - pip:\n" + "".join(f'      - "{line}"\n' for line in lines))


def main():
    locked, pins = installed(), project_pins()
    for name, pin in pins.items():
        have = locked.get(name, "==").split("==")[1]
        if have != pin.split("==")[1]:
            raise SystemExit(f"{pin}: {have or 'nothing'} is installed here. Run `make setup` first.")
    (REPO / "constraints.txt").write_text(
        "# The whole dependency tree, pinned: written by tools/lock.py from a fresh `make setup`.\n"
        "# `make setup` installs with -c constraints.txt; environment.yml lists the same versions.\n"
        + "".join(f"{requirement}\n" for _, requirement in sorted(locked.items())))
    write_environment(environment_lines(locked, pins))
    print(f"locked {len(locked)} packages ({len(pins)} pinned by pyproject.toml)")


if __name__ == "__main__":
    main()
