"""The grading benchmark (`mfalab grade-bench`): synthetic submissions graded at 1 and 2 workers.

The submissions mix correct (the reference), partial (one function left a stub), broken
(a syntax error) and malicious (an endless loop at import, a monkeypatcher, a fork that
lingers) modules. It prints wall time per submission and per exercise-submission, the
throughput ratio between worker counts, and, for scale, one plain `pytest` run of the
same tests against the reference (the floor a fresh process per submission costs).
"""

import json
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from . import EXERCISES

# The grader (and Django with it) is imported when the benchmark runs, not when `mfalab`
# builds its argument parser: every `mfalab` command would pay half a second for it.

KINDS = ("correct", "partial", "broken", "malicious")


def _module(exercise, kind, index):
    from lab_project.mfa.exercise_code import MODULES

    from .run import REPO

    reference = (REPO / "solutions" / f"{MODULES[exercise]}.py").read_text()
    stub = (REPO / "exercises" / f"{MODULES[exercise]}.py").read_text()
    if kind == "correct":
        return reference
    if kind == "partial":  # alternate: reference for odd exercises, stub for even ones
        return reference if int(exercise[-1]) % 2 else stub
    if kind == "broken":
        return reference + "\ndef broken(:\n"
    attacks = [
        "while True:\n    pass\n",
        "import builtins\nbuiltins.print = lambda *a, **k: None\nprint('60 passed')\n",
        "import os\nif os.fork() == 0:\n    os.setsid()\n    import time\n    time.sleep(600)\n    os._exit(0)\n",
    ]
    return attacks[index % len(attacks)] + reference


def make_submissions(folder, count, exercises):
    from lab_project.mfa.exercise_code import MODULES

    folder = Path(folder)
    for index in range(count):
        kind = KINDS[index % len(KINDS)]
        student = folder / f"s{index:03d}-{kind}"
        student.mkdir(parents=True)
        for exercise in exercises:
            (student / f"{MODULES[exercise]}.py").write_text(_module(exercise, kind, index // len(KINDS)))
    return folder


def plain_pytest_seconds(exercises):
    from .run import REPO, Settings, pytest_command

    files = [f for exercise in exercises for f in Settings().test_files(exercise)]
    started = time.monotonic()
    subprocess.run(pytest_command(files, "--code", "solutions"), cwd=REPO, capture_output=True)
    return time.monotonic() - started


def add_arguments(parser):
    parser.add_argument("--submissions", type=int, default=100, help="synthetic submissions (default 100)")
    parser.add_argument("--exercises", default=",".join(EXERCISES), help="comma-separated (default: all of them)")
    parser.add_argument("--workers", default="1,2", help="worker counts to compare (default 1,2)")
    parser.add_argument("--time-limit", type=float, default=60.0, help="wall seconds per exercise (default 60)")
    parser.add_argument("--cold", action="store_true", help="a fresh pytest process per run (no pre-warmed parent)")
    parser.add_argument("--no-floor", action="store_true", help="skip the plain pytest run")
    parser.add_argument("--json", default=None, help="also write the figures here as JSON")


def main(args):
    from .batch import grade_folder
    from .run import Settings

    exercises = tuple(e.strip() for e in args.exercises.split(",") if e.strip())
    counts = [int(w) for w in args.workers.split(",")]
    root = Path(tempfile.mkdtemp(prefix="mfalab-bench-"))
    rows = []
    try:
        make_submissions(root / "submissions", args.submissions, exercises)
        for workers in counts:
            settings = Settings(exercises=exercises, time_limit=args.time_limit)
            started = time.monotonic()
            results = grade_folder(root / "submissions", root / f"out-{workers}", workers=workers,
                                   settings=settings, progress=True, warm=not args.cold)
            wall = time.monotonic() - started - settings.canary_seconds  # once per batch, shown apart
            rows.append((workers, wall, len(results), settings.canary_seconds))
            per_exercise = {e: [r.exercises[e].seconds for r in results if e in r.exercises] for e in exercises}
        floor = None if args.no_floor else plain_pytest_seconds(exercises)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    n, e = args.submissions, len(exercises)
    print(f"\n{n} submissions x {e} exercise(s) ({', '.join(exercises)}); "
          f"{'cold' if args.cold else 'pre-warmed'} launcher")
    print(f"{'workers':>7} {'wall s':>9} {'s/submission':>13} {'s/sub/exercise':>15} {'throughput x':>13} "
          f"{'canary s':>9}")
    base = rows[0][1] if rows else 1
    for workers, wall, graded, canary in rows:
        print(f"{workers:>7} {wall:>9.1f} {wall / graded:>13.2f} {wall / graded / e:>15.2f} {base / wall:>13.2f} "
              f"{canary:>9.1f}")
    print("wall s leaves out the canary (the reference solutions graded once before each batch), shown apart")
    if rows:
        print("seconds per exercise run (last worker count, mean over submissions): " + ", ".join(
            f"{e} {sum(v) / len(v):.1f}" for e, v in per_exercise.items() if v))
    if floor is not None:
        print(f"plain pytest, one process, reference solutions: {floor:.1f} s per submission "
              f"({floor / e:.2f} s per exercise)")
    if args.json:
        figures = {"submissions": n, "exercises": list(exercises), "plain_pytest": floor,
                   "per_exercise_submission": {str(w): wall / graded / e for w, wall, graded, _ in rows},
                   "canary_seconds": {str(w): canary for w, _, _, canary in rows},
                   "speedup": base / rows[-1][1] if len(rows) > 1 else None}
        Path(args.json).write_text(json.dumps(figures, indent=1))
    return 0
