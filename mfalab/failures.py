"""What went wrong in a failed graded test, in a few lines a learner can read.

    reason(row)                 # "assert '755225' == '755224'" (at most 3 lines, each capped)
    reason(row, verbose=True)   # everything the test said, still sanitised

A row is one result of mfalab.points: its `message` is pytest's crash message (an
assertion's diff, or the exception the sandbox raised: a time limit, an error your code
raised) and its `lab_error` the last line of an exception the lab raised while the test
ran (the cause of a 500). The text comes partly from the learner's code, so it is
sanitised: no terminal escapes or control characters, the repository's path shortened,
lengths capped.
"""

import re
from pathlib import Path

REPO = str(Path(__file__).resolve().parent.parent)
LINES, WIDTH, VERBOSE_CHARS = 3, 200, 4000

ESCAPES = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07?|[\x00-\x08\x0b-\x1f\x7f]")
# The sandbox's exception classes, as pytest prints them, and what they mean to a learner.
PREFIXES = [
    (re.compile(r"^(?:mfalab\.sandbox\.proxy\.)?SandboxTimeout: "), "timed out: "),
    (re.compile(r"^(?:mfalab\.sandbox\.proxy\.)?StudentError: "), "your code raised "),
    (re.compile(r"^(?:mfalab\.sandbox\.proxy\.)?SandboxCrashed: "), "your code's process stopped: "),
    (re.compile(r"^(?:mfalab\.sandbox\.proxy\.)?SandboxError: "), ""),
    (re.compile(r"^AssertionError: "), ""),
    (re.compile(r"^AssertionError$"), ""),
]
MODULE_PATH = re.compile(r"^(?:[a-z_]\w*\.)+([A-Z]\w*: )")  # mfalab.lab.LoginFailed: -> LoginFailed:
PREFIXES.append((MODULE_PATH, r"\1"))
# pytest's introspection of the objects in an assertion: long, and about the test, not you.
NOISE = re.compile(r"^\s*(\+\s+where |\+\s+and |Use -v to get|Full diff:|\.\.\.Full output truncated"
                   r"|Differing items:|\?\s+[-+^ ]*$)")


def sanitise(text):
    text = ESCAPES.sub("", str(text or "").replace("\r\n", "\n").replace("\t", "    "))
    return text.replace(REPO + "/", "").replace(REPO, ".")


def shorten(line, width=WIDTH):
    return line if len(line) <= width else line[:width - 1] + "…"


def reason(row, *, verbose=False):
    """The lines that say why the test failed: at most 3 (or all, up to 4,000 characters)."""
    text = sanitise(row.get("message", ""))
    for pattern, replacement in PREFIXES:
        text = pattern.sub(replacement, text, count=1)
    lines = [line.rstrip() for line in text.splitlines()]
    if not verbose:
        lines = [line.strip() for line in lines if line.strip() and not NOISE.match(line)]
    lab_error = MODULE_PATH.sub(r"\1", sanitise(row.get("lab_error", "")).strip(), count=1)
    if lab_error:
        lines.insert(0, f"the lab raised {shorten(lab_error)}")
    if verbose:
        printed = sanitise(row.get("lab_output", "")).strip()
        if printed:
            lines += ["the lab printed:"] + printed.splitlines()
        return [shorten(line, VERBOSE_CHARS) for line in "\n".join(lines)[-VERBOSE_CHARS:].splitlines()]
    return [shorten(line) for line in lines[:LINES]]


def last_exception(log):
    """The last line of the last traceback in a server's output ("KeyError: 'x'"), or ""."""
    text = sanitise(log)
    start = text.rfind("Traceback (most recent call last):")
    if start < 0:
        return ""
    for line in text[start:].splitlines()[1:]:
        if line and not line[0].isspace():
            return line.strip()
    return ""


def new_output(before, after):
    """What a server printed between two readings of the tail of its output."""
    before, after = (text.split("Its output ends:\n", 1)[-1] for text in (before or "", after or ""))
    for overlap in range(min(len(before), len(after)), 0, -1):
        if after.startswith(before[-overlap:]):
            return after[overlap:]
    return after
