"""`make lab` as a learner starts it: the repository is the file browser's root, the start
notebook opens, and a JupyterLab terminal runs the kit's `mfalab` and `python`.

The test runs `make lab` itself (with a port, a token and a stand-in browser that writes
down the address it was asked to open), then talks to the server through its REST API and
a terminal's websocket, as JupyterLab's own front end does.
"""

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
import requests

from mfalab.bench import free_port

REPO = Path(__file__).resolve().parents[2]
TOKEN = "make-lab-test-token"


@pytest.fixture(scope="module")
def make_lab(tmp_path_factory):
    folder = tmp_path_factory.mktemp("make-lab")
    opened = folder / "opened.txt"
    browser = folder / "browser.sh"
    browser.write_text(f'#!/bin/sh\necho "$1" > "{opened}"\n')
    browser.chmod(0o755)
    port = free_port()
    options = (f"--ServerApp.port={port} --ServerApp.port_retries=0 --IdentityProvider.token={TOKEN} "
               f"--ServerApp.browser='{browser} %s'")
    # Not the test's own environment: the kit's bin folder must come from `make lab`, not from here.
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTEST", "DJANGO", "MFALAB", "MAKEFLAGS", "MFLAGS", "MAKELEVEL"))}
    env["PATH"] = "/usr/local/bin:/usr/bin:/bin"
    env["MFALAB_WARM_CHECKER"] = "0"  # a check in the terminal leaves no checker behind
    # A start-up file that puts another python first, as pyenv's or conda's do.
    (folder / "other-bin").mkdir()
    (folder / "other-bin" / "python").write_text("#!/bin/sh\necho 'not the kit python'\n")
    (folder / "other-bin" / "python").chmod(0o755)
    (folder / ".bashrc").write_text(f'export PATH="{folder}/other-bin:$PATH"\n')
    env.update(JUPYTER_CONFIG_DIR=str(folder / "config"), JUPYTER_RUNTIME_DIR=str(folder / "runtime"),
               JUPYTER_DATA_DIR=str(folder / "data"), HOME=str(folder))
    log = open(folder / "lab.log", "wb")
    # A learner's own `make lab`, not a sub-make of `make test PYTHON=...`: the set-up check
    # uses this interpreter (the PATH above may not have the one make test was given).
    process = subprocess.Popen(["make", "-s", "lab", f"LAB_OPTIONS={options}", f"PYTHON={sys.executable}"],
                               cwd=REPO, env=env,
                               stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert process.poll() is None, (folder / "lab.log").read_text()[-3000:]
            assert time.monotonic() < deadline, (folder / "lab.log").read_text()[-3000:]
            try:
                if requests.get(f"{url}/api/status", params={"token": TOKEN}, timeout=5).ok:
                    break
            except requests.ConnectionError:
                time.sleep(0.5)
        yield url, opened
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()


def names(url, path):
    answer = requests.get(f"{url}/api/contents/{path}", params={"token": TOKEN}, timeout=10)
    assert answer.status_code == 200, f"/api/contents/{path}: {answer.status_code} {answer.text[:300]}"
    return {item["name"] for item in answer.json()["content"]}


def test_the_file_browser_shows_the_repository_and_the_start_notebook_opens(make_lab):
    url, opened = make_lab
    assert {"exercises", "notebooks", "README.md"} <= names(url, "")
    assert "ex01_totp.py" in names(url, "exercises")
    exercise = requests.get(f"{url}/api/contents/exercises/ex01_totp.py", params={"token": TOKEN}, timeout=10)
    assert exercise.json()["type"] == "file" and "def hotp" in exercise.json()["content"]
    deadline = time.monotonic() + 30
    while not (opened.exists() and opened.read_text().strip()) and time.monotonic() < deadline:
        time.sleep(0.2)
    # Jupyter hands the browser a local page that redirects to the notebook.
    page = opened.read_text().strip()
    assert page.startswith("file:"), page
    assert "/lab/tree/notebooks/00_start_here.ipynb" in Path(unquote(urlparse(page).path)).read_text()


async def run_in_terminal(url, lines, marker, timeout=90):
    """Open a terminal as JupyterLab does, type `lines`, return what it printed up to `marker`."""
    from tornado.websocket import websocket_connect

    name = requests.post(f"{url}/api/terminals", params={"token": TOKEN}, timeout=10).json()["name"]
    ws_url = url.replace("http", "ws", 1) + f"/terminals/websocket/{name}?token={TOKEN}"
    connection = await websocket_connect(ws_url)
    seen = ""
    try:
        for line in lines:
            await connection.write_message(json.dumps(["stdin", line + "\r"]))
        deadline = time.monotonic() + timeout
        while marker not in seen:
            message = await asyncio.wait_for(connection.read_message(), deadline - time.monotonic())
            if message is None:
                break
            kind, *data = json.loads(message)
            if kind == "stdout":
                seen += data[0]
    finally:
        connection.close()
        requests.delete(f"{url}/api/terminals/{name}", params={"token": TOKEN}, timeout=10)
    return seen


def test_a_terminal_runs_the_kits_mfalab_and_python(make_lab):
    url, _ = make_lab
    bin_folder = str(REPO / ".venv" / "bin")
    seen = asyncio.run(run_in_terminal(url, [
        "command -v mfalab python",
        "python -c 'import django, mfalab; print(\"django\", django.get_version())'",
        "python manage.py check",
        "mfalab check ex01 --code solutions | head -1",
        "echo DONE-$((20+22))",
    ], "DONE-42"))
    assert f"{bin_folder}/mfalab" in seen and f"{bin_folder}/python" in seen, seen[-2000:]
    assert "django 5.2" in seen, seen[-2000:]
    assert "System check identified no issues" in seen, seen[-2000:]
    assert "ex01: " in seen and "public tests" in seen, seen[-2000:]
    assert "not the kit python" not in seen, seen[-2000:]
    assert "Traceback" not in seen and "command not found" not in seen, seen[-2000:]
