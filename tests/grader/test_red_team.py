"""The red team's attacks on `mfalab grade` run as root (issue 15), in one real batch.

The batch runs through the command line, as an instructor runs it (its command line
names the submissions folder), with one worker, so that every submission after the
fork chain shares its worker slot. Each test checks that one hole stays closed: the
attacker gets what its work earns, the victims get full marks, nothing leaks or is
overwritten, and every submission gets a row.
"""

import csv
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import attackers as a
import pytest

from mfalab.sandbox import uids

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(os.geteuid() != 0, reason="the attacks target a grader running as root")]
GRADE = Path(sys.executable).with_name("mfalab-grade")
FULL = {"ex01": 20, "ex02": 20}


class Listener:
    """A TCP service on the host's loopback (what another student's lab server is): counts connections."""

    def __init__(self):
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(64)
        self.port = self.socket.getsockname()[1]
        self.accepted = 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                connection, _ = self.socket.accept()
            except OSError:
                return
            self.accepted += 1
            connection.close()


def _as_uid(uid, command):
    def become():
        os.setgid(uid)
        os.setuid(uid)

    return subprocess.Popen(command, preexec_fn=become, start_new_session=True)


@pytest.fixture(scope="module")
def attack():
    root = Path(tempfile.mkdtemp(prefix="mfalab-red-team-"))  # as an instructor's folder: others may read
    try:
        yield _attack(root)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _attack(root):
    root.chmod(0o755)
    folder, out, reports = root / "submissions", root / "grades", root / "reports"
    reports.mkdir(mode=0o777)
    reports.chmod(0o777)
    secret, victim = root / "secret.txt", root / "victim.txt"
    secret.write_text(f"SECRET-{secrets.token_hex(8)}")
    secret.chmod(0o600)
    victim.write_text("VICTIM-ORIGINAL")
    victim.chmod(0o644)
    token = secrets.token_hex(6)
    service = Listener()
    cases = {
        "a-forker": a.fork_chain(reports), "b-correct": a.correct(), "c-copier": a.copier(),
        "d-leaker": a.output_leaker(secret), "e-swapper": a.database_swapper(victim),
        "f-scanner": a.port_scanner(reports, service.port), "g-borrower": a.borrower(),
        "h-hidden-only": a.hidden_only_failure(), "i-shm": a.shm_writer(token), "j-uid": a.uid_reporter(reports),
        "l-catalog": a.catalog_reader(),
        "-1+1": a.correct(), "@SUM(1)": a.correct(), "gradebook.csv": a.correct(), "summary.md": a.correct(),
        "x y": a.correct(), "x_y": a.correct(), "x?y": a.correct(),
    }
    for student, files in cases.items():
        (folder / student).mkdir(parents=True)
        for name, source in files.items():
            (folder / student / name).write_text(source)
    (folder / "k-link").symlink_to(folder / "b-correct")
    for path in folder.rglob("*"):
        if not path.is_symlink():
            path.chmod(0o755 if path.is_dir() else 0o644)
    folder.chmod(0o755)
    with uids.allocate() as other_grader:  # another grader on this host, running meanwhile
        neighbour = _as_uid(other_grader[0], ["sleep", "600"])
        try:
            done = subprocess.run([str(GRADE), str(folder), "--out", str(out), "--exercises", "ex01,ex02",
                                   "--time-limit", "90", "--workers", "1", "--no-progress"],
                                  capture_output=True, text=True, timeout=1500)
            neighbour_alive = neighbour.poll() is None
        finally:
            neighbour.kill()
            neighbour.wait()
        held = list(other_grader)
    beat = reports / "heartbeat.txt"
    size = beat.stat().st_size if beat.exists() else 0
    time.sleep(2)
    return {"done": done, "out": out, "reports": reports, "secret": secret.read_text(), "victim": victim,
            "token": token, "service": service, "neighbour_alive": neighbour_alive, "held": held,
            "beat_before": size, "beat_after": beat.stat().st_size if beat.exists() else 0,
            "rows": {row["student"]: row for row in csv.DictReader(open(out / "gradebook.csv"))}}


def results(attack, student):
    return json.loads((attack["out"] / "students" / student / "results.json").read_text())


def points(attack, student, exercise):
    return float(attack["rows"][student][exercise])


def everything_visible(attack):
    """Every file the batch wrote, as text."""
    return "\n".join(p.read_text(errors="replace") for p in attack["out"].rglob("*") if p.is_file()
                     and p.suffix in (".json", ".csv", ".md"))


def test_the_batch_completes_with_a_row_for_every_submission(attack):
    assert attack["done"].returncode == 0, attack["done"].stderr[-3000:]
    expected = {"a-forker", "b-correct", "c-copier", "d-leaker", "e-swapper", "f-scanner", "g-borrower",
                "h-hidden-only", "i-shm", "j-uid", "l-catalog", "'-1+1", "'@SUM_1_", "gradebook.csv", "summary.md",
                "x_y", "x_y-2", "x_y-3", "k-link"}
    assert set(attack["rows"]) == expected


