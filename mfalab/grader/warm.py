"""A pre-warmed pytest launcher: imports the kit once, then forks one pytest run per request.

    python -m mfalab.grader.warm        (started by mfalab.grader.run, one per worker)

Starting Python, pytest, Django and the kit costs seconds per run; forking a process that
already imported them costs milliseconds. This process never runs learner code, and
neither do its children: they run the graded tests, which reach the learner's code only
through mfalab.sandbox (separate processes, limits, an unprivileged uid when root).

Protocol (JSON lines): request {"args", "env", "cwd", "log"} -> {"pid": N}, then {"exit": code}.
"""

import json
import os
import sys

from ..forked_pytest import become_run, preload

TEST_MEMORY = 4 * 1024 ** 3  # address space of a graded test run

EXTRA = ["_pytest.junitxml", "_pytest.doctest", "_pytest.unittest", "mfalab.grader.catalog",
         "cryptography.hazmat.primitives.asymmetric.ec"]


def limit_memory():
    """A lab server is learner code: an endless answer must not take the host's memory."""
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (TEST_MEMORY, TEST_MEMORY))


def serve():
    answers = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)  # stray prints of imported modules must not pass for answers
    preload(EXTRA)
    answers.write(json.dumps({"ready": True}) + "\n")
    answers.flush()
    for line in sys.stdin:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            become_run(request, before=limit_memory, failure=99, label="warm child")
        answers.write(json.dumps({"pid": pid}) + "\n")
        answers.flush()
        _, status = os.waitpid(pid, 0)
        answers.write(json.dumps({"exit": os.waitstatus_to_exitcode(status)}) + "\n")
        answers.flush()


if __name__ == "__main__":
    serve()
