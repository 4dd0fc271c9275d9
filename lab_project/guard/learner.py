"""Call a learner's verifier for the lab, so that no answer of theirs can break a sign-in.

`written()` says whether the lab should consult the learner at all: it calls the function
once with harmless arguments and remembers whether it raised NotImplementedError. So the
naive lab's checks run untouched (races included) while an exercise is a stub.

`answer()` returns what the function returned, when it has the right type. Otherwise:

- NotWritten: the function is missing or raises NotImplementedError; the lab runs the
  naive check instead (and says so once);
- Refused: the function raised one of the contract's own refusals (e.g. OriginMismatch);
- Broken: it raised anything else, returned the wrong type, or did not answer within
  settings.LAB_EXERCISE_TIMEOUT seconds. The lab refuses that sign-in with a clear
  message and logs one line naming the exercise. It never accepts, and never answers 500.
"""

import functools
import logging
import threading

from django.conf import settings

from lab_project.mfa.exercise_code import implementation, say_once

log = logging.getLogger("lab")


class NotWritten(Exception):
    pass


class Refused(Exception):
    pass


class Broken(Exception):
    def __init__(self, exercise, name):
        super().__init__(f"This sign-in was refused: the lab's check ({exercise} {name}()) failed. "
                         "The lab's log says why.")


def _run(function, kwargs, timeout):
    """(returned, raised) of function(**kwargs), or None when it did not finish in time."""
    box = []

    def target():
        try:
            box.append((function(**kwargs), None))
        except BaseException as error:  # noqa: BLE001 (whatever the learner's code raises)
            box.append((None, error))

    worker = threading.Thread(target=target, name="learner-verifier", daemon=True)
    worker.start()
    worker.join(timeout)
    return box[0] if box else None


@functools.cache
def _written(function, probe):
    outcome = _run(function, dict(probe), settings.LAB_EXERCISE_TIMEOUT)
    return outcome is None or not isinstance(outcome[1], NotImplementedError)


def written(exercise, name, **probe):
    """False while the learner's `name` is missing or raises NotImplementedError."""
    function = implementation(exercise, name)
    if function is None or not _written(function, tuple(sorted(probe.items()))):
        say_once(f"{exercise}: {name}() is not implemented yet; the lab runs the naive version.")
        return False
    return True


def answer(exercise, name, *, valid, refusals=(), **kwargs):
    """The learner's `name`(**kwargs) when valid(result) holds; see the module's docstring."""
    function = implementation(exercise, name)
    if function is None:
        raise NotWritten
    outcome = _run(function, kwargs, settings.LAB_EXERCISE_TIMEOUT)
    if outcome is None:
        problem = f"did not answer within {settings.LAB_EXERCISE_TIMEOUT:g} s"
    else:
        result, error = outcome
        if isinstance(error, NotImplementedError):
            say_once(f"{exercise}: {name}() is not implemented yet; the lab runs the naive version.")
            raise NotWritten
        if error is not None and isinstance(error, refusals):
            raise Refused(f"{type(error).__name__}: {error}")
        if error is None and valid(result):
            return result
        problem = (f"raised {type(error).__name__}: {error}" if error is not None
                   else f"returned {type(result).__name__} {result!r:.60}")
    log.warning("%s: %s() %s; the lab refused that sign-in.", exercise, name, problem)
    raise Broken(exercise, name)
