"""A real JupyterHub with three learners on one machine, as The Littlest JupyterHub runs one.

JupyterHub (dummy authenticator, LocalProcessSpawner) runs as root; the test makes three
system users. Each learner gets a workspace (`mfalab workspace ~/mfa-lab`), a server
started through the hub's API, a kernel that boots the lab and serves it, the launcher
tile's lab bank, and a check. Then each learner tries the others' labs: through the hub
(their own token on someone else's URL) and directly (the other lab's localhost port).

The hub's environment is built for the test in a folder every user can read: a venv of the
system's Python with the locked tree, the kit (a copy, installed editable) and JupyterHub,
and configurable-http-proxy from npm. Needs root, the system's python3 and npm.
"""

import json
import os
import pwd
import secrets
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
import requests

from mfalab.bench import free_port
from mfalab.footprint import run_in_kernel

REPO = Path(__file__).resolve().parents[2]
JUPYTERHUB = "jupyterhub==6.1.1"  # test infrastructure only: the kit itself does not depend on it
PROXY = "configurable-http-proxy@5.3.0"
USERS = ["mfalabhub1", "mfalabhub2", "mfalabhub3"]
COPIED = ["pyproject.toml", "README.md", "constraints.txt", "manage.py", "mfalab", "lab_project", "exercises",
          "solutions", "notebooks", "tests"]

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(os.geteuid() != 0, reason="a hub with system users needs root"),
              pytest.mark.skipif(not (shutil.which("npm") and Path("/usr/bin/python3").exists()),
                                 reason="needs the system's python3 and npm")]


def run(command, **kwargs):
    done = subprocess.run(command, capture_output=True, text=True, **kwargs)
    assert done.returncode == 0, f"{' '.join(map(str, command))}:\n{done.stdout[-2000:]}{done.stderr[-2000:]}"
    return done


