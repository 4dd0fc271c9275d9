"""The sandbox worker: imports one learner module and answers calls as plain data.

Run by mfalab.sandbox.proxy, never by hand:  python -I -m mfalab.sandbox.worker FILE NAME [TIMED_OUT]
TIMED_OUT names the module's functions that ran out of time before (comma-separated): they
are replaced by ones that fail at once, so a function that calls them (totp calling a
looping hotp) costs no second time limit.
Requests and answers are JSON lines on a private copy of stdin/stdout; the learner's
own prints go to a capped file (the descriptor it was given as stderr), so they can never be mistaken for an answer.
"""

import sys
import traceback

from mfalab.sandbox import references, wire
from mfalab.sandbox.child import isolate_stdio


def failure(error):
    """An exception as plain data: type name, message, the last frames."""
    return {"type": type(error).__name__, "message": str(error)[:2000],
            "where": "".join(traceback.format_exception(error, limit=-3))[-2000:]}


def import_file(path, name):
    """Import the module at `path` as `name` (this runs the learner's top-level code)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def fail_at_once(fn):
    def timed_out_earlier(*args, **kwargs):
        raise TimeoutError(f"{fn}() timed out earlier; it is not called again.")

    return timed_out_earlier


def main():
    path, name = sys.argv[1], sys.argv[2]
    timed_out = [fn for fn in (sys.argv[3] if len(sys.argv) > 3 else "").split(",") if fn]
    requests, answers = isolate_stdio()
    references.block()

    def answer(message):
        answers.write(wire.dumps(message))
        answers.flush()

    try:
        module = import_file(path, name)
    except BaseException as error:  # noqa: BLE001 (SystemExit at import is a broken module too)
        answer({"ready": False, "error": failure(error)})
        return
    for fn in timed_out:
        if callable(getattr(module, fn, None)):
            setattr(module, fn, fail_at_once(fn))
    answer({"ready": True})

    for line in requests:
        request = wire.loads(line)
        reply = {"id": request["id"]}
        try:
            function = getattr(module, request["fn"], None)
            if not callable(function):
                raise AttributeError(f"{name} has no function {request['fn']}()")
            result = function(*wire.decode(request["args"]), **wire.decode(request["kwargs"]))
            reply["ok"] = wire.encode(result)
        except BaseException as error:  # noqa: BLE001 (report sys.exit() in a function as an error)
            reply["error"] = failure(error)
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        answer(reply)


if __name__ == "__main__":
    main()
