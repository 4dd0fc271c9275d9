"""What a sandbox child does first: keep a private line to its parent, cap the rest."""

import os
import signal


def isolate_stdio():
    """Move the parent's pipes to private descriptors; send prints where stderr goes.

    Returns (requests, answers) text streams. The starter hands the child its output
    file (mfalab.sandbox.box) as stderr; from then on stdout goes there too, so nothing
    the learner prints can pass for an answer, and a flood of output hits RLIMIT_FSIZE
    as an OSError, not a crash.
    """
    requests = os.fdopen(os.dup(0), "r")
    answers = os.fdopen(os.dup(1), "w")
    capture_output()
    return requests, answers


def capture_output(output=2):
    """stdin from /dev/null; stdout and stderr to the open file `output` (a descriptor)."""
    os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
    if output != 1:
        os.dup2(output, 1)
    if output != 2:
        os.dup2(output, 2)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
