"""Django's own checks, the settings, and the lab's answers to bad input."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

import mfalab
from mfalab.lab import LabError
from mfalab.liveserver import PortInUse

REPO = Path(__file__).resolve().parents[2]


def manage(*args, settings="lab_project.settings", **env):
    environment = dict(os.environ, DJANGO_SETTINGS_MODULE=settings, MFALAB_CODE="naive")
    environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by boot() for notebooks only
    environment.update(env)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=REPO, env=environment,
                          capture_output=True, text=True)


def test_manage_check_is_clean():
    done = manage("check", "--fail-level", "WARNING")
    assert done.returncode == 0, done.stderr
    assert "no issues" in done.stdout


def test_check_deploy_is_clean_with_production_settings():
    done = manage("check", "--deploy", "--fail-level", "WARNING", settings="lab_project.settings_production")
    assert done.returncode == 0, done.stderr
    assert "no issues" in done.stdout


def test_a_submission_folder_that_does_not_exist_is_a_clear_error():
    with pytest.raises(LabError, match="is not a folder"):
        mfalab.boot("/no/such/submission")
    done = manage("check", MFALAB_CODE="/no/such/submission")
    assert done.returncode != 0 and "MFALAB_CODE='/no/such/submission' is not a folder" in done.stderr


def test_booting_again_returns_the_same_lab_reset(lab):
    lab.login("alice").post("/transfer/", {})
    from lab_project.bank.models import Account

    Account.objects.filter(number="40000001").update(balance=1)
    again = mfalab.boot("naive")
    assert again is lab
    assert lab.account("alice").balance == 2500


def test_booting_with_other_code_in_the_same_process_says_restart(lab):
    with pytest.raises(LabError, match="restart the kernel"):
        mfalab.boot("solutions")


def test_a_taken_port_is_a_clear_error(lab):
    with lab.serve() as server:
        with pytest.raises(PortInUse, match="already in use"):
            lab.serve(server.port)


def test_prepare_keeps_a_database_from_an_older_run(tmp_path):
    env = dict(os.environ, MFALAB_VAR=str(tmp_path))
    run = [sys.executable, "-m", "mfalab", "prepare"]
    first = subprocess.run(run, cwd=REPO, env=env, capture_output=True, text=True)
    assert first.returncode == 0 and "lab ready" in first.stdout
    again = subprocess.run(run, cwd=REPO, env=env, capture_output=True, text=True)
    assert "(unchanged)" in again.stdout
    (tmp_path / "lab.sqlite3.template").write_text("template-older.sqlite3")
    third = subprocess.run(run, cwd=REPO, env=env, capture_output=True, text=True)
    assert "your old database is kept" in third.stdout
    assert len(list(tmp_path.glob("lab-*.sqlite3"))) == 1


def test_is_otp_view_sees_through_a_script_prefix(lab):
    """Behind a proxy `next` carries the prefix; two_factor must still recognise the view."""
    from django.contrib import admin
    from django.urls import set_script_prefix
    from two_factor.admin import AdminSiteOTPRequired
    from two_factor.views.mixins import OTPRequiredMixin

    plain = admin.site.__class__
    admin.site.__class__ = AdminSiteOTPRequired
    try:
        assert OTPRequiredMixin.is_otp_view("/admin/")
        set_script_prefix("/user/learner/mfalab/")
        assert OTPRequiredMixin.is_otp_view("/user/learner/mfalab/admin/")
        assert not OTPRequiredMixin.is_otp_view("/user/learner/mfalab/rates/")
    finally:
        set_script_prefix("/")
        admin.site.__class__ = plain


def test_http_client_keeps_a_prefix_and_sends_the_origin_only():
    from mfalab.client import HttpClient

    client = HttpClient("http://localhost:8888/user/learner/mfalab")
    assert client.origin == "http://localhost:8888"
    assert client._url("/dashboard/") == "http://localhost:8888/user/learner/mfalab/dashboard/"
    assert client._url("/user/learner/mfalab/account/login/") == "http://localhost:8888/user/learner/mfalab/account/login/"
