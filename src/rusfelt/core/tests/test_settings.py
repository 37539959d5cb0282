"""Settings per environment, production's refusal without secrets, system checks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.checks import Error
from django.test import override_settings

from rusfelt.core.checks import check_pseudonym_key

PRODUCTION_ENV = {
    "RUSFELT_ENV": "production",
    "RUSFELT_SECRET_KEY": "x7-" + "k9Qz2Lm4Pw8Rt6Yv" * 4,
    "RUSFELT_ALLOWED_HOSTS": "rusfelt.kommune.no",
    "RUSFELT_PSEUDONYM_KEY": "f3" * 32,
    "DATABASE_URL": "sqlite:////tmp/rusfelt-prod-check.sqlite3",
}


def run_rusfelt(*args, env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("RUSFELT_", "DJANGO_"))}
    clean.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "rusfelt.manage", *args],
        env={**clean, **env}, capture_output=True, text=True, timeout=120,
    )


def test_production_refuses_to_start_without_its_secrets():
    for missing in ["RUSFELT_SECRET_KEY", "RUSFELT_PSEUDONYM_KEY", "RUSFELT_ALLOWED_HOSTS",
                    "DATABASE_URL"]:
        env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
        result = run_rusfelt("check", env=env)
        assert result.returncode != 0, missing
        assert f"{missing} must be set" in result.stderr


def test_production_passes_the_deploy_check():
    result = run_rusfelt("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_rejects_a_demo_pseudonym_key():
    env = {**PRODUCTION_ENV, "RUSFELT_PSEUDONYM_KEY": "demo-" + "a" * 40}
    result = run_rusfelt("check", "--deploy", env=env)
    assert result.returncode != 0
    assert "rusfelt.E001" in result.stderr


def test_the_pseudonym_check_accepts_a_real_key_and_refuses_a_short_one():
    with override_settings(RUSFELT_PSEUDONYM_KEY="ab" * 32):
        assert check_pseudonym_key(None) == []
    with override_settings(RUSFELT_PSEUDONYM_KEY="short"):
        [error] = check_pseudonym_key(None)
        assert isinstance(error, Error) and error.id == "rusfelt.E001"


def test_passwords_are_hashed_with_argon2_outside_tests():
    from rusfelt.settings import base

    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_sessions_expire_and_login_is_rate_limited():
    assert settings.SESSION_COOKIE_AGE <= 8 * 60 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AUTHENTICATION_BACKENDS[0].startswith("axes.")


def test_the_csp_allows_no_inline_script_or_style():
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert "'unsafe-inline'" not in str(directives)


def test_the_demo_settings_generate_their_keys_once(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "rusfelt.settings.demo",
        "DATABASE_URL": f"sqlite:///{tmp_path}/demo.sqlite3",
    }
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.RUSFELT_PSEUDONYM_KEY)"
    )

    def key():
        return subprocess.run(
            [sys.executable, "-c", code], env=env, cwd=tmp_path,
            capture_output=True, text=True, check=True,
        ).stdout

    first = key()
    assert key() == first
    assert first.startswith("demo-")
    assert (tmp_path / "var" / "secrets.json").stat().st_mode & 0o077 == 0


@pytest.mark.django_db
def test_login_is_locked_after_five_failures(client, oslo_planlegger):
    from rusfelt.conftest import PASSWORD

    for _ in range(5):
        client.post("/logg-inn/", {"username": oslo_planlegger.username, "password": "feil"})
    response = client.post(
        "/logg-inn/", {"username": oslo_planlegger.username, "password": PASSWORD}
    )
    assert response.status_code == 429
    assert "For mange mislykkede innlogginger" in response.content.decode()


@pytest.mark.django_db  # lets a connection open; this one is to its own file
def test_a_sqlite_database_writes_through_a_write_ahead_log(tmp_path, monkeypatch):
    """A commit appends to the WAL and syncs at checkpoints (issue 12: a small import
    paid several syncs of a rollback journal)."""
    from django.db.utils import ConnectionHandler

    from rusfelt.settings.base import database_from_env

    monkeypatch.delenv("DATABASE_URL", raising=False)
    handler = ConnectionHandler({"default": database_from_env(tmp_path / "wal.sqlite3")})
    conn = handler["default"]
    try:
        with conn.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
            cursor.execute("PRAGMA synchronous")
            assert cursor.fetchone()[0] == 1  # NORMAL
    finally:
        conn.close()


def test_postgresql_prepares_the_queries_a_connection_repeats(monkeypatch):
    """Parameters bound on the server and psycopg's prepare threshold: a page's queries
    are planned once per connection, not on every request (issue 12: planning took
    PostgreSQL longer than running them). Off behind a transaction-mode pooler."""
    from rusfelt.settings.base import database_from_env

    monkeypatch.setenv("DATABASE_URL", "postgres://rusfelt@db.example:5432/rusfelt")
    monkeypatch.delenv("RUSFELT_PREPARED_STATEMENTS", raising=False)
    options = database_from_env(Path("/nonexistent"))["OPTIONS"]
    assert options["server_side_binding"] is True
    assert options["prepare_threshold"] == 5

    monkeypatch.setenv("RUSFELT_PREPARED_STATEMENTS", "off")
    options = database_from_env(Path("/nonexistent")).get("OPTIONS", {})
    assert "server_side_binding" not in options and "prepare_threshold" not in options


@pytest.mark.django_db
def test_a_query_run_again_and_again_is_prepared_on_postgresql():
    from django.db import connection

    from rusfelt.core.models import OrgUnit

    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    for _ in range(6):
        list(OrgUnit.objects.filter(code="0301"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any('FROM "core_orgunit"' in sql and '"code" = $1' in sql for sql in prepared)
