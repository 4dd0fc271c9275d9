"""What grading produces: gradebook CSV, Gradescope results.json, class summary (md + PNG)."""

import csv
import json
from pathlib import Path

from .feedback import plain_notes, what_went_wrong

GRADESCOPE_STATUS = {"passed": "passed", "failed": "failed", "skipped": "failed"}
# When Gradescope shows students the hidden tests: once grades are published (the default),
# after the due date, or never. Visible fields never name a hidden test, whichever is chosen.
HIDDEN_VISIBILITIES = ("after_published", "after_due_date", "hidden")
DEFAULT_HIDDEN_VISIBILITY = HIDDEN_VISIBILITIES[0]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value):
    """A CSV cell a spreadsheet shows as text: one that starts like a formula gets a quote first."""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def gradebook(results, exercises, path):
    """One row per student: points per exercise, total, max, status notes, when it was graded
    (UTC); every cell inert."""
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student", *exercises, "total", "max", "status", "graded_at", "late_days"])
        for result in results:
            row = [result.student]
            for exercise in exercises:
                got = result.exercises.get(exercise)
                row.append(f"{got.points:g}" if got else "0")
            writer.writerow([cell(value) for value in (*row, f"{result.points:g}", f"{result.max_points:g}",
                                                        "; ".join(result.notes) or "ok", result.graded_at,
                                                        result.late_days)])
    return path


def _test_output(test):
    """What a student reads under a failed test: what went wrong in plain lines, and the hint."""
    if test["outcome"] == "passed":
        return ""
    lines = [f"What went wrong: {line}" for line in what_went_wrong(test)]
    if test["hint"]:
        lines.append(f"Hint: {test['hint']}")
    return "\n".join(lines)[:4000]


def gradescope(result, exercises, hidden_visibility=DEFAULT_HIDDEN_VISIBILITY):
    """The Gradescope results.json document for one submission; hidden tests get
    `hidden_visibility` (one of HIDDEN_VISIBILITIES), the others "visible"."""
    if hidden_visibility not in HIDDEN_VISIBILITIES:
        raise ValueError(f"hidden-test visibility {hidden_visibility!r}: use one of {', '.join(HIDDEN_VISIBILITIES)}")
    tests = []
    for exercise in exercises:
        got = result.exercises.get(exercise)
        for test in got.tests if got else []:
            tests.append({
                "name": f"{exercise}: {test['doc']}",
                "number": test["nodeid"].rsplit("::", 1)[-1],
                "score": test["points"],
                "max_score": test["max_points"],
                "status": GRADESCOPE_STATUS.get(test["outcome"], "failed"),
                "output": _test_output(test),
                "visibility": hidden_visibility if test["hidden"] else "visible",
            })
    notes = "\n".join(plain_notes(result))
    return {
        "score": result.points,
        "execution_time": round(result.seconds, 2),
        "output": notes or "Graded.",
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
    }


def write_gradescope(result, exercises, path, hidden_visibility=DEFAULT_HIDDEN_VISIBILITY):
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(json.dumps(gradescope(result, exercises, hidden_visibility), indent=1))
    return path


def pass_rates(results, exercises):
    """Per exercise: the share of its tests passed, over every submission."""
    rates = {}
    for exercise in exercises:
        tests = [t for r in results if exercise in r.exercises for t in r.exercises[exercise].tests]
        rates[exercise] = sum(t["outcome"] == "passed" for t in tests) / len(tests) if tests else 0.0
    return rates


def isolation_line(mode):
    """The summary's Isolation line: the protections in force and, plainly, those that are off."""
    from .isolation import describe

    protections = () if mode in (None, "none") else tuple(mode.split("+"))
    off = describe(protections)
    return f"- Isolation: {mode}" + ("" if not off else " (off: " + "; ".join(off) + ")")


def summary(results, exercises, markdown_path, png_path, isolation=None):
    """The class summary: Markdown table of figures plus a PNG (totals, pass rates)."""
    totals = sorted(r.points for r in results)
    most = max((r.max_points for r in results), default=0)
    rates = pass_rates(results, exercises)
    mean = sum(totals) / len(totals) if totals else 0.0
    median = (totals[(len(totals) - 1) // 2] + totals[len(totals) // 2]) / 2 if totals else 0.0
    lines = ["# Grading summary", "",
             f"- Submissions: {len(results)}",
             f"- Points: mean {mean:.1f}, median {median:g}, lowest {totals[0] if totals else 0:g}, "
             f"highest {totals[-1] if totals else 0:g} (of {most:g})",
             f"- Submissions with notes: {sum(bool(r.notes) for r in results)}",
             *([isolation_line(isolation)] if isolation else []), "",
             "| Exercise | Mean points | Max | Tests passed | Full marks |", "|---|---|---|---|---|"]
    for exercise in exercises:
        rows = [r.exercises[exercise] for r in results if exercise in r.exercises]
        top = max((x.max_points for x in rows), default=0)
        mean_points = sum(x.points for x in rows) / len(rows) if rows else 0.0
        full = sum(x.points == x.max_points and x.max_points > 0 for x in rows)
        lines.append(f"| {exercise} | {mean_points:.1f} | {top:g} | {rates[exercise]:.0%} | {full}/{len(rows)} |")
    lines += ["", f"![Totals and pass rates]({Path(png_path).name})", ""]
    Path(markdown_path).write_text("\n".join(lines))
    _plot(totals, most, rates, png_path)
    return markdown_path


def _plot(totals, most, rates, png_path):
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    figure = Figure(figsize=(10, 4))
    left, right = figure.subplots(1, 2)
    left.hist(totals, bins=min(20, max(1, int(most) or 1)), range=(0, most or 1), color="#4c72b0")
    left.set(title="Total points", xlabel=f"points (of {most:g})", ylabel="submissions")
    right.bar(list(rates), [100 * v for v in rates.values()], color="#55a868")
    right.set(title="Tests passed per exercise", ylabel="% of tests passed", ylim=(0, 100))
    figure.tight_layout()
    figure.savefig(png_path, dpi=100)
