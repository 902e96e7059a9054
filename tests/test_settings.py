"""Settings come from the environment and refuse unsafe or malformed values."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _load_settings(**env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
    clean.update(env)
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import kramfors_styr.settings as s; "
            "print(s.DEBUG, s.DATABASES['default']['ENGINE'], s.ALLOWED_HOSTS)",
        ],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        check=False,
    )


def test_secret_key_is_required_when_debug_is_off():
    result = _load_settings()
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_debug_is_off_unless_set():
    result = _load_settings(SECRET_KEY="k" * 50)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("False")


def test_debug_on_runs_without_a_key_for_local_use():
    result = _load_settings(DEBUG="1", DATABASE_URL="")
    assert result.returncode == 0, result.stderr
    assert "True django.db.backends.sqlite3" in result.stdout


def test_malformed_boolean_is_refused():
    result = _load_settings(DEBUG="maybe", SECRET_KEY="k" * 50)
    assert result.returncode != 0
    assert "DEBUG must be a boolean" in result.stderr


def test_balance_unit_other_than_kr_or_tkr_is_refused():
    result = _load_settings(BALANCE_UNIT="mnkr", SECRET_KEY="k" * 50)
    assert result.returncode != 0
    assert 'BALANCE_UNIT must be "kr" or "tkr"' in result.stderr


def test_database_url_selects_postgresql():
    result = _load_settings(SECRET_KEY="k" * 50, DATABASE_URL="postgres://u:p@db.example:5432/styr")
    assert result.returncode == 0, result.stderr
    assert "django.db.backends.postgresql" in result.stdout


def test_allowed_hosts_from_a_comma_separated_list():
    result = _load_settings(SECRET_KEY="k" * 50, ALLOWED_HOSTS="a.example, b.example")
    assert "['a.example', 'b.example']" in result.stdout


def test_follow_up_rules_are_checked():
    result = _load_settings(SECRET_KEY="k" * 50, GOAL_SUGGESTION_RULE="majority")
    assert result.returncode != 0
    assert "GOAL_SUGGESTION_RULE must be one of share_met, threshold, weakest_link" in result.stderr
    result = _load_settings(SECRET_KEY="k" * 50, INDICATOR_PARTLY_MET_MARGIN="150")
    assert "INDICATOR_PARTLY_MET_MARGIN must be a percentage" in result.stderr
    result = _load_settings(
        SECRET_KEY="k" * 50, GOAL_SUGGESTION_MET_PERCENT="40", GOAL_SUGGESTION_PARTLY_PERCENT="60"
    )
    assert result.returncode != 0


def _database_options(**env: str) -> subprocess.CompletedProcess:
    inherited = {"DEBUG", "SECRET_KEY", "DB_PARALLEL_WORKERS", "DB_PREPARED_STATEMENTS"}
    clean = {k: v for k, v in os.environ.items() if k not in inherited}
    clean.update(SECRET_KEY="k" * 50, DATABASE_URL="postgres://u:p@db.example:5432/styr", **env)
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import kramfors_styr.settings as s; print(s.DATABASES['default']['OPTIONS'])",
        ],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        check=False,
    )


def test_postgresql_runs_without_parallel_workers_unless_asked():
    result = _database_options()
    assert result.returncode == 0, result.stderr
    assert "-c max_parallel_workers_per_gather=0" in result.stdout
    result = _database_options(DB_PARALLEL_WORKERS="2")
    assert "-c max_parallel_workers_per_gather=2" in result.stdout
    result = _database_options(DB_PARALLEL_WORKERS="many")
    assert result.returncode != 0
    assert "DB_PARALLEL_WORKERS must be an integer" in result.stderr


def test_postgresql_prepares_statements_unless_asked_not_to():
    result = _database_options()
    assert "'server_side_binding': True, 'prepare_threshold': 5" in result.stdout
    result = _database_options(DB_PREPARED_STATEMENTS="0")
    assert "server_side_binding" not in result.stdout
    assert "prepare_threshold" not in result.stdout


def test_a_query_run_again_and_again_is_prepared(db):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL setting")
    with connection.cursor() as cursor:
        for _ in range(7):
            cursor.execute("SELECT count(*) FROM goals_node WHERE id = %s", [1])
        cursor.execute("SELECT count(*) FROM pg_prepared_statements")
        assert cursor.fetchone()[0] >= 1


def test_the_connection_uses_the_setting(db):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL setting")
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_parallel_workers_per_gather")
        assert cursor.fetchone()[0] == "0"


def test_no_proxy_is_trusted_unless_named():
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "TRUSTED_PROXY_COUNT"}}
    result = subprocess.run(
        [sys.executable, "-c", "import kramfors_styr.settings as s; print(s.TRUSTED_PROXY_COUNT)"],
        cwd=ROOT,
        env={**clean, "SECRET_KEY": "k" * 50},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.stdout.strip() == "0", result.stderr
    refused = _load_settings(SECRET_KEY="k" * 50, TRUSTED_PROXY_COUNT="-1")
    assert "TRUSTED_PROXY_COUNT cannot be negative" in refused.stderr
