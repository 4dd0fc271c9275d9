"""Which exercise code the lab runs, and the naive behaviour it falls back to.

settings.LAB_CODE picks the source: "exercises" (the learner's modules), "solutions"
(the reference), "naive" (no exercise code at all) or a submission folder (flat, or
with an exercises/ folder inside). A module that is missing, does not import, or raises
NotImplementedError never breaks the lab: the lab logs one line and behaves like the
naive tutorial setup instead.
"""

import functools
import importlib
import importlib.util
import logging
import sys
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required

from . import freshness
from .exercise_names import EXERCISES, MODULES  # noqa: F401  (EXERCISES: for importers)

log = logging.getLogger("lab")

_said = set()


def say_once(message):
    """Log a message about the lab's fallbacks once per process."""
    if message not in _said:
        _said.add(message)
        log.warning(message)


def submission_file(folder, exercise):
    """The path of an exercise module inside a submission folder, or None."""
    name = MODULES[exercise] + ".py"
    for candidate in (Path(folder) / name, Path(folder) / "exercises" / name):
        if candidate.is_file():
            return candidate
    return None


@functools.cache
def load(exercise):
    """The module for `exercise` from the configured source, or None (naive lab)."""
    source = settings.LAB_CODE
    if source == "naive":
        return None
    try:
        if source in ("exercises", "solutions"):
            return freshness.remember(importlib.import_module(f"{source}.{MODULES[exercise]}"))
        path = submission_file(source, exercise)
        if path is None:
            say_once(f"{exercise}: no {MODULES[exercise]}.py in {source}; the lab runs the naive version.")
            return None
        name = f"submission_{MODULES[exercise]}"
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
        return freshness.remember(module)
    except Exception as error:  # a broken module must not take the lab down
        say_once(f"{exercise}: {MODULES[exercise]} did not import ({type(error).__name__}: {error}); "
                 "the lab runs the naive version.")
        return None


def current(exercise):
    """load(exercise), with the learner's latest edit where that is safe (see freshness)."""
    module = load(exercise)
    if not freshness.changed(module):
        return module
    if exercise not in freshness.RELOADABLE:
        say_once(f"{exercise}: {MODULES[exercise]}.py changed since the lab started; restart the kernel "
                 "(or the server) to run your edit.")
        return module
    try:
        return freshness.fresh(module)
    except Exception as error:  # a half-written edit: keep running the last version that imported
        say_once(f"{exercise}: your edit of {MODULES[exercise]}.py does not import ({type(error).__name__}: "
                 f"{error}); the lab keeps the version it loaded before.")
        freshness.remember(module)
        return module


def implementation(exercise, name):
    """The learner's function or class `name`, or None when the module lacks it."""
    return getattr(current(exercise), name, None)


def call(exercise, name, *args, fallback, **kwargs):
    """Call the exercise's `name`; on NotImplementedError (or absence) call `fallback`."""
    function = implementation(exercise, name)
    if function is not None:
        try:
            return function(*args, **kwargs)
        except NotImplementedError:
            say_once(f"{exercise}: {name}() is not implemented yet; the lab runs the naive version.")
    return fallback(*args, **kwargs)


# Exercise 2 -------------------------------------------------------------------------

SENSITIVE_VIEWS = []


def sensitive(view):
    """Protect a sensitive view as exercise 2 says; naive: a password login is enough."""
    SENSITIVE_VIEWS.append(view)
    return call("ex02", "require_mfa", view, fallback=login_required)


def secure_admin(site):
    """Let exercise 2 harden the admin site; naive: the admin only needs staff status."""
    call("ex02", "secure_admin", site, fallback=lambda site: None)
    return site
