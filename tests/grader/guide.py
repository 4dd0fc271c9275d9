"""The commands docs/instructor.md gives, read from its ```bash blocks, for the tests that run them.

A test runs a command as the guide writes it, with two changes only, both said where it
runs: the file and folder names the guide uses (`submissions`, `grades`, `dist/...`) point
into the test's temporary folder, and `.venv/bin/X` is the X of the environment running
the tests. Every command in the guide must be claimed by a test (RUNNERS), so a command
added to the guide without a test fails test_guide.py.
"""

import re
import shlex
import subprocess
import sys
from pathlib import Path

from mfalab.grader.run import REPO

GUIDE = REPO / "docs" / "instructor.md"
BLOCK = re.compile(r"^```bash\n(.*?)^```", re.S | re.M)

# The first words of each command the guide gives, and the test module that runs it.
RUNNERS = {
    ".venv/bin/mfalab release": "test_release.py",
    ".venv/bin/mfalab autograder": "test_autograder.py",
    ".venv/bin/mfalab grade": "test_guide.py",
    "make grade": "test_guide.py",
    ".venv/bin/pytest tests/exercises": "test_guide.py",
    ".venv/bin/pytest tests/toolkit/test_check.py": "test_guide.py",
    ".venv/bin/mfalab export": "test_guide.py",
    ".venv/bin/mfalab grade-bench": "test_guide.py",
}


def commands():
    """Every command line of the guide's bash blocks, comments dropped, as argv lists."""
    found = []
    for block in BLOCK.findall(GUIDE.read_text()):
        for line in block.splitlines():
            argv = shlex.split(line, comments=True)
            if argv:
                found.append(argv)
    return found


def runner(argv):
    """The RUNNERS entry that claims `argv` (the longest matching prefix), or None."""
    text = " ".join(argv)
    claims = [prefix for prefix in RUNNERS if text == prefix or text.startswith(prefix + " ")]
    return max(claims, key=len, default=None)


def command(prefix, *having):
    """The guide's commands claimed by `prefix` and holding every word of `having`; exactly one."""
    found = [argv for argv in commands() if runner(argv) == prefix and all(word in argv for word in having)]
    assert len(found) == 1, f"the guide should give one `{prefix} ... {' '.join(having)}` command, found {found}"
    return found[0]


def localise(argv, places):
    """`argv` with each word (or the value of a NAME=value word) found in `places` replaced,
    and `.venv/bin/X` taken from the environment running the tests."""
    out = []
    for word in argv:
        name, equals, value = word.partition("=")
        if word in places:
            word = str(places[word])
        elif equals and value in places:
            word = f"{name}={places[value]}"
        elif word.startswith(".venv/bin/"):
            word = str(Path(sys.executable).with_name(word.removeprefix(".venv/bin/")))
        out.append(word)
    return out


def run(argv, places, *extra, timeout=900):
    """Run a guide command from the kit's folder, localised, with `extra` words appended."""
    return subprocess.run([*localise(argv, places), *extra], cwd=REPO, capture_output=True, text=True,
                          timeout=timeout)
