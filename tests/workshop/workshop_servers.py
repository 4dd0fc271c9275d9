"""Start a real Jupyter server (with jupyter-server-proxy) for the workshop tests."""

import os
import subprocess
import sys
import time
from pathlib import Path

import requests

from mfalab.bench import free_port

TOKEN = "workshop-test-token"
BASE_URL = "/user/learner/"  # a JupyterHub-style base URL, so the prefix is not just "/"


class JupyterServer:
    """`python -m jupyter_server` on localhost with a token, in its own folder."""

    def __init__(self, workdir, *, python=sys.executable, env=None, base_url=BASE_URL, start_timeout=120):
        self.workdir, self.python, self.base_url = Path(workdir), python, base_url
        self.port = free_port()
        self.url = f"http://localhost:{self.port}{base_url}".rstrip("/")
        self.env = dict(os.environ, JUPYTER_CONFIG_DIR=str(self.workdir / "config"),
                        JUPYTER_RUNTIME_DIR=str(self.workdir / "runtime"), **(env or {}))
        self.start_timeout = start_timeout
        self.process = None

    def start(self, root_dir=None):
        command = [self.python, "-m", "jupyter_server", "--no-browser", "--ServerApp.ip=localhost",
                   f"--ServerApp.port={self.port}", "--ServerApp.port_retries=0",
                   f"--IdentityProvider.token={TOKEN}", f"--ServerApp.base_url={self.base_url}",
                   f"--ServerApp.root_dir={root_dir or self.workdir}"]
        if os.getuid() == 0:
            command.append("--allow-root")
        self.log = open(self.workdir / "jupyter.log", "wb")
        self.process = subprocess.Popen(command, cwd=root_dir or self.workdir, env=self.env,
                                        stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"jupyter server exited:\n{self.log_tail()}")
            try:
                if requests.get(f"{self.url}/api/status", params={"token": TOKEN}, timeout=5).ok:
                    return self
            except requests.ConnectionError:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"jupyter server did not answer within {self.start_timeout} s:\n{self.log_tail()}")

    def log_tail(self):
        self.log.flush()
        return (self.workdir / "jupyter.log").read_text(errors="replace")[-3000:]

    def children(self, marker):
        """PIDs of processes this server started whose command line contains `marker`."""
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                status = (entry / "status").read_text()
                cmdline = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            ppid = int(next(line.split()[1] for line in status.splitlines() if line.startswith("PPid:")))
            if ppid == self.process.pid and any(marker.encode() in part for part in cmdline):
                found.append((int(entry.name), [p.decode() for p in cmdline if p]))
        return found

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process is not None:
            self.log.close()


def listening_tcp_inodes():
    """Socket inodes in LISTEN state on this machine (IPv4 and IPv6)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if fields[3] == "0A":  # TCP_LISTEN
                inodes.add(fields[9])
    return inodes


def socket_inodes(pid):
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[len("socket:["):-1])
    return inodes
