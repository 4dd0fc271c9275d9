"""Command-line entry points: `mfalab grade` (also `mfalab-grade`), `mfalab release`,
`mfalab autograder`, `mfalab grade-bench`."""

import argparse
import sys
from pathlib import Path

from . import EXERCISES


def add_hidden_visibility(parser):
    from .report import DEFAULT_HIDDEN_VISIBILITY, HIDDEN_VISIBILITIES

    parser.add_argument("--hidden-visibility", choices=HIDDEN_VISIBILITIES, default=DEFAULT_HIDDEN_VISIBILITY,
                        help="when Gradescope shows students the hidden tests (default: after_published)")


def add_grade_arguments(parser):
    parser.add_argument("submissions", help="a folder of submissions (folders or .zip files named by student id), "
                                            "or a Canvas or Moodle download (its folder or zip)")
    parser.add_argument("--out", default="grades", help="output folder (default: grades)")
    parser.add_argument("--workers", type=int, default=1, help="submissions graded in parallel (default 1)")
    parser.add_argument("--exercises", default=",".join(EXERCISES), help="comma-separated (default: all of them)")
    parser.add_argument("--time-limit", type=float, default=300.0, help="wall seconds per exercise (default 300)")
    parser.add_argument("--public-only", action="store_true", help="skip the hidden tests")
    add_hidden_visibility(parser)
    parser.add_argument("--student", metavar="ID", default=None,
                        help="grade only the submission with this id (the others in --out are kept)")
    parser.add_argument("--roster", metavar="CSV", default=None,
                        help="grade submissions under the ids of a roster (columns lms_id, student_id, name)")
    parser.add_argument("--deadline", default=None,
                        help="ISO 8601 date and time (UTC unless it names a zone); later submissions are marked late")
    parser.add_argument("--late-penalty", type=float, default=0.0, metavar="PERCENT",
                        help="percent of the total each day (or part of one) past --deadline costs (default 0)")
    parser.add_argument("--no-progress", action="store_true")


def grade(args):
    from .batch import NoSuchStudent, grade_folder
    from .run import Settings

    exercises = tuple(e.strip() for e in args.exercises.split(",") if e.strip())
    unknown = [e for e in exercises if e not in EXERCISES]
    if unknown:
        print(f"unknown exercise(s): {', '.join(unknown)}", file=sys.stderr)
        return 2
    if not Path(args.submissions).exists():
        print(f"no such folder: {args.submissions}", file=sys.stderr)
        return 2
    from .collect import unrecognised

    loose = unrecognised(args.submissions)
    if loose:
        print(f"no submission recognised in {args.submissions}: it holds {len(loose)} file(s) ({', '.join(loose[:3])}"
              f"{', ...' if len(loose) > 3 else ''}) but no folder or .zip per student, named by the student id, "
              "and no exercise module named as expected", file=sys.stderr)
        return 2
    from .canary import CanaryFailed
    from .isolation import describe
    from .lms import BundleError

    settings = Settings(exercises=exercises, time_limit=args.time_limit, hidden=not args.public_only,
                        hidden_visibility=args.hidden_visibility)
    from .late import DeadlineError, parse_deadline
    from .roster import RosterError, load

    try:
        roster = load(args.roster) if args.roster else None
        deadline = parse_deadline(args.deadline) if args.deadline else None
        if args.late_penalty and deadline is None or not 0 <= args.late_penalty <= 100:
            raise DeadlineError("--late-penalty takes a percent from 0 to 100, and needs --deadline")
    except (RosterError, DeadlineError) as error:
        print(error, file=sys.stderr)
        return 2
    warnings = []
    try:
        results = grade_folder(args.submissions, args.out, workers=args.workers, settings=settings,
                               progress=not args.no_progress, student=args.student, warnings=warnings,
                               roster=roster, deadline=deadline, late_per_day=args.late_penalty)
    except (NoSuchStudent, BundleError) as refusal:
        print(refusal, file=sys.stderr)
        return 2
    except CanaryFailed as refusal:
        print(f"\nmfalab grade refused to grade: {refusal}", file=sys.stderr)
        return 3
    for line in [*describe(settings.protections or ()), *warnings]:
        print(f"warning: {line}", file=sys.stderr)
    print(f"graded {len(results)} submission(s): {Path(args.out) / 'gradebook.csv'}, "
          f"{Path(args.out) / 'summary.md'}, students/<student>/results.json (isolation: {settings.mode})")
    return 0


def release(args):
    from .release import build_release

    folder, archive = build_release(args.out, notebooks=args.notebooks)
    print(f"student release: {folder} and {archive}")
    return 0


def export(args):
    from .export import ExportError
    from .export import export as write

    try:
        done = write(args.grades, args.out, args.format, args.assignment)
    except ExportError as error:
        print(error, file=sys.stderr)
        return 2
    print(f"{args.format} export of {done.count} student(s): {args.out}")
    if done.left_out:
        print(done.warning(), file=sys.stderr)
    return 0


def autograder(args):
    from .autograder import build_autograder

    print(f"Gradescope autograder: {build_autograder(args.out, hidden_visibility=args.hidden_visibility)}")
    return 0


def bench(args):
    from .bench import main as run_bench

    return run_bench(args)


def add_subcommands(commands):
    """Wire the instructor commands into `mfalab`'s sub-command parser."""
    grading = commands.add_parser("grade", help="grade a folder of submissions (gradebook, results.json, summary)")
    add_grade_arguments(grading)
    grading.set_defaults(run=grade)
    releasing = commands.add_parser("release", help="build the student edition (folder and zip)")
    releasing.add_argument("--out", default="dist/release")
    releasing.add_argument("--no-notebooks", dest="notebooks", action="store_false",
                           help="keep the kit's stored notebook outputs instead of running the notebooks in the release")
    releasing.set_defaults(run=release)
    exporting = commands.add_parser("export", help="write the gradebook in a layout Canvas or Moodle imports")
    exporting.add_argument("grades", help="an output folder of mfalab grade")
    exporting.add_argument("--format", choices=("canvas", "moodle"), required=True)
    exporting.add_argument("--assignment", default=None, help='Canvas: the assignment\'s header in Canvas\'s gradebook export, "Name (id)"')
    exporting.add_argument("--out", required=True, help="the CSV file to write")
    exporting.set_defaults(run=export)
    zipping = commands.add_parser("autograder", help="build the Gradescope autograder zip")
    zipping.add_argument("--out", default="dist/autograder.zip")
    add_hidden_visibility(zipping)
    zipping.set_defaults(run=autograder)
    benching = commands.add_parser("grade-bench", help="time the grader on synthetic submissions")
    from .bench import add_arguments

    add_arguments(benching)
    benching.set_defaults(run=bench)


def main(argv=None):
    """`mfalab-grade SUBMISSIONS --out DIR`: the grading command on its own."""
    parser = argparse.ArgumentParser(prog="mfalab-grade", description="Grade a folder of MFA Lab submissions.")
    add_grade_arguments(parser)
    return grade(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
