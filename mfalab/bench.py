"""The benchmark: `mfalab bench` (or `make bench`) prints a table and writes it as JSON.

What users feel, measured on this machine, each figure the median of --repeat runs with
min and max (grading and `make test`, an hour and 13 minutes a run: --grade-repeat and
--test-repeat, 1 by default), beside its budget:
- seconds to execute each notebook top to bottom (a cold kernel included), and all;
- peak resident memory of each notebook's kernel (VmHWM) and of a Jupyter server;
- one learner's session (Jupyter server, a kernel that booted the lab, the launcher's lab
  server): RSS and PSS at rest, and CPU seconds from the server's start (mfalab.footprint);
- grading seconds per exercise-submission at 1 and 2 workers (mfalab grade-bench);
- set-up of a fresh clone on a warm package cache, and again with nothing changed;
- the installed environment's size, and `make test` wall time.
Budgets are checked here, never by timed assertions in tests.
"""

import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


@dataclass
class Figure:
    name: str
    unit: str
    runs: list = field(default_factory=list)
    budget: float | None = None  # the figure must stay at or below it
    budget_min: float | None = None  # ... or at or above it
    note: str = ""

    @property
    def median(self):
        return statistics.median(self.runs) if self.runs else None

    @property
    def verdict(self):
        if self.median is None:
            return "not measured"
        if self.budget is not None:
            return "pass" if self.median <= self.budget else "falls short"
        if self.budget_min is not None:
            return "pass" if self.median >= self.budget_min else "falls short"
        return ""

    def row(self):
        if not self.runs:
            return [self.name, "-", "-", "-", self.unit, self._budget_text(), self.verdict]
        return [self.name, f"{self.median:.2f}", f"{min(self.runs):.2f}", f"{max(self.runs):.2f}", self.unit,
                self._budget_text(), self.verdict]

    def _budget_text(self):
        if self.budget is not None:
            return f"<= {self.budget:g}"
        if self.budget_min is not None:
            return f">= {self.budget_min:g}"
        return ""


