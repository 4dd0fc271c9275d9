"""The learner's loop, timed for `mfalab bench`: how long a check takes to answer.

- `mfalab check exNN --code solutions` from a terminal, per exercise (the warm checker
  running: the first check of a session starts it and is not counted);
- `mfalab.check("exNN", "solutions")` in a warm kernel (a Jupyter kernel that booted the
  lab and ran one check before);
- `mfalab check ex01` on code with one looping function (verify_totp), and with a looping
  hotp, which totp and verify_totp call: each looping function costs one time limit.
"""

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from lab_project.mfa.exercise_names import EXERCISES

from .bench import Figure

REPO = Path(__file__).resolve().parent.parent
BUDGETS = {"ex01": 1.0, "ex02": 2.0, "ex03": 2.0, "ex04": 2.0, "ex05": 1.0, "ex06": 2.0}
LOOP_BUDGET = 12.0
LOOP = "    while True:\n        pass\n"


def command(exercise, code):
    script = Path(sys.executable).with_name("mfalab")
    start = [str(script)] if script.exists() else [sys.executable, "-m", "mfalab"]
    return start + ["check", exercise, "--code", str(code)]


def terminal_seconds(exercise, code, repeat):
    env = {k: v for k, v in os.environ.items() if k != "MFALAB_WARM_CHECKER"}
    runs = []
    for index in range(repeat + 1):
        started = time.perf_counter()
        subprocess.run(command(exercise, code), cwd=REPO, env=env, capture_output=True, check=False)
        if index:  # the first starts the warm checker, as a learner's first check does
            runs.append(time.perf_counter() - started)
    return runs


def kernel_seconds(exercises, repeat):
    """{exercise: [seconds]} of mfalab.check in one Jupyter kernel that booted the lab."""
    from jupyter_client.manager import start_new_kernel

    manager, client = start_new_kernel(kernel_name="python3", cwd=str(REPO / "notebooks"),
                                       env={k: v for k, v in os.environ.items() if k != "MFALAB_WARM_CHECKER"})
    printed = []

    def run(code):
        client.execute_interactive(code, timeout=600, output_hook=lambda message: printed.append(
            message["content"].get("text", "")) if message["msg_type"] == "stream" else None)

    try:
        run("import json, time, mfalab\nlab = mfalab.boot()\nmfalab.check('ex01', 'solutions')")
        times = {}
        for exercise in exercises:
            printed.clear()
            run(f"runs = []\nfor _ in range({repeat}):\n    started = time.perf_counter()\n"
                f"    mfalab.check({exercise!r}, 'solutions')\n    runs.append(time.perf_counter() - started)\n"
                "print(json.dumps(runs))")
            times[exercise] = json.loads("".join(printed).strip().splitlines()[-1])
        return times
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def looping(function):
    """A folder with the reference ex01 whose `function` loops forever."""
    folder = Path(tempfile.mkdtemp(prefix="mfalab-loop-"))
    source = (REPO / "solutions" / "ex01_totp.py").read_text()
    head = f"def {function}("
    start = source.index(head)
    body = source.index(":\n", start) + 2
    (folder / "ex01_totp.py").write_text(source[:body] + LOOP + source[body:])
    return folder


def figures(exercises=EXERCISES, repeat=3, *, loops=True):
    """The loop's figures; the warm checker the runs started is stopped at the end."""
    from .checker import stop

    try:
        return _figures(exercises, repeat, loops)
    finally:
        stop()  # a benchmark leaves nothing running behind it


def _figures(exercises, repeat, loops):
    found = []
    for exercise in exercises:
        found.append(Figure(f"mfalab check {exercise} (terminal, solutions)", "s",
                            terminal_seconds(exercise, "solutions", repeat), budget=BUDGETS[exercise]))
    for exercise, runs in kernel_seconds(exercises, repeat).items():
        found.append(Figure(f"mfalab.check('{exercise}') in a warm kernel (solutions)", "s", runs,
                            budget=BUDGETS[exercise]))
    if loops and "ex01" in exercises:
        found.append(Figure("mfalab check ex01, verify_totp loops", "s",
                            terminal_seconds("ex01", looping("verify_totp"), 1), budget=LOOP_BUDGET))
        found.append(Figure("mfalab check ex01, hotp loops (totp and verify_totp call it)", "s",
                            terminal_seconds("ex01", looping("hotp"), 1),
                            note="each function that loops costs one time limit (10 s)"))
    return found
