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

from lab_project.mfa import freshness
from lab_project.mfa.exercise_names import EXERCISES, MODULES

from . import checker
from .coverage import coverage_line
from .failures import reason, sanitise, shorten

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


def module_file(exercise, code):
    from mfalab.sandbox.proxy import module_file as find

    return find(exercise, code)


def module_status(exercise, code="exercises"):
    """'missing', 'syntax error', 'not started', 'in progress' or 'written'."""
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


def syntax_problem(path):
    """'exercises/ex01_totp.py, line 3: invalid syntax', or '' when the file compiles."""
    try:
        compile(Path(path).read_bytes(), str(path), "exec", dont_inherit=True)
    except SyntaxError as error:
        where = shown_path(error.filename or path)
        return f"{where}, line {error.lineno}: {error.msg}"
    except (ValueError, OSError) as error:
        return f"{shown_path(path)}: {error}"
    return ""


def shown_path(path):
    """A path as the learner knows it: relative to the repository when inside it."""
    path = Path(path)
    try:
        return str(path.resolve().relative_to(REPO))
    except (ValueError, OSError):
        return str(path)


MARKS = {"passed": "PASS", "not run": "    "}


@dataclass
class CheckReport:
    exercise: str
    status: str
    rows: list = field(default_factory=list)
    problem: str = ""
    verbose: bool = False
    notes: list = field(default_factory=list)  # one line each: a syntax error's place, a stale kernel

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
        text = f"{self.exercise}: {self.score:g}/{self.max_score:g} public points"
        if self.status == "not started":
            return f"{text}. Not started yet: open exercises/ and write the functions that raise NotImplementedError."
        if self.status == "syntax error":
            return f"{text}. Syntax error: fix it first (the lab runs the naive version meanwhile)."
        if self.passed:
            return f"{text}. All public tests pass."
        failed = sum(r["outcome"] != "passed" for r in self.rows)
        return f"{text}. {failed} of {len(self.rows)} tests to go."

    def coverage(self):
        return "" if self.problem or not self.rows else coverage_line(self.exercise, self.max_score)

    def reasons(self, row):
        """Why a test failed: its hint, then what went wrong (1-3 lines; all with verbose)."""
        if row["outcome"] in ("passed", "not run"):
            return []
        hint = [f"hint: {row['hint']}"] if row["hint"] else []
        return hint + [f"why:  {line}" if i == 0 else f"      {line}"
                       for i, line in enumerate(reason(row, verbose=self.verbose))]

    def lines(self):
        return [line for line in [self.headline(), self.coverage(), *self.notes] if line]

    def __str__(self):
        lines = self.lines() + [""]
        for r in self.rows:
            mark = MARKS.get(r["outcome"], "FAIL")
            took = f"  ({r['duration']:.1f} s)" if self.verbose and r["outcome"] != "not run" else ""
            lines.append(f"  {mark}  {r['points']:g}/{r['max_points']:g}  {r['doc'] or r['name']}{took}")
            lines += [f"              {text}" for text in self.reasons(r)]
        return "\n".join(lines).rstrip()

    def __repr__(self):
        return str(self)

    def _repr_html_(self):
        cells = []
        for r in self.rows:
            ok = r["outcome"] == "passed"
            symbol = {"passed": "✔", "not run": "·"}.get(r["outcome"], "✘")
            why = "<br>".join(html.escape(text) for text in self.reasons(r))
            cells.append(
                f"<tr><td style='color:{'#1a7f37' if ok else '#cf222e'}'>{symbol}</td>"
                f"<td>{html.escape(r['doc'] or r['name'])}</td><td>{r['points']:g}/{r['max_points']:g}</td>"
                f"<td style='text-align:left'>{why}</td></tr>")
        table = ("<table><tr><th></th><th>test</th><th>points</th><th>why</th></tr>" + "".join(cells) + "</table>"
                 if cells else "")
        head, *more = self.lines()
        return (f"<p><strong>{html.escape(head)}</strong></p>"
                + "".join(f"<p>{html.escape(line)}</p>" for line in more) + table)


def last_lines(done, count=3):
    """The last lines a finished pytest printed, sanitised, on one line."""
    lines = [line.strip() for line in sanitise(done.stdout + "\n" + done.stderr).splitlines() if line.strip()]
    return " | ".join(shorten(line) for line in lines[-count:]) or "no output"


