"""Another user of the machine reaches no learner's lab: not a served lab, not a check's lab server.

Run as root (CI is): the client runs as `nobody` with the system's Python and urllib only.
"""

import os
import shutil
import subprocess

import pytest

NOBODY = 65534
FETCH = """
import sys, urllib.request, urllib.error
try:
    with urllib.request.urlopen(sys.argv[1], timeout=10) as answer:
        print("status", answer.status)
except urllib.error.HTTPError as error:
    print("status", error.code)
except Exception as error:
    print("refused", type(error).__name__)
"""

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="switching to another uid needs root")


def fetch_as(uid, url):
    python = shutil.which("python3", path="/usr/bin:/bin") or "python3"
    done = subprocess.run([python, "-I", "-c", FETCH, url], capture_output=True, text=True, timeout=30,
                          user=uid, cwd="/")
    return done.stdout.strip() or done.stderr.strip()[-300:]


def test_another_uid_cannot_open_a_served_lab(lab):
    with lab.serve() as server:
        assert fetch_as(0, server.url + "/rates/") == "status 200"  # the test can see the lab
        assert fetch_as(NOBODY, server.url + "/rates/").startswith("refused")
        assert fetch_as(NOBODY, server.url + "/account/login/").startswith("refused")


def test_another_uid_cannot_open_a_checks_lab_server(solutions_lab):
    url = solutions_lab.url
    if not url.startswith("http"):
        pytest.skip("the check's lab server listens on no TCP port at all")
    assert fetch_as(0, url + "/rates/") == "status 200"
    assert fetch_as(NOBODY, url + "/rates/").startswith("refused")
