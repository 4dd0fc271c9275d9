"""Synthetic submissions for the grader's tests and benchmark: correct, partial, broken, malicious.

Each builder returns {filename: source}; `write(folder, student, files)` lays one out,
`gradescope_layout(archive, root, files)` lays out an autograder zip with one submission.
The malicious ones attack from inside ex01 (graded through a Sandbox, seconds per run);
the rest of their module is either a stub (expected 0) or the reference (expected full),
so a score shows whether the attack changed anything.
"""

import shutil
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
REFERENCE = (REPO / "solutions" / "ex01_totp.py").read_text()
STUB = (REPO / "exercises" / "ex01_totp.py").read_text()


def write(folder, student, files, layout="flat"):
    root = Path(folder) / student
    base = root / "exercises" if layout == "nested" else root
    base.mkdir(parents=True, exist_ok=True)
    for name, source in files.items():
        (base / name).write_text(source)
    return root


def gradescope_layout(archive, root, files=None):
    """Lay the autograder zip out as Gradescope does: root/source (the zip unpacked),
    root/run_autograder (copied up), root/submission (`files`, nested) and root/results."""
    root = Path(root)
    with zipfile.ZipFile(archive) as opened:
        opened.extractall(root / "source")
    for script in ("setup.sh", "run_autograder"):
        (root / "source" / script).chmod(0o755)  # extractall drops the zip's modes
    shutil.copy(root / "source" / "run_autograder", root / "run_autograder")
    if files is not None:
        write(root, "submission", files, layout="nested")
    (root / "results").mkdir(exist_ok=True)
    return root


def ex01(source):
    return {"ex01_totp.py": source}


def correct():
    return ex01(REFERENCE)


def partial():
    """The reference without provisioning_uri(): some tests pass, some fail."""
    return ex01(REFERENCE + "\n\ndef provisioning_uri(*args, **kwargs):\n    raise NotImplementedError\n")


def syntax_error():
    return ex01(REFERENCE + "\ndef broken(:\n")


def exception_at_import():
    return ex01("raise RuntimeError('boom at import')\n" + REFERENCE)


def loop_at_import():
    return ex01("while True:\n    pass\n" + REFERENCE)


def loop_in_function():
    return ex01(REFERENCE + "\n\ndef hotp(*args, **kwargs):\n    while True:\n        pass\n"
                "\n\ndef totp(*args, **kwargs):\n    while True:\n        pass\n")


def exit_at_import():
    return ex01("import sys\nsys.exit(0)\n" + REFERENCE)


def hard_exit_at_import():
    return ex01("import os\nos._exit(0)\n" + REFERENCE)


def lingering_fork(marker):
    """Correct code whose import leaves a detached child behind, which tries to touch `marker`."""
    return ex01(REFERENCE + f"""
import os, time
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        for _ in range(600):
            try:
                open({str(marker)!r}, "a").write("still here\\n")
            except OSError:
                pass
            time.sleep(0.5)
    os._exit(0)
""")


def output_flood():
    """Correct code that prints 50 MB at import and 1 MB per call."""
    return ex01(REFERENCE.replace("def hotp(", "def _hotp(") + """
import sys
try:
    for _ in range(50):
        sys.stdout.write("x" * 1_000_000)
        sys.stderr.write("y" * 1_000_000)
except OSError:
    pass

def hotp(*args, **kwargs):
    try:
        print("z" * 1_000_000)
    except OSError:
        pass
    return _hotp(*args, **kwargs)
""")


def monkeypatcher():
    """Stub code whose import rigs pytest, builtins, the plugin, the tests and the grader."""
    return ex01("""
import builtins, sys
try:
    import _pytest.reports, _pytest.runner
    _pytest.reports.TestReport.passed = property(lambda self: True)
    _pytest.reports.TestReport.outcome = "passed"
except Exception:
    pass
try:
    import mfalab.points
    mfalab.points.graded = lambda item: None
except Exception:
    pass
try:
    import mfalab.grader.run as run
    run._scored = lambda expected, reported, reason: [dict(t, points=t["max_points"], outcome="passed",
                                                           message="") for t in expected]
except Exception:
    pass
for name, module in list(sys.modules.items()):
    if name.startswith("test_"):
        for attr in dir(module):
            if attr.startswith("test_"):
                setattr(module, attr, lambda *a, **k: None)
builtins.AssertionError = type("AssertionError", (Exception,), {})
_real_isinstance = builtins.isinstance
builtins.isinstance = lambda *a: True
""" + STUB)


def fake_pass_output():
    return ex01("""
import json, sys
print("==== MFA Lab points ====\\nex01: 20/20 points  (code: solutions)\\n60 passed in 1.00s")
print(json.dumps([{"exercise": "ex01", "points": 20, "outcome": "passed"}]))
sys.stderr.write("PASSED\\n")
""" + STUB)


def results_writer(targets):
    """Stub code that writes passing results wherever it can reach (`targets` plus guesses)."""
    return ex01(f"""
import json, os
FAKE = json.dumps([{{"nodeid": "x", "exercise": "ex01", "points": 99, "max_points": 1, "outcome": "passed"}}])
targets = {[str(t) for t in targets]!r} + ["results.json", "../results.json", "../../results.json"]
for top in ("/tmp", os.path.dirname(os.getcwd())):
    for root, dirs, files in os.walk(top):
        for name in files:
            if name in ("results.json", "gradebook.csv", "catalog.json"):
                targets.append(os.path.join(root, name))
        for name in dirs:
            targets.append(os.path.join(root, name, "results.json"))
for target in targets:
    try:
        with open(target, "w") as handle:
            handle.write(FAKE)
    except OSError:
        pass
""" + STUB)


def secret_reader(which):
    """Stub code that runs the reference if it can read the solutions (which="solutions")
    or the hidden tests (which="hidden") from disk: only an unreadable secret scores 0."""
    path = {"solutions": REPO / "solutions" / "ex01_totp.py",
            "hidden": REPO / "tests" / "exercises" / "hidden" / "test_ex01_totp_hidden.py"}[which]
    return ex01(f"""
try:
    stolen = open({str(path)!r}).read()
except OSError:
    stolen = ""
if stolen:
    exec({REFERENCE!r}, globals())
else:
""" + "\n".join("    " + line for line in STUB.splitlines() if line.strip()) + "\n")


def always_equal():
    """Returns objects that compare equal to anything."""
    return ex01("""
class Anything(str):
    def __eq__(self, other):
        return True
    def __ne__(self, other):
        return False
    __hash__ = str.__hash__

class Whatever:
    def __eq__(self, other):
        return True

def hotp(*args, **kwargs):
    return Anything("000000")

def totp(*args, **kwargs):
    return Whatever()

def verify_totp(*args, **kwargs):
    return Anything("")

def provisioning_uri(*args, **kwargs):
    return Whatever()
""")


def sleeper():
    """Correct code that sleeps 9 s (under the per-call limit) in every call."""
    return ex01(REFERENCE.replace("def hotp(", "def _hotp(") + """
import time

def hotp(*args, **kwargs):
    time.sleep(9)
    return _hotp(*args, **kwargs)
""")