def run_pytest(command, log, timeout):
    """Run a pytest command: in the warm checker when one is running (mfalab.checker), else as
    a process of its own. What it printed and its exit code, as subprocess.run gives them."""
    exit_code = checker.run(command[3:], log=log, timeout=timeout) if checker.enabled() else None
    if exit_code is None:
        return subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=timeout)
    output = log.read_text(errors="replace") if log.exists() else ""
    return subprocess.CompletedProcess(command, exit_code, output, "")


def run_tests(files, code, *, timeout=600, collect_only=False):
    """Run graded test files against `code` in a pytest process; their result rows.
    collect_only: list the tests without running them (outcome "not run")."""
    with tempfile.TemporaryDirectory(prefix="mfalab-check-") as tmp:
        results = Path(tmp) / "results.json"
        # Auto-loaded plugins the graded tests do not use cost seconds: nbval ~4 s, anyio ~0.7 s.
        # The configuration file named outright, and options glued to their values: pytest looks for
        # its configuration in the folders its arguments share, and a folder outside the repository
        # would otherwise pass for one (no settings, no Django).
        command = [sys.executable, "-m", "pytest", *map(str, files), f"--code={code}", f"--results={results}",
                   "-q", "-p", "no:cacheprovider", "-p", "no:nbval", "-p", "no:anyio", "-p", "no:platformdirs",
                   "-o", "addopts=-p mfalab.points",
                   "--no-header", "-rN", f"--config-file={REPO / 'pyproject.toml'}",
                   "--tb=line", f"--rootdir={REPO}"] + (["--collect-only"] if collect_only else [])
        try:
            done = run_pytest(command, Path(tmp) / "pytest.log", timeout)
        except (subprocess.TimeoutExpired, TimeoutError):
            raise CheckError(f"The tests took longer than {timeout} s.") from None
        if done.returncode not in (0, 1) or not results.exists():
            raise CheckError(f"pytest stopped with exit code {done.returncode}: {last_lines(done)}")
        rows = json.loads(results.read_text())
        if not rows:  # never a report of nothing: it would read as a pass with 0/0 points
            raise CheckError(f"pytest ran but reported no graded test (exit code {done.returncode}): "
                             f"{last_lines(done)}")
        return rows


def kernel_notes(exercise, code):
    """One line when this process (a notebook's kernel) runs an older copy of the exercise than
    the file this check ran; the check itself always runs the file as it is now."""
    if code not in ("exercises", "solutions"):
        return []
    module = sys.modules.get(f"{code}.{MODULES[exercise]}")
    if not freshness.changed(module):
        return []
    if exercise in freshness.RELOADABLE:
        return [f"This kernel loads your edit of {code}/{MODULES[exercise]}.py on its next use: "
                "run again the cells that use it."]
    return [f"This kernel still runs the {code}/{MODULES[exercise]}.py it loaded before your edit: "
            "restart the kernel (Kernel > Restart Kernel) for the lab in your notebook to run it."]


def code_source(code):
    """'exercises', 'solutions', 'naive' or a submission folder as an absolute path (the tests
    run from the repository, wherever the check was started)."""
    from .workspace import find

    code = str(code)
    workspace = find() if code == "exercises" else None
    if workspace is not None:  # "your code" in a learner's own copy of the course
        return str(workspace.exercises)
    if code in ("exercises", "solutions", "naive"):
        return code
    return str(Path(code).expanduser().resolve())


def check(exercise, code="exercises", *, verbose=False):
    """Run the public tests of `exercise` against `code`; the report (a table in a notebook).
    verbose: every test's duration and everything a failed test said."""
    exercise = str(exercise).strip().lower()
    report = CheckReport(exercise, "", verbose=verbose)
    if exercise not in EXERCISES:
        report.problem = f"There is no exercise {exercise!r}: choose one of {', '.join(EXERCISES)}."
        return report
    code = code_source(code)
    if code not in ("exercises", "solutions", "naive") and not Path(code).is_dir():
        report.problem = f"There is no folder {code}: pass exercises (your code), solutions or a folder."
        return report
    report.status = module_status(exercise, code)
    if report.status == "missing":
        report.problem = f"No {MODULES[exercise]}.py in {shown_path(code) if code not in ('exercises', 'solutions') else code}."
        return report
    if report.status == "syntax error":
        report.notes.append(syntax_problem(module_file(exercise, code)))
    report.notes += kernel_notes(exercise, code)
    files = public_tests(exercise)
    if not files:
        report.problem = f"No public tests for {exercise} in this copy of the course."
        return report
    try:
        # An untouched stub, or a module that does not compile, scores nothing: list the tests, run none.
        report.rows = run_tests(files, code, collect_only=report.status in ("not started", "syntax error"))
    except CheckError as error:
        report.problem = str(error)
    return report
