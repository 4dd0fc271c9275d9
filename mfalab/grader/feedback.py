"""Feedback a student can read: students/<student>/feedback.md, beside results.json.

Per exercise, the points, the tests passed, and for each test that failed its description,
what went wrong in one or two plain lines, and its hint. Object reprs, raw HTML and the
pytest noise around an assertion are replaced by plain words; an untouched stub says "not
started yet". Hidden tests appear only when the instructor's --hidden-visibility lets
students see them at all (after_published, after_due_date: the file is what you hand back
then); with `hidden` the file gives their points and nothing else.
"""

import re
from pathlib import Path

from ..failures import reason, sanitise

OBJECT_REPR = re.compile(r"<(?:function |bound method |class |module )?[\w.<>' -]{1,200}? (?:object )?at 0x[0-9a-f]+>")
PAGE_REPR = re.compile(r"Page\(status=(\d{3})")
HTML = re.compile(r"<!DOCTYPE|<html|<head|<body|<div|<form|<p>|<a |</", re.I)
STUB = re.compile(r"NotImplementedError")
FAILED_COUNT = re.compile(r"^\d+/\d+ tests failed")  # the gradebook's summary; the file lists each test


def plain(line):
    """One line of what went wrong, with reprs and HTML replaced by words."""
    page = PAGE_REPR.search(line)
    if page:
        return f"the lab answered with status {page.group(1)} and a page (HTML not shown)"
    if HTML.search(line):
        return "the lab answered with a page of HTML (not shown)"
    return OBJECT_REPR.sub("an object", line)


def what_went_wrong(test):
    """One or two plain lines; "not started yet" for a stub's test."""
    if STUB.search(test.get("message", "")):
        return ["not started yet: the function still raises NotImplementedError"]
    lines = [plain(line) for line in reason(test)]
    lines = list(dict.fromkeys(line for line in lines if line))[:2]
    return lines or ["the test failed without a message"]


def _points(value):
    return f"{value:g} point" + ("" if value == 1 else "s")


def exercise_section(exercise, got, show_hidden):
    shown = [t for t in got.tests if show_hidden or not t["hidden"]]
    secret = [t for t in got.tests if t not in shown]
    lines = [f"## {exercise}: {got.points:g} of {got.max_points:g} points", ""]
    if not_started(got):
        lines += ["Not started yet: every function still raises NotImplementedError.", ""]
        return lines
    if got.note and not FAILED_COUNT.match(got.note) and not any(t["outcome"] == "passed" for t in got.tests):
        lines += [f"Every test scored 0: {plain(sanitise(got.note))}.", ""]
        return lines
    passed = [t for t in shown if t["outcome"] == "passed"]
    if passed:
        lines += ["Passed: " + "; ".join(_label(t) for t in passed) + ".", ""]
    for test in (t for t in shown if t["outcome"] != "passed"):
        lines.append(f"- **{_label(test)}** (0 of {_points(test['max_points'])}).")
        for line in what_went_wrong(test):
            lines.append(f"  What went wrong: {sanitise(line)}")
        if test["hint"]:
            lines.append(f"  Hint: {test['hint']}")
    if secret:
        earned = sum(t["points"] for t in secret)
        lines.append(f"Hidden tests: {earned:g} of {sum(t['max_points'] for t in secret):g} points.")
    lines.append("")
    return lines


def _label(test):
    text = test.get("doc") or test["name"]
    return text.rstrip(".") + (" (hidden test)" if test["hidden"] else "")


def not_started(got):
    """Whether every test of an exercise failed on a stub's NotImplementedError."""
    return bool(got.tests) and all(t["outcome"] != "passed" and STUB.search(t.get("message", "")) for t in got.tests)


def plain_notes(result, without_exercise_notes=False):
    """The submission's notes in plain words (the grader keeps hidden tests out of them);
    optionally less each exercise's own note, which the exercise's section says."""
    own = {f"{name}: {got.note}": name for name, got in result.exercises.items() if got.note}
    notes = []
    for note in result.notes:
        if note in own and without_exercise_notes:
            continue
        if note in own and not_started(result.exercises[own[note]]):
            note = f"{own[note]}: not started yet (every function still raises NotImplementedError)"
        notes.append(plain(sanitise(note)))
    return notes


def document(result, exercises, hidden_visibility):
    show_hidden = hidden_visibility != "hidden"
    lines = [f"# Feedback: {result.student}", "",
             f"Total: {result.points:g} of {result.max_points:g} points"
             + (f", graded {result.graded_at} (UTC)." if result.graded_at else "."), ""]
    notes = plain_notes(result, without_exercise_notes=True)
    if notes:
        lines += ["Notes:", "", *[f"- {note}" for note in notes], ""]
    for exercise in exercises:
        got = result.exercises.get(exercise)
        if got is not None:
            lines += exercise_section(exercise, got, show_hidden)
    return "\n".join(lines)


def write(result, exercises, path, hidden_visibility):
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(document(result, exercises, hidden_visibility))
    return path
