"""What one learner costs a hub: memory and CPU of a Jupyter server with a booted lab.

    footprint = learner_footprint()   # {"rss_mb": ..., "pss_mb": ..., "cpu_seconds": ...}

A learner's session is three processes: the Jupyter server, a notebook kernel that ran
`mfalab.boot()`, and the lab-bank server the launcher tile starts (jupyter-server-proxy).
This starts all three the way a learner does (the server, a kernel over its REST API and
websocket, the tile's URL), then reads from /proc: resident (RSS) and proportional (PSS:
shared pages split between the processes that share them) memory, and the CPU seconds all
of them used from the server's start to the booted lab. `mfalab bench` prints the figures.
"""

import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BOOT = "import mfalab\nlab = mfalab.boot()\nlab.login('alice').get('/dashboard/').status"


def _children(pid):
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def process_tree(pid):
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo.extend(_children(current))
    return tree


def memory_kb(pid):
    """(RSS, PSS) of a live process in kB, from /proc/PID/smaps_rollup."""
    values = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        key, value = line.split(":", 1)
        values[key] = int(value.split()[0])
    return values.get("Rss", 0), values.get("Pss", 0)


def cpu_seconds(pid):
    """CPU time of a process and of its children that have exited and been waited for."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = sum(int(value) for value in fields[11:15])  # utime, stime, cutime, cstime
    return ticks / os.sysconf("SC_CLK_TCK")


def _wait_for(check, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except Exception:  # noqa: BLE001 (not up yet)
            pass
        time.sleep(0.2)
    raise TimeoutError(f"{what} did not happen within {seconds} s")


def run_in_kernel(base, token, kernel_id, code, seconds=120):
    """Execute `code` in a server's kernel over its websocket, as JupyterLab does:
    (the reply's status, what the code printed). `base` may carry a hub's /user/NAME prefix."""
    import websocket

    ws = websocket.create_connection(f"ws://{base.split('://', 1)[1]}/api/kernels/{kernel_id}/channels",
                                     header=[f"Authorization: token {token}"], timeout=seconds)
    printed = []
    try:
        msg_id = uuid.uuid4().hex
        ws.send(json.dumps({"header": {"msg_id": msg_id, "msg_type": "execute_request", "username": "bench",
                                       "session": uuid.uuid4().hex, "version": "5.3"},
                            "parent_header": {}, "metadata": {}, "channel": "shell",
                            "content": {"code": code, "silent": False, "store_history": False,
                                        "user_expressions": {}, "allow_stdin": False}}))
        status, idle = None, False
        while status is None or not idle:  # the reply (shell) may come before the last output (iopub)
            message = json.loads(ws.recv())
            if message.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind = message["msg_type"]
            if kind == "stream":
                printed.append(message["content"]["text"])
            elif kind == "error":
                printed.append("\n".join(message["content"]["traceback"]))
            elif kind == "execute_reply":
                status = message["content"]["status"]
            elif kind == "status" and message["content"]["execution_state"] == "idle":
                idle = True
        return status, "".join(printed)
    finally:
        ws.close()


def learner_footprint():
    """Start one learner's session; its memory (MB) and CPU seconds to a booted lab."""
    import requests

    from .bench import free_port

    port, token = free_port(), uuid.uuid4().hex
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="mfalab-learner-") as runtime:
        env = dict(os.environ, JUPYTER_TOKEN=token, JUPYTER_RUNTIME_DIR=runtime, MFALAB_VAR=str(Path(runtime) / "var"))
        server = subprocess.Popen([sys.executable, "-m", "jupyter", "server", "--no-browser", "--allow-root",
                                   f"--port={port}", "--ServerApp.ip=127.0.0.1"], env=env, cwd=REPO,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            headers = {"Authorization": f"token {token}"}
            _wait_for(lambda: requests.get(f"{base}/api/status", headers=headers, timeout=2).ok, 60, "the server start")
            kernel = requests.post(f"{base}/api/kernels", headers=headers, json={"name": "python3"}, timeout=60).json()
            status, printed = run_in_kernel(base, token, kernel["id"], BOOT)
            if status != "ok":
                raise RuntimeError(f"the kernel could not boot the lab: {printed[-2000:]}")
            _wait_for(lambda: requests.get(f"{base}/mfalab/", headers=headers, timeout=30).status_code == 200, 120,
                      "the launcher tile's lab bank")
            tree = process_tree(server.pid)
            cpu = sum(cpu_seconds(pid) for pid in tree)
            rss, pss = (sum(values) / 1024 for values in zip(*(memory_kb(pid) for pid in tree)))
            return {"rss_mb": rss, "pss_mb": pss, "cpu_seconds": cpu, "processes": len(tree)}
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
