"""The instructor's grader: a folder of submissions in, a gradebook and reports out.

    mfalab grade SUBMISSIONS --out RESULTS [--workers 2]

- collect: find submissions (folders or .zip files) and stage their modules safely;
- run: grade each exercise of each submission with the graded tests in a separate
  pytest process; the learner's code only ever runs in sandbox grandchildren (as an
  unprivileged user, with the hidden tests and solutions out of reach, when root);
- report: gradebook CSV, Gradescope results.json per submission, class summary;
- release / autograder: the student edition and the Gradescope autograder zip.
"""

from lab_project.mfa.exercise_names import EXERCISES  # noqa: F401  (one list for the kit)
