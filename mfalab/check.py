"""The learner's check: run one exercise's public tests, show a table of points.

    mfalab.check("ex01")              # in a notebook
    mfalab check ex01                 # in a terminal

The tests run in a separate pytest process, which in turn reaches the learner's code
only through the sandbox (mfalab.sandbox): nothing the learner writes runs in the
process that decides whether a test passed.
"""

import ast
import html
import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from lab_project.mfa.exercise_names import EXERCISES

REPO = Path(__file__).resolve().parent.parent
TESTS = REPO / "tests" / "exercises"


class CheckError(ValueError):
    pass


def public_tests(exercise):
    return sorted(TESTS.glob(f"test_{exercise}_*.py"))


def graded_tests(exercise):
    """Public and hidden test files of `exercise` (what the grader runs)."""
    return public_tests(exercise) + sorted((TESTS / "hidden").glob(f"test_{exercise}_*.py"))


def stub_functions(path):
    """Names of the functions in `path` whose body is only `raise NotImplementedError`."""
    try:
        tree = ast.parse(Path(path).read_text(encoding="utf-8"))
    except (SyntaxError, ValueError, OSError):
        return None
    stubs, written = [], []
    for node in ast.walk(tree):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        if node.name.startswith("_") and not node.name.endswith("__"):  # helpers; __init__ counts
            continue
        body = [n for n in node.body if not (isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant))]
        only_raise = (len(body) == 1 and isinstance(body[0], ast.Raise) and body[0].exc is not None
                      and "NotImplementedError" in ast.unparse(body[0].exc))
        (stubs if only_raise else written).append(node.name)
    return stubs, written


def module_status(exercise, code="exercises"):
    """'missing', 'syntax error', 'not started', 'in progress' or 'written'."""
    from mfalab.sandbox.proxy import module_file

    path = module_file(exercise, code)
    if path is None:
        return "missing"
    found = stub_functions(path)
    if found is None:
        return "syntax error"
    stubs, written = found
    if stubs and not written:
        return "not started"
    return "in progress" if stubs else "written"


@dataclass
class CheckReport:
    exercise: str
    status: str
    rows: list = field(default_factory=list)
    problem: str = ""

    @property
    def score(self):
        return sum(r["points"] for r in self.rows)

    @property
    def max_score(self):
        return sum(r["max_points"] for r in self.rows)

    @property
    def passed(self):
        return bool(self.rows) and all(r["outcome"] == "passed" for r in self.rows)

    def headline(self):
        if self.problem:
            return f"{self.exercise}: the check could not run. {self.problem}"
        text = f"{self.exercise}: {self.score:g}/{self.max_score:g} points"
        if self.status == "not started":
            return f"{text}. Not started yet: open exercises/ and write the functions that raise NotImplementedError."
        if self.status == "syntax error":
            return f"{text}. The module has a syntax error: fix it first (the lab runs the naive version meanwhile)."
        if self.passed:
            return f"{text}. All public tests pass."
        failed = sum(r["outcome"] != "passed" for r in self.rows)
        return f"{text}. {failed} of {len(self.rows)} tests to go."

    def __str__(self):
        lines = [self.headline(), ""]
        for r in self.rows:
            mark = {"passed": "PASS", "not run": "    "}.get(r["outcome"], "FAIL")
            lines.append(f"  {mark}  {r['points']:g}/{r['max_points']:g}  {r['doc'] or r['name']}")
            if r["outcome"] != "passed" and self.status != "not started":
                lines.append(f"              hint: {r['hint'] or r['message'][:160]}")
        return "\n".join(lines)

    def _repr_html_(self):
        cells = []
        for r in self.rows:
            ok = r["outcome"] == "passed"
            symbol = {"passed": "✔", "not run": "·"}.get(r["outcome"], "✘")
            hint = "" if ok or self.status == "not started" else html.escape(r["hint"] or r["message"][:200])
            cells.append(
                f"<tr><td style='color:{'#1a7f37' if ok else '#cf222e'}'>{symbol}</td>"
                f"<td>{html.escape(r['doc'] or r['name'])}</td><td>{r['points']:g}/{r['max_points']:g}</td>"
                f"<td>{hint}</td></tr>")
        table = ("<table><tr><th></th><th>test</th><th>points</th><th>hint</th></tr>" + "".join(cells) + "</table>"
                 if cells else "")
        return f"<p><strong>{html.escape(self.headline())}</strong></p>{table}"


def run_tests(files, code, *, timeout=600, collect_only=False):
    """Run graded test files against `code` in a pytest process; their result rows.
    collect_only: list the tests without running them (outcome "not run")."""
    with tempfile.TemporaryDirectory(prefix="mfalab-check-") as tmp:
        results = Path(tmp) / "results.json"
        # Auto-loaded plugins the graded tests do not use cost seconds: nbval ~4 s, anyio ~0.7 s.
        command = [sys.executable, "-m", "pytest", *map(str, files), "--code", str(code), "--results", str(results),
                   "-q", "-p", "no:cacheprovider", "-p", "no:nbval", "-p", "no:anyio", "-p", "no:platformdirs",
                   "-o", "addopts=-p mfalab.points",
                   "--no-header", "-rN",
                   "--tb=line", "--rootdir", str(REPO)] + (["--collect-only"] if collect_only else [])
        try:
            done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise CheckError(f"The tests took longer than {timeout} s.") from None
        if done.returncode not in (0, 1) or not results.exists():
            raise CheckError(f"pytest stopped with exit code {done.returncode}: {done.stdout[-800:]}{done.stderr[-800:]}")
        return json.loads(results.read_text())


def check(exercise, code="exercises"):
    """Run the public tests of `exercise` against `code`; the report (a table in a notebook)."""
    exercise = str(exercise).lower()
    if exercise not in EXERCISES:
        raise CheckError(f"No exercise {exercise!r}: choose one of {', '.join(EXERCISES)}.")
    report = CheckReport(exercise, module_status(exercise, code))
    files = public_tests(exercise)
    if not files:
        report.problem = f"no public tests for {exercise} in this copy of the course."
        return report
    try:
        # An untouched stub scores nothing by design; list its tests without running them.
        report.rows = run_tests(files, code, collect_only=report.status == "not started")
    except CheckError as error:
        report.problem = str(error)
    return report
