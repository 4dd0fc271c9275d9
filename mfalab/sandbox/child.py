"""What a sandbox child does first: keep a private line to its parent, cap the rest."""

import os
import signal


def isolate_stdio(log_name="output.txt"):
    """Move the parent's pipes to private descriptors; send prints to a capped file.

    Returns (requests, answers) text streams. From then on stdout and stderr go to
    `log_name` in the working directory, so nothing the learner prints can pass for
    an answer, and a flood of output hits RLIMIT_FSIZE as an OSError, not a crash.
    """
    requests = os.fdopen(os.dup(0), "r")
    answers = os.fdopen(os.dup(1), "w")
    capture_output(log_name)
    return requests, answers


def capture_output(log_name="output.txt"):
    """stdin from /dev/null; stdout and stderr to `log_name`, capped by RLIMIT_FSIZE."""
    os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
    log = os.open(log_name, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.dup2(log, 1)
    os.dup2(log, 2)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
