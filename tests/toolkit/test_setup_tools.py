"""tools/uv_from_pip.py: pip's index settings handed to uv for `make setup`."""

import importlib.util
from pathlib import Path
from types import SimpleNamespace

REPO = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("uv_from_pip", REPO / "tools" / "uv_from_pip.py")
uv_from_pip = importlib.util.module_from_spec(spec)
spec.loader.exec_module(uv_from_pip)


def options(**given):
    base = dict(no_index=False, index_url="https://pypi.org/simple", extra_index_urls=[], find_links=[],
                constraints=[], trusted_hosts=[], cert=None, proxy=None)
    return SimpleNamespace(**{**base, **given})


def test_nothing_configured_leaves_uv_on_pypi():
    assert uv_from_pip.shell_lines(options()) == ["set --"]


def test_a_custom_index_becomes_the_default_index():
    assert uv_from_pip.uv_arguments(options(index_url="https://mirror.example/simple/")) == [
        "--default-index", "https://mirror.example/simple/"]


def test_extra_sources_pick_the_best_version_across_all_like_pip():
    args = uv_from_pip.uv_arguments(options(extra_index_urls=["https://extra.example/simple"],
                                            find_links=["/srv/wheels"]))
    assert args == ["--index", "https://extra.example/simple", "--find-links", "/srv/wheels",
                    "--index-strategy", "unsafe-best-match"]


def test_a_ca_bundle_and_a_proxy_are_exported_quoted():
    lines = uv_from_pip.shell_lines(options(cert="/etc/ssl/my certs.pem", proxy="http://proxy:3128"))
    assert lines[0] == "export SSL_CERT_FILE='/etc/ssl/my certs.pem'"
    assert lines[1] == "export HTTPS_PROXY=http://proxy:3128 HTTP_PROXY=http://proxy:3128"


def test_it_reads_this_pip_without_failing():
    lines = uv_from_pip.shell_lines(uv_from_pip.pip_install_options())
    assert lines[-1].startswith("set --")
