"""`python manage.py runserver`, as the README and notebook 00 give it, announces the address
the README asks for: http://localhost:8000/ (security keys refuse 127.0.0.1)."""

import os
import selectors
import signal
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_runserver_announces_localhost():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO", "PYTEST"))}
    server = subprocess.Popen([sys.executable, "manage.py", "runserver", "--noreload", "--skip-checks"], cwd=REPO,
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    seen = b""
    try:
        with selectors.DefaultSelector() as selector:
            selector.register(server.stdout, selectors.EVENT_READ)
            deadline = time.monotonic() + 60
            while b"Starting development server" not in seen and time.monotonic() < deadline:
                if selector.select(deadline - time.monotonic()):
                    chunk = os.read(server.stdout.fileno(), 4096)
                    if not chunk:
                        break
                    seen += chunk
            while b"\n" not in seen.split(b"Starting development server", 1)[-1] and selector.select(5):
                seen += os.read(server.stdout.fileno(), 4096)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    assert b"Starting development server at http://localhost:8000/" in seen, seen.decode(errors="replace")
