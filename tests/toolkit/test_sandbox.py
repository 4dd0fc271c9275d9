"""The sandbox: learner code runs in another process and only plain data comes back."""

import textwrap

import pytest

from mfalab.sandbox import Sandbox, SandboxCrashed, SandboxError, SandboxTimeout, StudentError
from mfalab.sandbox.limits import Limits

MODULE = '''
import os, sys, time

def echo(*args, **kwargs):
    return [list(args), kwargs]

def add_bytes(a, b):
    return a + b

def fails():
    raise ValueError("bad secret")

def stub():
    raise NotImplementedError("write me")

def loops():
    while True:
        pass

def calls_loops():
    return loops()

def sleeps():
    time.sleep(60)

def floods():
    print("x" * 50_000_000)
    return "survived"

def chatty():
    print('{"id": 99, "ok": "forged"}')
    return "real"

class Anything:
    def __eq__(self, other):
        return True

def equals_everything():
    return Anything()

def str_subclass():
    class Sneaky(str):
        def __eq__(self, other):
            return True
    return Sneaky("x")

def exits():
    sys.exit(0)

def hard_exit():
    os._exit(0)

def eats_memory():
    return len(bytearray(4 * 1024 ** 3))
'''


@pytest.fixture
def folder(tmp_path):
    def make(source):
        (tmp_path / "ex01_totp.py").write_text(textwrap.dedent(source))
        return str(tmp_path)

    return make


@pytest.fixture
def sandbox(folder):
    with Sandbox("ex01", folder(MODULE), timeout=3, limits=Limits(cpu_seconds=10, memory_mb=512)) as box:
        yield box


def test_plain_data_and_bytes_cross(sandbox):
    assert sandbox.echo(1, "two", None, [3.5], key={"k": True}) == [[1, "two", None, [3.5]], {"key": {"k": True}}]
    assert sandbox.add_bytes(b"\x00\xff", b"!") == b"\x00\xff!"


def test_an_exception_comes_back_with_its_type_and_message(sandbox):
    with pytest.raises(StudentError) as caught:
        sandbox.fails()
    assert caught.value.type_name == "ValueError" and caught.value.message == "bad secret"
    with pytest.raises(StudentError) as caught:
        sandbox.stub()
    assert caught.value.not_implemented


def test_objects_that_equal_everything_never_cross(sandbox):
    for name in ("equals_everything", "str_subclass"):
        with pytest.raises(StudentError) as caught:
            sandbox.call(name)
        assert caught.value.type_name == "NotPlainData"


def test_an_endless_loop_times_out_and_the_next_call_works(sandbox):
    with pytest.raises(SandboxTimeout):
        sandbox.loops()
    assert sandbox.echo(1) == [[1], {}]


def test_a_function_that_timed_out_is_not_called_again(sandbox):
    """One time limit per learner function: later calls fail at once, other functions still run."""
    with pytest.raises(SandboxTimeout, match="took longer"):
        sandbox.loops()
    with pytest.raises(SandboxTimeout, match=r"loops\(\) timed out earlier"):
        sandbox.loops()
    assert sandbox.echo(2) == [[2], {}]


def test_a_function_that_calls_one_that_timed_out_fails_at_once(sandbox):
    """totp() calling a looping hotp() costs no second time limit: the call fails inside the
    worker with "timed out earlier" (a second limit would raise SandboxTimeout instead)."""
    with pytest.raises(SandboxTimeout):
        sandbox.loops()
    with pytest.raises(StudentError, match=r"loops\(\) timed out earlier"):
        sandbox.calls_loops()


def test_sleeping_out_the_clock_is_stopped(sandbox):
    with pytest.raises(SandboxTimeout):
        sandbox.sleeps()


def test_printing_cannot_forge_an_answer(sandbox):
    assert sandbox.chatty() == "real"
    assert '"forged"' in sandbox.output


def test_a_flood_of_output_is_capped(sandbox):
    with pytest.raises(StudentError) as caught:
        sandbox.floods()
    assert caught.value.type_name == "OSError"  # RLIMIT_FSIZE: "File too large"


