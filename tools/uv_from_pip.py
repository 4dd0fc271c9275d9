"""Print shell lines that hand pip's index settings to uv (used by `make setup`).

uv does not read pip's configuration (pip.conf, PIP_* variables). This asks the
venv's own pip what `pip install` would use, the way pip itself reads it, and prints

    export SSL_CERT_FILE=...          (pip's CA bundle, when one is configured)
    set -- --default-index URL ...    (arguments for `uv pip install`)

for the Makefile to `eval`. Nothing configured: prints `set --` and uv uses PyPI.
Exits non-zero if pip cannot be asked; the Makefile then installs with pip instead.
"""

import shlex

from pip._internal.commands import create_command

PYPI = "https://pypi.org/simple"


def pip_install_options():
    options, _ = create_command("install").parse_args([])
    return options


def uv_arguments(o):
    args = []
    if o.no_index:
        args.append("--no-index")
    elif o.index_url and o.index_url.rstrip("/") != PYPI:
        args += ["--default-index", o.index_url]
    for url in o.extra_index_urls or []:
        args += ["--index", url]
    for location in o.find_links or []:
        args += ["--find-links", location]
    for path in o.constraints or []:
        args += ["--constraints", path]
    for host in o.trusted_hosts or []:
        args += ["--allow-insecure-host", host]
    if o.extra_index_urls or o.find_links:
        # pip picks the best version across every index and link; uv's default stops at the first index.
        args += ["--index-strategy", "unsafe-best-match"]
    return args


def shell_lines(o):
    lines = []
    if o.cert:
        lines.append(f"export SSL_CERT_FILE={shlex.quote(o.cert)}")
    if o.proxy:
        lines.append(f"export HTTPS_PROXY={shlex.quote(o.proxy)} HTTP_PROXY={shlex.quote(o.proxy)}")
    lines.append(shlex.join(["set", "--", *uv_arguments(o)]))
    return lines


if __name__ == "__main__":
    print("\n".join(shell_lines(pip_install_options())))