def peak_rss_mb(pid):
    """Peak resident memory (VmHWM) of a live process, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmHWM for process {pid}")


def run_notebook(path):
    """Execute a copy of a notebook in a fresh kernel: (seconds, kernel peak MB)."""
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / Path(path).name
        nbformat.write(notebook, copy)
        os.environ["MFALAB_CODE"] = "exercises"
        client = NotebookClient(notebook, timeout=600, kernel_name="python3",
                                resources={"metadata": {"path": str(Path(path).parent)}})
        started = time.perf_counter()
        with client.setup_kernel(stderr=subprocess.DEVNULL):  # the kernel's start-up log, not the cells'
            pid = client.km.provisioner.process.pid
            for index, cell in enumerate(notebook.cells):
                client.execute_cell(cell, index)
            peak = peak_rss_mb(pid)
        return time.perf_counter() - started, peak


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def jupyter_server_peak_mb():
    """Start a Jupyter server, ask it for its status and the lab's launcher entry; its peak MB."""
    import requests

    port, token = free_port(), "bench"
    env = dict(os.environ, JUPYTER_TOKEN=token)
    server = subprocess.Popen([sys.executable, "-m", "jupyter", "server", "--no-browser", "--allow-root",
                               f"--port={port}", "--ServerApp.ip=127.0.0.1"],
                              env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(f"http://127.0.0.1:{port}/api/status", params={"token": token}, timeout=2).ok:
                    break
            except requests.ConnectionError:
                time.sleep(0.3)
        requests.get(f"http://127.0.0.1:{port}/lab", params={"token": token}, timeout=30)
        return peak_rss_mb(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)


def folder_mb(path):
    total = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            try:
                total += os.lstat(os.path.join(root, name)).st_size
            except OSError:
                pass
    return total / 1024 / 1024


def timed(command, cwd, env=None):
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{done.stdout[-1500:]}{done.stderr[-1500:]}")
    return time.perf_counter() - started


def setup_seconds(repeat):
    """A fresh clone's `make setup` on this machine's package cache, then again unchanged."""
    cold, warm = [], []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory(prefix="mfalab-bench-") as tmp:
            clone = Path(tmp) / "clone"
            subprocess.run(["git", "clone", "-q", str(REPO), str(clone)], check=True)
            cold.append(timed(["make", "setup"], clone))
            warm.append(timed(["make", "setup"], clone))
    return cold, warm


def grading_figures(count, repeat, saved=()):
    """Run the grader's own benchmark and read its JSON (or read `saved` grade-bench JSON files)."""
    if saved:
        return [json.loads(Path(path).read_text()) for path in saved]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "grade-bench.json"
        runs = []
        for _ in range(repeat):
            subprocess.run([sys.executable, "-m", "mfalab", "grade-bench", "--submissions", str(count),
                            "--json", str(out)], cwd=REPO, check=True, capture_output=True, text=True)
            runs.append(json.loads(out.read_text()))
    return runs


def measure(*, notebooks, repeat, grade_count, heavy, grade_repeat=1, test_repeat=1, grading_json=(), checks=()):
    from .notebooks import course_notebooks

    figures = []
    if checks:  # the learner's loop: a check's answer time, per exercise (mfalab.loopbench)
        from .loopbench import figures as check_figures

        figures += check_figures(checks, repeat)
    paths = [p for p in course_notebooks() if not notebooks or any(n in p.name for n in notebooks)]
    per_notebook = {p.name: ([], []) for p in paths}
    totals = []
    for _ in range(repeat):
        total = 0.0
        for path in paths:
            seconds, peak = run_notebook(path)
            per_notebook[path.name][0].append(seconds)
            per_notebook[path.name][1].append(peak)
            total += seconds
        totals.append(total)
    for name, (seconds, peaks) in per_notebook.items():
        figures.append(Figure(f"notebook {name}", "s", seconds))
    figures.append(Figure("all notebooks", "s", totals, budget=60 if not notebooks else None))
    for name, (seconds, peaks) in per_notebook.items():
        figures.append(Figure(f"kernel peak, {name}", "MB", peaks, budget=250))
    figures.append(Figure("Jupyter server peak", "MB", [jupyter_server_peak_mb() for _ in range(repeat)]))
    from .footprint import learner_footprint

    learners = [learner_footprint() for _ in range(repeat)]
    figures.append(Figure("one learner at rest: server + kernel + lab, RSS", "MB", [f["rss_mb"] for f in learners]))
    figures.append(Figure("one learner at rest: server + kernel + lab, PSS", "MB", [f["pss_mb"] for f in learners],
                          budget=250))
    figures.append(Figure("one learner: CPU from server start to booted lab", "s",
                          [f["cpu_seconds"] for f in learners], budget=3))
    if grade_count or grading_json:
        runs = grading_figures(grade_count, grade_repeat, grading_json)
        figures.append(Figure("grading, 1 worker, per exercise-submission", "s",
                              [r["per_exercise_submission"]["1"] for r in runs], budget=0.2))
        figures.append(Figure("grading, 2 workers vs 1, throughput", "x",
                              [r["speedup"] for r in runs], budget_min=1.8))
        figures.append(Figure("plain pytest on one submission (floor)", "s", [r["plain_pytest"] for r in runs]))
    figures.append(Figure("installed environment (sys.prefix)", "MB", [folder_mb(sys.prefix)]))
    if heavy:
        cold, warm = setup_seconds(repeat)
        figures.append(Figure("set-up, fresh clone, warm package cache", "s", cold, budget=60))
        figures.append(Figure("set-up again, nothing changed", "s", warm, budget=5))
        figures.append(Figure("make test", "s", [timed(["make", "test"], REPO) for _ in range(test_repeat)]))
    return figures


def table(figures):
    from .display import Table

    return Table(["figure", "median", "min", "max", "unit", "budget", "verdict"], [f.row() for f in figures])


def machine():
    return {"cores": os.cpu_count(), "python": sys.version.split()[0],
            "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024 ** 3, 1)}


def add_arguments(parser):
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (median, min, max)")
    parser.add_argument("--notebooks", nargs="*", default=[], help="only notebooks whose name contains these")
    parser.add_argument("--grade-count", type=int, default=100, help="synthetic submissions (0: skip grading)")
    parser.add_argument("--grade-repeat", type=int, default=1,
                        help="grading runs (default 1: 100 submissions at 1 and 2 workers take about an hour)")
    parser.add_argument("--grading-json", nargs="*", default=[],
                        help="use these `mfalab grade-bench --json` outputs instead of grading again")
    parser.add_argument("--test-repeat", type=int, default=1, help="make test runs (default 1: about 13 min each)")
    parser.add_argument("--no-heavy", action="store_true", help="skip set-up and make test timings")
    parser.add_argument("--checks", nargs="*", default=["ex01", "ex02", "ex03", "ex04", "ex05", "ex06"],
                        help="time the check of these exercises (none: --checks with no name)")
    parser.add_argument("--json", default=str(REPO / "var" / "bench.json"), help="where to write the figures")


def main(args):
    figures = measure(notebooks=args.notebooks, repeat=args.repeat, grade_count=args.grade_count,
                      heavy=not args.no_heavy, grade_repeat=args.grade_repeat, test_repeat=args.test_repeat,
                      grading_json=args.grading_json, checks=args.checks)
    print(f"machine: {machine()}")
    print(table(figures))
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps({"machine": machine(), "figures": [
        dict(asdict(f), median=f.median, verdict=f.verdict) for f in figures]}, indent=1))
    print(f"written: {args.json}")
    return 0
