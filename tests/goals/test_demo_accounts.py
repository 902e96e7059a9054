"""Demo accounts log in only while DEMO is on, and `check --deploy` reports them
in a database that runs without it."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse

from accounts.auth import is_demo_account
from accounts.checks import demo_accounts_off_the_demo

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.fixture
def demo_users(db, settings):
    settings.DEMO = True
    call_command("load_demo", "--year", "2026")
    settings.DEMO = False


def _login(client, username: str):
    return client.post(reverse("login"), {"username": username, "password": "demo"})


def test_load_demo_marks_its_accounts(demo_users):
    assert is_demo_account(User.objects.get(username="tjansteperson"))


def test_a_demo_account_is_refused_with_a_swedish_reason_when_demo_is_off(client, demo_users):
    response = _login(client, "tjansteperson")
    assert response.status_code == 200
    assert "Demokonton kan inte logga in" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_every_backend_path_refuses_a_demo_account_when_demo_is_off(demo_users, settings):
    assert authenticate(username="tjansteperson", password="demo") is None
    settings.DEMO = True
    assert authenticate(username="tjansteperson", password="demo") is not None


def test_a_demo_account_logs_in_when_demo_is_on_even_with_debug_off(client, demo_users, settings):
    settings.DEMO, settings.DEBUG = True, False
    response = _login(client, "tjansteperson")
    assert response.status_code == 302
    assert client.session["_auth_user_id"]


def test_an_ordinary_account_is_not_touched_by_the_demo_switch(client, councillor, settings):
    settings.DEMO = False
    response = client.post(reverse("login"), {"username": "councillor", "password": "pw"})
    assert response.status_code == 302


def test_the_deploy_check_reports_demo_accounts_only_when_demo_is_off(demo_users, settings):
    errors = demo_accounts_off_the_demo()
    assert [error.id for error in errors] == ["accounts.E001"]
    assert "tjansteperson" in errors[0].msg
    settings.DEMO = True
    assert demo_accounts_off_the_demo() == []


def _manage(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_check_deploy_with_production_settings_fails_on_a_database_with_demo_accounts(tmp_path):
    dropped = {"DEBUG", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "DEMO"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(
        SECRET_KEY="p9Zq-" + "x7Yb_Kc2Lm4Nv6Rt8Wq0Es3Ud5Fg1Hj" * 2,
        ALLOWED_HOSTS="styr.example.se",
        SQLITE_PATH=str(tmp_path / "db.sqlite3"),
    )
    assert _manage(env, "migrate", "--noinput").returncode == 0
    clean = _manage(env, "check", "--deploy", "--fail-level", "WARNING")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    loaded = _manage({**env, "DEMO": "1"}, "load_demo", "--year", "2026")
    assert loaded.returncode == 0, loaded.stderr
    reported = _manage(env, "check", "--deploy")
    assert reported.returncode != 0
    assert "accounts.E001" in reported.stderr + reported.stdout
    assert _manage({**env, "DEMO": "1"}, "check", "--deploy").returncode == 0
