"""The benchmark's smoke test: a tiny run prints the table and writes its JSON (times not checked)."""

import json
import subprocess
import sys


def test_a_tiny_benchmark_run_has_the_table_and_the_json(tmp_path):
    out = tmp_path / "bench.json"
    done = subprocess.run([sys.executable, "-m", "mfalab", "bench", "--repeat", "1", "--notebooks", "00_start",
                           "--grade-count", "0", "--no-heavy", "--checks", "--json", str(out)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    header = next(line for line in done.stdout.splitlines() if line.startswith("figure"))
    assert header.split() == ["figure", "median", "min", "max", "unit", "budget", "verdict"]
    figures = {f["name"]: f for f in json.loads(out.read_text())["figures"]}
    learner = ["one learner at rest: server + kernel + lab, RSS", "one learner at rest: server + kernel + lab, PSS",
               "one learner: CPU from server start to booted lab"]
    assert {"notebook 00_start_here.ipynb", "all notebooks", "kernel peak, 00_start_here.ipynb",
            "Jupyter server peak", "installed environment (sys.prefix)", *learner} <= set(figures)
    rss, pss, cpu = (figures[name] for name in learner)
    assert rss["median"] >= pss["median"] > 50 and pss["budget"] == 250 and cpu["budget"] == 3 and cpu["median"] > 0
    kernel = figures["kernel peak, 00_start_here.ipynb"]
    assert kernel["budget"] == 250 and kernel["verdict"] in ("pass", "falls short") and kernel["median"] > 10
    assert len(figures["notebook 00_start_here.ipynb"]["runs"]) == 1


def test_saved_grading_figures_get_their_budgets(tmp_path):
    from mfalab.bench import measure

    saved = tmp_path / "grade-bench.json"
    saved.write_text(json.dumps({"submissions": 2, "plain_pytest": 30.0, "speedup": 1.9,
                                 "per_exercise_submission": {"1": 0.5, "2": 0.26}}))
    figures = {f.name: f for f in measure(notebooks=["no notebook has this name"], repeat=1, grade_count=0,
                                          heavy=False, grading_json=[str(saved)])}
    one = figures["grading, 1 worker, per exercise-submission"]
    assert (one.median, one.budget, one.verdict) == (0.5, 0.2, "falls short")
    two = figures["grading, 2 workers vs 1, throughput"]
    assert (two.median, two.budget_min, two.verdict) == (1.9, 1.8, "pass")


def test_the_check_rows_time_a_terminal_and_a_warm_kernel_against_their_budgets():
    from mfalab.loopbench import figures

    rows = {f.name: f for f in figures(["ex01"], repeat=1, loops=False)}
    terminal, kernel = rows["mfalab check ex01 (terminal, solutions)"], rows["mfalab.check('ex01') in a warm kernel (solutions)"]
    for figure in (terminal, kernel):
        assert len(figure.runs) == 1 and figure.runs[0] > 0 and figure.budget == 1.0
