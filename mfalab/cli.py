"""The `mfalab` command: prepare the lab, check an exercise, list the personas."""

import argparse
import os
import sys


def prepare(args):
    """Build the seeded template database and the lab database for runserver."""
    import shutil
    import time

    from . import database

    template = database.ensure_template()
    lab_db = database.VAR / "lab.sqlite3"
    stamp = database.VAR / "lab.sqlite3.template"
    if lab_db.exists() and stamp.exists() and stamp.read_text() == template.name:
        print(f"lab ready: {lab_db} (unchanged)")
        return 0
    if lab_db.exists():
        kept = lab_db.with_name(f"lab-{time.strftime('%Y%m%d-%H%M%S')}.sqlite3")
        shutil.move(lab_db, kept)
        print(f"the lab's migrations changed: your old database is kept as {kept}")
    database.fresh_copy(lab_db)
    stamp.write_text(template.name)
    print(f"lab ready: {lab_db}")
    return 0


def check(args):
    from .check import check as run_check

    report = run_check(args.exercise, args.code, verbose=args.verbose)
    print(report)
    return 0 if report.passed else 1


def notebooks(args):
    """Execute notebooks top to bottom and store their outputs (all by default)."""
    from .notebooks import course_notebooks, execute

    for path in args.paths or course_notebooks():
        print(f"{path}: {execute(path):.1f} s")
    return 0


def bench(args):
    """Measure notebooks, kernel memory, grading, set-up; print the table and budgets."""
    from .bench import main as run_bench

    return run_bench(args)


def lab(args):
    """Open JupyterLab on the repository at the start notebook (what `make lab` runs)."""
    from .jupyterlab import main as run_lab

    run_lab(args.options)


def workspace(args):
    """Copy the course into a folder of your own (a kit you cannot write to, a shared hub)."""
    from .workspace import WorkspaceError, create

    try:
        made, done = create(args.folder)
    except WorkspaceError as error:
        print(f"mfalab workspace: {error}")
        return 1
    kept = [path for path, what in done if what == "kept"]
    print(f"workspace ready: {made.root}")
    listed = ", ".join(kept) if len(kept) <= 4 else f"{len(kept)} files, e.g. {', '.join(kept[:3])}"
    print(f"  copied {len(done) - len(kept)} files" + (f"; kept what was there already: {listed}" if kept else ""))
    print(f"  open {made.root / 'notebooks' / '00_start_here.ipynb'}; the lab, its database and your checks use "
          f"{made.exercises} and {made.var}")
    return 0


def personas(args):
    from lab_project.mfa.personas import PERSONAS

    print("LAB ONLY: these demo credentials are public.")
    for p in PERSONAS.values():
        print(f"  {p.username:8} {p.password:16} {p.factor or '-':6} {p.role}")
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(prog="mfalab", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("prepare", help=prepare.__doc__).set_defaults(run=prepare)
    checking = commands.add_parser("check", help="run an exercise's public tests against your code")
    checking.add_argument("exercise", help="ex01 ... ex06")
    checking.add_argument("--code", default="exercises", help="exercises (default), solutions or a folder")
    checking.add_argument("-v", "--verbose", action="store_true",
                          help="show each test's time and everything a failed test said")
    checking.set_defaults(run=check)
    running = commands.add_parser("notebooks", help=notebooks.__doc__)
    running.add_argument("paths", nargs="*")
    running.set_defaults(run=notebooks)
    benching = commands.add_parser("bench", help=bench.__doc__)
    from .bench import add_arguments as bench_arguments

    bench_arguments(benching)
    benching.set_defaults(run=bench)
    opening = commands.add_parser("lab", help=lab.__doc__, epilog="Other options go to JupyterLab (--no-browser ...).")
    opening.set_defaults(run=lab, takes_options=True)
    commands.add_parser("personas", help="list the lab's personas and demo passwords").set_defaults(run=personas)
    making = commands.add_parser("workspace", help=workspace.__doc__)
    making.add_argument("folder", help="where your copy goes, e.g. ~/mfa-lab (files already there are kept)")
    making.set_defaults(run=workspace)
    try:  # the instructor's commands (absent from the student release)
        from .grader.cli import add_subcommands
    except ImportError:
        pass
    else:
        add_subcommands(commands)
    args, options = parser.parse_known_args(argv)
    if options and not getattr(args, "takes_options", False):
        parser.error(f"unrecognized arguments: {' '.join(options)}")
    args.options = options
    try:
        status = args.run(args)
        sys.stdout.flush()
    except BrokenPipeError:  # the reader stopped early (`mfalab check ex01 | head`): nothing to say
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    return status


if __name__ == "__main__":
    sys.exit(main())
