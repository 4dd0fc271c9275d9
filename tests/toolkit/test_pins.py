"""pyproject.toml pins every dependency exactly; constraints.txt locks the whole tree at
those versions; environment.yml installs that same tree for Binder."""

import re
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def canonical(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def pyproject():
    return tomllib.loads((REPO / "pyproject.toml").read_text())


def pyproject_pins():
    return pyproject()["project"]["dependencies"]


def environment_pins():
    text = (REPO / "environment.yml").read_text()
    block = text.split("- pip:", 1)[1]
    return re.findall(r'^\s+-\s+"?([^"\n]+)"?\s*$', block, re.M)


def lock_lines():
    text = (REPO / "constraints.txt").read_text()
    return [line for line in text.splitlines() if line and not line.startswith("#")]


def locked():
    """{(canonical name, environment marker): version} of constraints.txt."""
    found = {}
    for line in lock_lines():
        requirement, _, marker = line.partition(" ; ")
        name, version = requirement.split("==")
        found[(canonical(name), marker)] = version
    return found


def versions(pins):
    return {canonical(re.split(r"[\[=]", pin)[0]): pin.split("==")[1] for pin in pins}


def test_every_dependency_is_pinned_exactly():
    for requirement in pyproject_pins():
        assert re.fullmatch(r"[A-Za-z0-9_.\-]+(\[[a-z,]+\])?==[0-9][0-9A-Za-z.]*", requirement), requirement


def test_the_lock_holds_every_pin_at_its_version():
    lock = locked()
    for name, version in versions(pyproject_pins()).items():
        assert lock.get((name, "")) == version, f"{name}: pyproject {version}, constraints.txt {lock.get((name, ''))}"
    assert not {"pip", "setuptools", "uv", "mfa-lab"} & {name for name, _ in lock}, \
        "installers and the project stay out of the lock"


def test_the_lock_covers_every_supported_python():
    """A package that needs a newer Python than 3.11.0 carries a marker and an older alternative."""
    markers = [marker for _, marker in locked() if "python" in marker]
    assert all(re.search(r"python_full_version [<>=]+ '3\.1[1-9]", marker) for marker in markers), markers


def test_environment_yml_installs_the_locked_tree_with_the_projects_extras():
    env, pins = environment_pins(), versions(pyproject_pins())
    plain = [line if canonical(re.split(r"[\[=]", line)[0]) not in pins else re.sub(r"\[[a-z,]+\]", "", line)
             for line in env]
    assert sorted(canonical(line.split("==")[0]) + "==" + line.split("==")[1] for line in plain) == \
        sorted(canonical(line.split("==")[0]) + "==" + line.split("==")[1] for line in lock_lines())
    assert set(pyproject_pins()) <= set(env), "pyproject's pins (with their extras) appear as they are"


def test_binder_python_is_one_the_project_supports():
    assert pyproject()["project"]["requires-python"] == ">=3.11"
    assert re.search(r"^\s+- python=3\.1[1-9]\s*$", (REPO / "environment.yml").read_text(), re.M)


def test_the_stack_is_the_supported_one():
    pins = versions(pyproject_pins())
    assert pins["django"].startswith("5.2.")
    assert pins["django-two-factor-auth"] == "1.18.1"
    assert pins["webauthn"].startswith("2.")
    # repo2docker's base environment ships notebook 7.4, which requires jupyterlab < 4.5:
    # the pinned notebook must accept the pinned jupyterlab (notebook 7.6 wants >=4.6.6,<4.7).
    assert pins["notebook"].startswith("7.6.") and pins["jupyterlab"].startswith("4.6.")


def test_the_build_backend_is_bounded_and_the_license_is_an_spdx_string():
    data = pyproject()
    assert re.fullmatch(r"setuptools>=\d+,<\d+", data["build-system"]["requires"][0])
    assert data["project"]["license"] == "MIT"
