"""The Gradescope autograder: a zip with setup.sh, run_autograder and the kit.

Gradescope unpacks the zip into /autograder/source and runs setup.sh from there; it
copies run_autograder to /autograder/run_autograder and runs it for each submission.

    mfalab autograder --out dist/autograder.zip

On Gradescope (choose its Ubuntu 24.04 base image: Python 3.12; setup.sh stops, naming it,
on a python3 older than 3.11), setup.sh installs the kit from /autograder/source into a
virtualenv with the pins of constraints.txt, as `make setup` does, and builds the lab
database (about a minute); both scripts take another root from AUTOGRADER_ROOT.
run_autograder grades /autograder/submission with this grader (hidden tests included)
and writes /autograder/results/results.json. Hidden tests carry the
visibility chosen when the zip was built (`--hidden-visibility`, default after_published),
which run_autograder passes on as MFALAB_HIDDEN_VISIBILITY.
`python -m mfalab.grader.autograder run [--root /autograder]` is what run_autograder calls.
"""

import argparse
import os
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path

from . import EXERCISES
from .release import EXCLUDED_DIRS
from .report import DEFAULT_HIDDEN_VISIBILITY, HIDDEN_VISIBILITIES
from .run import REPO

SETUP_SH = """#!/usr/bin/env bash
# Gradescope runs this once, as root, while building the autograder image: choose its
# Ubuntu 24.04 base image (Python 3.12). Each step prints one line, so the build log
# shows where set-up stopped.
set -euo pipefail
ROOT="${AUTOGRADER_ROOT:-/autograder}"
step() { echo "mfa-lab setup: $*"; }
step "installing python3, python3-venv and python3-pip with apt-get"
apt-get update -q
apt-get install -y -q python3 python3-venv python3-pip
VERSION="$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
step "checking python3 $VERSION (MFA Lab needs 3.11 or newer)"
case "$VERSION" in
  3.1[1-9]|3.[2-9][0-9]) ;;
  *) echo "MFA Lab needs Python 3.11 or newer, and python3 here is $VERSION:" \
          "choose Gradescope's Ubuntu 24.04 base image (Python 3.12)." >&2
     exit 1 ;;
esac
cd "$ROOT/source"
step "creating the virtualenv $ROOT/source/.venv"
python3 -m venv .venv
step "upgrading pip in the virtualenv"
.venv/bin/python -m pip install --quiet --upgrade pip
# The same pins as `make setup`: constraints.txt locks the whole dependency tree.
step "installing the kit with the pins of constraints.txt (about a minute)"
.venv/bin/python -m pip install --quiet -c constraints.txt -e .
step "preparing the lab database"
.venv/bin/mfalab prepare
step "done"
"""

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Gradescope runs this for each submission: grade it, write results/results.json.
set -euo pipefail
ROOT="${{AUTOGRADER_ROOT:-/autograder}}"
PYTHON="${{MFALAB_PYTHON:-$ROOT/source/.venv/bin/python}}"
export MFALAB_HIDDEN_VISIBILITY="${{MFALAB_HIDDEN_VISIBILITY:-{hidden_visibility}}}"
cd "$ROOT/source"
exec "$PYTHON" -m mfalab.grader.autograder run --root "$ROOT"
"""

SKIPPED_DIRS = (EXCLUDED_DIRS - {"solutions"}) | {"grades"}


def _source_files():
    for path in sorted(REPO.rglob("*")):
        relative = path.relative_to(REPO)
        if any(p in SKIPPED_DIRS or p.endswith(".egg-info") for p in relative.parts):
            continue
        if path.is_file() and not path.is_symlink():
            yield path, relative


def run_autograder_script(hidden_visibility=DEFAULT_HIDDEN_VISIBILITY):
    if hidden_visibility not in HIDDEN_VISIBILITIES:
        raise ValueError(f"hidden-test visibility {hidden_visibility!r}: use one of {', '.join(HIDDEN_VISIBILITIES)}")
    return RUN_AUTOGRADER.format(hidden_visibility=hidden_visibility)


def build_autograder(out, *, hidden_visibility=DEFAULT_HIDDEN_VISIBILITY):
    out = Path(out)
    run_script = run_autograder_script(hidden_visibility)
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in (("setup.sh", SETUP_SH), ("run_autograder", run_script)):
            info = zipfile.ZipInfo(name)
            info.external_attr = 0o100755 << 16
            archive.writestr(info, text)
        for path, relative in _source_files():
            archive.write(path, relative.as_posix())
    return out


def run(root, exercises=EXERCISES, hidden_visibility=DEFAULT_HIDDEN_VISIBILITY):
    """Grade <root>/submission; write <root>/results/results.json (Gradescope format)."""
    from .batch import grade_folder, results_path
    from .run import Settings

    root = Path(root)
    results_dir = root / "results"
    results_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        submission = Path(tmp) / "submissions" / "submission"
        shutil.copytree(root / "submission", submission, symlinks=True)
        out = Path(tmp) / "out"
        results = grade_folder(submission.parent, out, settings=Settings(exercises=tuple(exercises), hidden_visibility=hidden_visibility),
                               progress=False)
        shutil.copyfile(results_path(out, results[0].student), results_dir / "results.json")
    return results_dir / "results.json"


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m mfalab.grader.autograder")
    commands = parser.add_subparsers(dest="command", required=True)
    running = commands.add_parser("run", help="grade /autograder/submission")
    running.add_argument("--root", default="/autograder")
    args = parser.parse_args(argv)
    exercises = [e for e in os.environ.get("MFALAB_GRADE_EXERCISES", ",".join(EXERCISES)).split(",") if e]
    visibility = os.environ.get("MFALAB_HIDDEN_VISIBILITY") or DEFAULT_HIDDEN_VISIBILITY
    if visibility not in HIDDEN_VISIBILITIES:
        print(f"MFALAB_HIDDEN_VISIBILITY={visibility!r}: use one of {', '.join(HIDDEN_VISIBILITIES)}", file=sys.stderr)
        return 2
    print(f"results: {run(args.root, exercises, visibility)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