def build_environment(root):
    """The kit (a copy every user can read), a venv of the system's Python, the proxy."""
    kit = root / "kit"
    kit.mkdir()
    for name in COPIED:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, kit / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy(source, kit / name)
    shutil.copytree(REPO / "var", kit / "var", ignore=shutil.ignore_patterns("run", "checker", "*.sqlite3-*"))
    run(["/usr/bin/python3", "-m", "venv", str(root / "venv")])
    uv = REPO / ".venv" / "bin" / "uv"
    installer = [str(uv), "pip", "install", "--quiet", "--python", str(root / "venv" / "bin" / "python")] \
        if uv.exists() else [str(root / "venv" / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    run([*installer, "-c", str(kit / "constraints.txt"), "-e", str(kit), JUPYTERHUB], cwd=root)
    run(["npm", "install", "--silent", "--prefix", str(root / "node"), PROXY], cwd=root)
    run(["chmod", "-R", "a+rX", str(root)])
    return kit


def make_users():
    for name in USERS:
        subprocess.run(["userdel", "-r", name], capture_output=True)
        run(["useradd", "-m", "-s", "/bin/bash", name])


def remove_users():
    for name in USERS:
        subprocess.run(["userdel", "-r", "-f", name], capture_output=True)


def as_user(name, command, **kwargs):
    entry = pwd.getpwnam(name)
    env = {"HOME": entry.pw_dir, "USER": name, "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}
    return subprocess.run(command, user=entry.pw_uid, group=entry.pw_gid, env=env, cwd=entry.pw_dir,
                          capture_output=True, text=True, timeout=120, **kwargs)


CONFIG = """
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {port}
c.JupyterHub.hub_port = {hub_port}
c.JupyterHub.db_url = "sqlite:///{root}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = "{root}/cookie_secret"
c.ConfigurableHTTPProxy.command = ["{root}/node/node_modules/.bin/configurable-http-proxy"]
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{proxy_api}"
c.JupyterHub.authenticator_class = "dummy"
c.DummyAuthenticator.password = "{password}"
c.Authenticator.allowed_users = set({users!r})
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = ["{root}/venv/bin/jupyterhub-singleuser"]
c.Spawner.notebook_dir = "~/mfa-lab"
c.Spawner.default_url = "/lab"
c.Spawner.environment = {{"PATH": "{root}/venv/bin:/usr/bin:/bin"}}
c.Spawner.http_timeout = 90
c.Spawner.start_timeout = 90
c.JupyterHub.services = [{{"name": "hub-test", "api_token": "{token}"}}]
c.JupyterHub.load_roles = [{{"name": "hub-test", "services": ["hub-test"],
                             "scopes": ["admin:users", "admin:servers", "tokens", "access:servers"]}}]
"""


@pytest.fixture(scope="module")
def hub():
    root = Path(tempfile.mkdtemp(prefix="mfalab-hub-", dir="/tmp"))
    root.chmod(0o755)
    hub_process = None
    try:
        kit = build_environment(root)
        make_users()
        for name in USERS:
            made = as_user(name, [str(root / "venv" / "bin" / "python"), "-m", "mfalab", "workspace", "mfa-lab"])
            assert "workspace ready" in made.stdout, made.stdout + made.stderr
        port, token = free_port(), secrets.token_hex(16)
        (root / "jupyterhub_config.py").write_text(CONFIG.format(
            port=port, hub_port=free_port(), proxy_api=free_port(), root=root, password=secrets.token_hex(8),
            users=USERS, token=token))
        log = open(root / "hub.log", "w")
        hub_process = subprocess.Popen([str(root / "venv" / "bin" / "jupyterhub"), "-f", "jupyterhub_config.py"],
                                       cwd=root, stdout=log, stderr=subprocess.STDOUT,
                                       env={"PATH": f"{root}/venv/bin:/usr/bin:/bin", "LANG": "C.UTF-8"})
        base = f"http://127.0.0.1:{port}"
        api = requests.Session()
        api.headers["Authorization"] = f"token {token}"
        wait(lambda: api.get(f"{base}/hub/api/", timeout=2).ok, 60, "the hub to start", root)
        yield {"base": base, "api": api, "root": root, "kit": kit}
    finally:
        if hub_process is not None:
            hub_process.terminate()
            try:
                hub_process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                hub_process.kill()
        for name in USERS:  # servers the hub started run as the users: end them with the users
            subprocess.run(["pkill", "-KILL", "-u", name], capture_output=True)
        remove_users()
        shutil.rmtree(root, ignore_errors=True)


def wait(check, seconds, what, root=None):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    tail = (root / "hub.log").read_text()[-3000:] if root and (root / "hub.log").exists() else ""
    raise AssertionError(f"waited {seconds} s for {what}\n{tail}")


LEARNER = """
import json, mfalab
lab = mfalab.boot()
status = lab.login("alice").get("/dashboard/").status
server = lab.serve()
report = mfalab.check("ex01")
print(json.dumps({"dashboard": status, "port": server.port, "score": report.score, "code": lab.code}))
"""

NEIGHBOUR = """
import urllib.request
try:
    urllib.request.urlopen("http://localhost:{port}/account/login/", timeout=10)
    print("reached")
except Exception as error:
    print("refused", type(error).__name__)
"""


def test_three_learners_each_run_their_own_lab_and_none_reaches_another(hub):
    base, api, root = hub["base"], hub["api"], hub["root"]
    started = time.monotonic()
    learners = {}
    for name in USERS:
        shutil.copy(REPO / "solutions" / "ex01_totp.py", Path(pwd.getpwnam(name).pw_dir) / "mfa-lab" / "exercises")
        entry = pwd.getpwnam(name)
        os.chown(Path(entry.pw_dir) / "mfa-lab" / "exercises" / "ex01_totp.py", entry.pw_uid, entry.pw_gid)
        assert api.post(f"{base}/hub/api/users/{name}/server", timeout=30).status_code in (201, 202)
    for name in USERS:
        wait(lambda: api.get(f"{base}/hub/api/users/{name}", timeout=5).json()["servers"].get("", {}).get("ready"),
             120, f"{name}'s server", root)
        token = api.post(f"{base}/hub/api/users/{name}/tokens", json={"note": "hub test"}, timeout=10).json()["token"]
        url = f"{base}/user/{name}"
        kernel = requests.post(f"{url}/api/kernels", headers={"Authorization": f"token {token}"},
                               json={"name": "python3", "path": "notebooks"}, timeout=60).json()  # as a notebook
        status, printed = run_in_kernel(url, token, kernel["id"], LEARNER, seconds=180)
        assert status == "ok", printed[-3000:]
        result = json.loads(printed.strip().splitlines()[-1])
        home = Path(pwd.getpwnam(name).pw_dir)
        assert result == {**result, "dashboard": 200, "score": 13, "code": str(home / "mfa-lab" / "exercises")}, \
            printed[-3000:]
        tile = requests.get(f"{url}/mfalab/", headers={"Authorization": f"token {token}"}, timeout=90)
        assert tile.status_code == 200 and "MFA Lab Bank" in tile.text, tile.status_code
        learners[name] = {"url": url, "token": token, "kernel": kernel["id"], "port": result["port"]}
    seconds = time.monotonic() - started

    for name, me in learners.items():
        for other, them in learners.items():
            if other == name:
                continue
            mine = {"Authorization": f"token {me['token']}"}
            for path in ("/api/status", "/mfalab/", "/mfalab/account/login/"):
                answer = requests.get(f"{them['url']}{path}", headers=mine, timeout=30, allow_redirects=False)
                assert answer.status_code in (403, 404), f"{name} opened {other}'s {path}: {answer.status_code}"
            status, printed = run_in_kernel(me["url"], me["token"], me["kernel"], NEIGHBOUR.format(port=them["port"]))
            assert printed.startswith("refused"), f"{name}'s kernel reached {other}'s served lab: {printed}"
        status, printed = run_in_kernel(me["url"], me["token"], me["kernel"], NEIGHBOUR.format(port=me["port"]))
        assert printed.startswith("reached"), f"{name} cannot reach their own lab: {printed}"
    print(f"three learners: servers, booted labs, tiles and checks in {seconds:.0f} s")
