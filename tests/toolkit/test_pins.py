"""pyproject.toml pins every dependency exactly; environment.yml agrees with it."""

import re
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def pyproject_pins():
    return tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]


def environment_pins():
    text = (REPO / "environment.yml").read_text()
    block = text.split("- pip:", 1)[1]
    return re.findall(r'^\s+-\s+"?([^"\n]+)"?\s*$', block, re.M)


def test_every_dependency_is_pinned_exactly():
    for requirement in pyproject_pins():
        assert re.fullmatch(r"[A-Za-z0-9_.\-]+(\[[a-z,]+\])?==[0-9][0-9A-Za-z.]*", requirement), requirement


def test_environment_yml_agrees_with_pyproject():
    assert sorted(environment_pins()) == sorted(pyproject_pins())


def test_binder_python_is_one_the_project_supports():
    requires = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["requires-python"]
    assert requires == ">=3.11"
    assert re.search(r"^\s+- python=3\.1[1-9]\s*$", (REPO / "environment.yml").read_text(), re.M)


def test_the_stack_is_the_supported_one():
    pins = dict(p.split("==") for p in pyproject_pins())
    assert pins["Django"].startswith("5.2.")
    assert pins["django-two-factor-auth[webauthn,phonenumberslite]"] == "1.18.1"
    assert pins["webauthn"].startswith("2.")
