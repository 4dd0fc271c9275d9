"""Before every batch, grade the reference solutions through exactly the batch's path.

Same staging, same sandbox uid, same limits, same namespaces, same test runs. Unless
they score full marks, something in this environment would cost every student points
(the sandbox user cannot reach the grader's folders, a namespace misbehaves, the lab
does not start ...): the grader refuses to grade and says why, instead of handing out
zeros that look like grades.
"""

import shutil
from pathlib import Path

from lab_project.mfa.exercise_code import MODULES

from .collect import Submission

REPO = Path(__file__).resolve().parents[2]
NAME = "reference-canary"


class CanaryFailed(RuntimeError):
    """The reference solutions did not score full marks here; the message says why."""


def stage(exercises, staging):
    """The reference modules of `exercises`, staged like a student's submission."""
    folder = Path(staging) / NAME
    folder.mkdir(parents=True, mode=0o700)
    submission = Submission(NAME, REPO / "solutions", staged=folder)
    for exercise in exercises:
        source = REPO / "solutions" / f"{MODULES[exercise]}.py"
        if not source.is_file():
            raise CanaryFailed(f"there is no reference solution for {exercise} ({source}) to check this machine with")
        target = folder / source.name
        shutil.copyfile(source, target)
        submission.modules[exercise] = target
    return submission


def verdict(result, cause_hint=""):
    """None when `result` has full marks, else a message naming the cause."""
    short = [(exercise, r) for exercise, r in result.exercises.items() if r.points < r.max_points or not r.max_points]
    if not short:
        return None
    lines = [f"The reference solutions scored {result.points:g}/{result.max_points:g} through the grading path, "
             "so this machine would cost every student points. Nothing was graded."]
    for exercise, got in short:
        failed = [t for t in got.tests if t["outcome"] != "passed"]
        why = got.note or (failed[0]["message"] if failed else "no graded tests")
        lines.append(f"- {exercise}: {got.points:g}/{got.max_points:g}: {' '.join(str(why).split())[:600]}")
    if cause_hint:
        lines.append(cause_hint)
    return "\n".join(lines)