def test_sys_exit_in_a_function_is_an_error_and_os_exit_a_crash(sandbox):
    with pytest.raises(StudentError) as caught:
        sandbox.exits()
    assert caught.value.type_name == "SystemExit"
    with pytest.raises(SandboxCrashed):
        sandbox.hard_exit()
    assert sandbox.echo("again") == [["again"], {}]


def test_memory_is_limited(sandbox):
    with pytest.raises(StudentError) as caught:
        sandbox.eats_memory()
    assert caught.value.type_name == "MemoryError"


def test_the_worker_runs_in_a_throwaway_directory(folder):
    path = folder("import os\ndef where():\n    return os.getcwd()\n")
    with Sandbox("ex01", path) as box:
        assert "mfalab-sandbox-" in box.where()


@pytest.mark.parametrize("source, kind", [
    ("def broken(:\n", "SyntaxError"),
    ("raise RuntimeError('at import')\n", "RuntimeError"),
    ("import sys\nsys.exit(0)\n", "SystemExit"),
])
def test_a_module_that_does_not_import_says_why(folder, source, kind):
    with pytest.raises(StudentError) as caught:
        Sandbox("ex01", folder(source)).start()
    assert caught.value.type_name == kind


def test_an_endless_loop_at_import_times_out(folder):
    with pytest.raises(SandboxTimeout):
        Sandbox("ex01", folder("while True:\n    pass\n"), timeout=2).start()


def test_os_exit_at_import_is_a_crash(folder):
    with pytest.raises(SandboxCrashed):
        Sandbox("ex01", folder("import os\nos._exit(0)\n")).start()


def test_a_missing_module_is_a_clear_error(tmp_path):
    with pytest.raises(SandboxError, match="No module for ex01"):
        Sandbox("ex01", str(tmp_path)).start()


def test_a_failed_import_is_not_tried_again(folder, tmp_path):
    marker = tmp_path / "imports.txt"
    source = f"with open({str(marker)!r}, 'a') as f:\n    f.write('x')\nwhile True:\n    pass\n"
    box = Sandbox("ex01", folder(source), timeout=2)
    with pytest.raises(SandboxTimeout):
        box.start()
    for _ in range(3):  # every later call gives the same error, without a new worker
        with pytest.raises(SandboxTimeout):
            box.hotp(b"k", 0)
    assert marker.read_text() == "x"


def test_a_lab_server_dies_with_the_process_that_started_it():
    """A test run killed mid-way (or a grader's worker) leaves no lab server behind."""
    import os
    import subprocess
    import sys
    import time

    script = ("import django, time; django.setup()\n"
              "from mfalab.sandbox import SandboxLab\n"
              "lab = SandboxLab('naive').start()\n"
              "print(lab._process.pid, flush=True)\n"
              "time.sleep(120)\n")
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="lab_project.settings_test")
    starter = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, env=env)
    server = int(starter.stdout.readline())
    os.kill(server, 0)  # serving
    starter.kill()
    starter.wait()
    for _ in range(100):
        try:
            state = open(f"/proc/{server}/stat").read().rsplit(")", 1)[1].split()[0]
        except FileNotFoundError:
            return
        if state == "Z":  # dead, waiting for whoever inherited it to reap it
            return
        time.sleep(0.05)
    pytest.fail(f"the lab server {server} outlived the process that started it")


@pytest.mark.parametrize("module", ["totp_math", "webauthn_bytes", "webauthn_verify", "ceremony", "enforcement",
                                    "assertion_cases"])  # the last one imports the parser
def test_learner_code_cannot_import_the_kits_reference_modules(folder, module):
    path = folder(f"def borrow():\n    from mfalab import {module}\n    return 'borrowed'\n")
    with Sandbox("ex01", path) as box, pytest.raises(StudentError) as caught:
        box.borrow()
    assert caught.value.type_name in ("ModuleNotFoundError", "ImportError"), caught.value
    assert "the kit's reference" in str(caught.value) or "cannot import" in str(caught.value), caught.value
