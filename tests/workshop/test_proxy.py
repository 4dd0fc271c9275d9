"""The lab bank inside JupyterLab, through jupyter-server-proxy, as a learner reaches it.

A real Jupyter server (token auth, a JupyterHub-style base URL) runs the proxy entry of
mfalab.proxy; the test drives the two-factor wizards through the proxied path with a
real HTTP client that follows the lab's own redirects and keeps cookies.
"""

import os
import re
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from workshop_servers import BASE_URL, TOKEN, JupyterServer, listening_tcp_inodes, socket_inodes

from mfalab.bench import free_port

from lab_project.mfa.personas import PERSONAS
from mfalab import proxy, wizards
from mfalab.client import HttpClient
from mfalab.otp import totp_code

pytestmark = pytest.mark.slow
PREFIX = BASE_URL + "mfalab"


@pytest.fixture(scope="module")
def jupyter(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("jupyter")
    server = JupyterServer(workdir, env={"MFALAB_DB": str(workdir / "lab.sqlite3"), "MFALAB_CODE": "solutions"})
    server.start()
    yield server
    server.stop()


def learner(jupyter):
    """An HTTP client at the proxied lab, signed in to Jupyter with the learner's token."""
    client = HttpClient(jupyter.url + "/mfalab")
    page = client.get(jupyter.url + "/mfalab/", token=TOKEN)  # Jupyter sets its login cookie
    assert page.status == 200, page.text[:500]
    return client


def lab_server(jupyter):
    found = jupyter.children("mfalab.proxy")
    assert len(found) == 1, found
    return found[0]


def test_the_entry_point_offers_a_launcher_tile(jupyter):
    """jupyter-server-proxy finds the lab through its entry point and lists a launcher tile."""
    config = proxy.setup_lab_server()
    assert config["unix_socket"] is True and config["absolute_url"] is True
    assert "{unix_socket}" in config["command"] and "{base_url}mfalab" in config["command"]
    info = requests.get(jupyter.url + "/server-proxy/servers-info", params={"token": TOKEN}, timeout=10).json()
    entry = next(s for s in info["server_processes"] if s["name"] == "mfalab")
    assert entry["launcher_entry"]["title"] == "MFA Lab Bank"
    assert entry["launcher_entry"]["path_info"] == "mfalab/"


def test_without_the_jupyter_token_the_lab_is_refused(jupyter):
    """Only the learner's own authenticated Jupyter session reaches the lab."""
    anonymous = requests.get(jupyter.url + "/mfalab/account/login/", allow_redirects=False, timeout=30)
    assert anonymous.status_code == 302
    assert anonymous.headers["Location"].startswith(f"{BASE_URL}login?next=")
    posted = requests.post(jupyter.url + "/mfalab/account/login/", data={"auth-username": "alice"},
                           allow_redirects=False, timeout=30)
    assert posted.status_code == 403
    wrong = requests.get(jupyter.url + "/mfalab/", params={"token": "not-the-token"}, allow_redirects=False,
                         timeout=30)
    assert wrong.status_code == 302 and "/login" in wrong.headers["Location"]


def test_links_static_files_and_cookies_carry_the_prefix(jupyter):
    """Every link, the stylesheet and the lab's cookies live under the proxied prefix."""
    client = learner(jupyter)
    home = client.get("/")
    links = re.findall(r'(?:href|src|action)="(/[^"]*)"', home.text)
    assert links and all(link.startswith(PREFIX + "/") for link in links), links
    css = next(link for link in links if link.endswith(".css"))
    # Links are absolute paths: fetch them from the origin (HttpClient's paths are lab-relative).
    assert client.get(f"http://localhost:{jupyter.port}{css}").status == 200
    login = client.get(wizards.LOGIN)
    assert login.status == 200 and 'name="csrfmiddlewaretoken"' in login.text
    cookie = next(c for c in client._session.cookies if c.name == "csrftoken")
    assert cookie.path == PREFIX + "/"


def test_totp_login_through_the_proxy(jupyter):
    """alice signs in with password and TOTP; every redirect stays under the prefix."""
    client = learner(jupyter)
    alice = PERSONAS["alice"]
    page = wizards.password_step(client, "alice", alice.password, next_url=PREFIX + "/transfer/")
    assert page.status == 200 and 'name="token-otp_token"' in page.text, wizards.form_errors(page)
    page = wizards.token_step(client, totp_code(alice.totp_secret), next_url=PREFIX + "/transfer/")
    assert wizards.signed_in(page), wizards.form_errors(page)
    assert page.location == PREFIX + "/transfer/"
    dashboard = client.get("/dashboard/")
    assert dashboard.status == 200 and alice.account in dashboard.text


def test_totp_setup_then_login_through_the_proxy(jupyter):
    """mallory enrols an authenticator app (QR code and all) and signs in with it."""
    client = learner(jupyter)
    mallory = PERSONAS["mallory"]
    page = wizards.password_step(client, "mallory", mallory.password)
    assert page.status == 302 and page.location.startswith(PREFIX + "/"), page.location
    client.get(wizards.SETUP)
    page = client.post(wizards.SETUP, {"setup_view-current_step": "welcome"})
    if 'name="method-method"' in page.text:
        page = client.post(wizards.SETUP, {"setup_view-current_step": "method", "method-method": "generator"})
    qr_src = re.search(r'<img[^>]+src="([^"]+)"', page.text).group(1)
    assert qr_src == PREFIX + "/account/two_factor/qrcode/"
    qr = client.get(f"http://localhost:{jupyter.port}{qr_src}")
    assert qr.status == 200 and qr.headers["Content-Type"].startswith("image/svg")
    secret, done = wizards.setup_totp(client, lambda secret: totp_code(secret))
    assert done.location.startswith(PREFIX + "/account/two_factor/setup/complete/")
    assert wizards.logout(client).location.startswith(PREFIX + "/")
    page = wizards.password_step(client, "mallory", mallory.password)
    assert 'name="token-otp_token"' in page.text
    page = wizards.token_step(client, totp_code(secret, offset=1))  # the setup step's code is spent
    assert wizards.signed_in(page), wizards.form_errors(page)
    assert client.get("/dashboard/").status == 200


@pytest.mark.parametrize("forwarded, expected", [("https", 200), (None, 403)])
def test_forms_behind_outer_tls(jupyter, forwarded, expected):
    """Behind a hub's https, a form posts when the proxy passes X-Forwarded-Proto on."""
    client = learner(jupyter)
    client.get(wizards.LOGIN)
    origin = f"https://localhost:{jupyter.port}"
    headers = {"Origin": origin, "Referer": origin + PREFIX + wizards.LOGIN}
    if forwarded:
        headers["X-Forwarded-Proto"] = forwarded
    response = client._session.post(
        client._url(wizards.LOGIN), allow_redirects=False, timeout=30, headers=headers,
        data={"csrfmiddlewaretoken": client.cookie("csrftoken"), "login_view-current_step": "auth",
              "auth-username": "alice", "auth-password": PERSONAS["alice"].password})
    assert response.status_code == expected, response.text[:300]


def test_the_lab_listens_on_a_private_socket_and_no_tcp_port(jupyter):
    """Another learner on the same machine cannot reach this lab server."""
    learner(jupyter)
    pid, command = lab_server(jupyter)
    path = Path(command[command.index("--unix-socket") + 1])
    assert stat.S_ISSOCK(path.stat().st_mode)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert "--port" not in command
    assert socket_inodes(pid) and not socket_inodes(pid) & listening_tcp_inodes()


def test_a_crashed_lab_server_is_restarted(jupyter):
    """jupyter-server-proxy starts the lab again after it dies; the next requests work."""
    client = learner(jupyter)
    old_pid, _ = lab_server(jupyter)
    os.kill(old_pid, signal.SIGKILL)
    deadline, page = time.monotonic() + 90, None
    while time.monotonic() < deadline:
        try:
            page = client.get(wizards.LOGIN)
        except requests.RequestException:
            page = None
        if page is not None and page.status == 200:
            break
        time.sleep(1)
    assert page is not None and page.status == 200, page and page.text[:300]
    new_pid, _ = lab_server(jupyter)
    assert new_pid != old_pid


def test_a_taken_port_gives_a_clear_message():
    """Run on a TCP port that is taken, the lab says so and how to fix it."""
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", free_port()))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "mfalab.proxy", "--port", str(port)],
                              capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert f"port {port} on 127.0.0.1 is already in use" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_socket_in_a_shared_folder_is_refused(tmp_path):
    """The lab refuses to listen where other users could connect."""
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o755)
    with pytest.raises(proxy.UnsafeSocketFolder, match="mode 755"):
        proxy.check_private_folder(shared / "socket")
    shared.chmod(0o700)
    proxy.check_private_folder(shared / "socket")
