"""Red-team holes closed below the batch: the lab's address, the uids, the gradebook's cells."""

import http.server
import os
import socket
import threading

import pytest

from mfalab.grader.report import cell
from mfalab.sandbox import SandboxLab, uids


class Impostor(http.server.HTTPServer):
    address_family = socket.AF_INET6


class Answer(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802
        body = b"impostor"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_hole_5_an_impostor_on_ipv6_loopback_never_answers_for_the_lab(monkeypatch, django_db_blocker):
    """Where `localhost` resolves to [::1] first, whoever listens on [::1]:PORT would answer
    a client that resolves the lab's URL; the lab's client never resolves it."""
    real = socket.getaddrinfo

    def ipv6_first(host, *args, **kwargs):
        if host == "localhost":
            return real("::1", *args, **kwargs) + real("127.0.0.1", *args, **kwargs)
        return real(host, *args, **kwargs)

    with django_db_blocker.unblock(), SandboxLab("solutions") as lab:
        port = int(lab.url.rsplit(":", 1)[1]) if "localhost" in lab.url else None
        assert port, "without isolation the lab listens on a TCP port"
        impostor = Impostor(("::1", port), Answer)
        threading.Thread(target=impostor.serve_forever, daemon=True).start()
        monkeypatch.setattr(socket, "getaddrinfo", ipv6_first)
        try:
            page = lab.client().get("/accounts/login/")
        finally:
            impostor.shutdown()
            impostor.server_close()
    assert page.status == 200 and "impostor" not in page.text


@pytest.mark.skipif(os.geteuid() != 0, reason="uid blocks are for a grader running as root")
def test_hole_11_two_graders_get_disjoint_uids_and_leave_each_other_alone(tmp_path):
    folder = tmp_path / "locks"
    with uids.allocate(folder) as first:
        sleeper = os.fork()
        if sleeper == 0:
            os.setgid(first[0])
            os.setuid(first[0])
            os.execvp("sleep", ["sleep", "60"])
        try:
            with uids.allocate(folder) as second:
                assert not set(first) & set(second)
                for uid in second:
                    uids.kill_uid(uid)
            assert os.waitpid(sleeper, os.WNOHANG) == (0, 0), "a second grader killed the first one's process"
        finally:
            uids.kill_uid(first[0])
            os.waitpid(sleeper, 0)


@pytest.mark.skipif(os.geteuid() != 0, reason="killing by uid needs root")
def test_hole_4_killing_a_uid_catches_a_chain_of_forks():
    """A chain that forks and exits as fast as it can, among 60 sleeping decoys."""
    uid = uids.FIRST + uids.BLOCK * uids.BLOCKS - 1  # the last uid of the last block
    leader = os.fork()
    if leader == 0:
        os.setgid(uid)
        os.setuid(uid)
        for _ in range(60):
            if os.fork() == 0:
                os.execvp("sleep", ["sleep", "60"])
        if os.fork() == 0:
            while True:
                try:
                    if os.fork():
                        os._exit(0)
                except OSError:
                    pass
        os._exit(0)
    os.waitpid(leader, 0)
    assert uids.running(uid)
    uids.kill_uid(uid)
    for _ in range(50):  # the kernel delivers the signals at once; the dead need a moment to go
        if not uids.running(uid):
            break
        threading.Event().wait(0.1)
    assert uids.running(uid) == []


@pytest.mark.parametrize("value", ["=HYPERLINK(\"http://x\",\"y\")", "+1", "-1+1", "@SUM(A1)", "\tx", "\rx"])
def test_hole_7_cells_that_start_like_formulas_are_made_text(value):
    assert cell(value) == "'" + value
    assert cell("ana") == "ana" and cell("20") == "20"
