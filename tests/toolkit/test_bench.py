"""The benchmark's smoke test: a tiny run prints the table and writes its JSON (times not checked)."""

import json
import subprocess
import sys


def test_a_tiny_benchmark_run_has_the_table_and_the_json(tmp_path):
    out = tmp_path / "bench.json"
    done = subprocess.run([sys.executable, "-m", "mfalab", "bench", "--repeat", "1", "--notebooks", "00_start",
                           "--grade-count", "0", "--no-heavy", "--json", str(out)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    header = next(line for line in done.stdout.splitlines() if line.startswith("figure"))
    assert header.split() == ["figure", "median", "min", "max", "unit", "budget", "verdict"]
    figures = {f["name"]: f for f in json.loads(out.read_text())["figures"]}
    assert set(figures) == {"notebook 00_start_here.ipynb", "all notebooks", "kernel peak, 00_start_here.ipynb",
                            "Jupyter server peak", "installed environment (sys.prefix)"}
    kernel = figures["kernel peak, 00_start_here.ipynb"]
    assert kernel["budget"] == 250 and kernel["verdict"] in ("pass", "falls short") and kernel["median"] > 10
    assert len(figures["notebook 00_start_here.ipynb"]["runs"]) == 1