def test_hole_1_a_linked_output_file_leaks_nothing(attack):
    assert attack["secret"] not in everything_visible(attack)
    assert points(attack, "d-leaker", "ex02") == 0


def test_hole_2_a_linked_database_is_never_written_through(attack):
    assert attack["victim"].read_text() == "VICTIM-ORIGINAL"
    assert points(attack, "b-correct", "ex02") == FULL["ex02"]


def test_hole_3_a_classmate_cannot_be_copied(attack):
    assert points(attack, "c-copier", "ex01") == 0


def test_hole_4_a_fork_chain_dies_with_its_sandbox_and_forks_are_limited(attack):
    assert points(attack, "b-correct", "ex01") == FULL["ex01"]  # graded next, in the same worker slot
    assert attack["beat_after"] == attack["beat_before"], "the chain still runs after the batch"
    assert int((attack["reports"] / "forks.txt").read_text()) < 150


def test_hole_5_no_sandbox_reaches_a_port_on_the_hosts_loopback(attack):
    assert attack["service"].accepted == 0
    assert (attack["reports"] / "scanner.txt").read_text() == ""  # it ran, and reached nothing
    assert points(attack, "f-scanner", "ex02") == FULL["ex02"]  # its own lab still works


def test_hole_6_a_hidden_failure_shows_nowhere_a_student_sees(attack):
    got = results(attack, "h-hidden-only")
    ex01 = [t for t in got["tests"] if t["name"].startswith("ex01: ")]
    hidden = [t for t in ex01 if t["visibility"] == "after_published" and t["status"] == "failed"]
    assert hidden and not [t for t in ex01 if t["visibility"] == "visible" and t["status"] == "failed"]
    visible = got["output"] + "".join(t["output"] + t["name"] for t in got["tests"] if t["visibility"] == "visible")
    visible += attack["rows"]["h-hidden-only"]["status"]
    for test in hidden:
        said = test["output"].removeprefix("What went wrong: ")[:40]
        assert "4294967301" not in visible and test["name"] not in visible and said not in visible


def test_the_grader_list_of_hidden_tests_is_out_of_reach(attack):
    got = results(attack, "l-catalog")
    hidden = {t["number"] for t in got["tests"] if t["visibility"] == "after_published"}
    visible = got["output"] + "".join(t["output"] for t in got["tests"] if t["visibility"] == "visible")
    assert "found:" in visible  # the reader ran and reported what it found
    assert not [name for name in hidden if name in visible]


def test_hole_7_no_cell_of_the_gradebook_starts_like_a_formula(attack):
    text = (attack["out"] / "gradebook.csv").read_text()
    for row in csv.reader(text.splitlines()):
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell


def test_hole_8_colliding_ids_and_batch_file_names_each_get_their_own_results(attack):
    for student in ("x_y", "x_y-2", "x_y-3", "gradebook.csv", "summary.md"):
        assert results(attack, student)["score"] == FULL["ex01"] + FULL["ex02"]
    assert (attack["out"] / "summary.md").read_text().startswith("# Grading summary")


def test_hole_9_the_kits_reference_scores_nothing(attack):
    assert points(attack, "g-borrower", "ex01") == 0


def test_hole_11_no_leftovers_and_no_shared_uids(attack):
    assert not list(Path("/dev/shm").glob(f"mfalab-redteam-{attack['token']}"))
    assert points(attack, "i-shm", "ex01") == FULL["ex01"]
    assert int((attack["reports"] / "uid.txt").read_text()) not in attack["held"]
    assert attack["neighbour_alive"], "the grader killed a process of another grader's sandbox uid"


def test_hole_12_a_linked_submission_gets_a_row_that_says_so(attack):
    assert attack["rows"]["k-link"]["total"] == "0"
    assert "link" in attack["rows"]["k-link"]["status"]


def test_hole_10_an_unreachable_tmpdir_is_refused_with_the_cause(tmp_path):
    closed = tmp_path / "closed"
    (closed / "tmp").mkdir(parents=True)
    closed.chmod(0o700)
    folder = tmp_path / "submissions"
    (folder / "ana").mkdir(parents=True)
    (folder / "ana" / "ex01_totp.py").write_text(a.REFERENCE_EX01)
    env = dict(os.environ, TMPDIR=str(closed / "tmp"))
    done = subprocess.run([str(GRADE), str(folder), "--out", str(tmp_path / "out"), "--exercises", "ex01",
                           "--no-progress"], capture_output=True, text=True, timeout=600, env=env)
    assert done.returncode != 0
    assert "TMPDIR" in done.stderr and str(closed) in done.stderr
    assert not (tmp_path / "out" / "gradebook.csv").exists()
    shutil.rmtree(closed, ignore_errors=True)
