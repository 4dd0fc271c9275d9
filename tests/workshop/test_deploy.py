"""The Zero to JupyterHub values: the keys a workshop depends on, checked."""

from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
START = "notebooks/00_start_here.ipynb"


@pytest.fixture(scope="module")
def values():
    return yaml.safe_load((REPO / "deploy/z2jh/config.yaml").read_text())


def test_singleuser_image_is_a_fixed_repo2docker_tag(values):
    """Every learner runs the same image, built from a release tag, never :latest."""
    image = values["singleuser"]["image"]
    assert image["name"] and image["tag"] and image["tag"] != "latest"
    assert isinstance(image["tag"], str)


def test_learners_open_the_start_notebook(values):
    """The default URL is JupyterLab at the course's start notebook, which exists."""
    assert values["singleuser"]["defaultUrl"] == f"/lab/tree/{START}"
    assert (REPO / START).exists()


def test_per_learner_memory_and_cpu_are_limited(values):
    """Memory guarantee = limit (no overcommit surprises mid-workshop) and a CPU cap."""
    memory, cpu = values["singleuser"]["memory"], values["singleuser"]["cpu"]
    assert memory["guarantee"] == memory["limit"] == "1G"
    assert 0 < cpu["guarantee"] <= cpu["limit"] <= 2


def test_idle_servers_are_culled(values):
    """Idle learner servers stop by themselves."""
    cull = values["cull"]
    assert cull["enabled"] is True and 0 < cull["every"] < cull["timeout"] <= 4 * 3600


def test_the_repository_is_not_hidden_by_a_home_volume(values):
    """repo2docker's copy of the course sits in the home folder: no volume may cover it."""
    assert values["singleuser"]["storage"]["type"] == "none"
    assert values["singleuser"]["extraEnv"]["MFALAB_CODE"] == "exercises"
