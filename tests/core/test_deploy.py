"""Production settings: `cadence check --deploy` must be clean with the documented env."""

import os
import subprocess
import sys

import pytest

# Each test starts the cadence command in a new interpreter.
pytestmark = pytest.mark.slow


def run_cadence(args: list[str], tmp_path, **env_overrides) -> subprocess.CompletedProcess:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("CADENCE_", "DJANGO_", "DATABASE_URL"))
    }
    env.update(
        CADENCE_SECRET_KEY="x" * 20 + "a-long-and-random-production-secret-key-0123456789",
        CADENCE_ALLOWED_HOSTS="cadence.example.com",
        CADENCE_EMAIL_HOST="smtp.example.com",
        CADENCE_VAR_DIR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "-m", "cadence", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_reports_no_issues(tmp_path):
    result = run_cadence(["check", "--deploy", "--fail-level", "WARNING"], tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_fails_in_debug(tmp_path):
    result = run_cadence(
        ["check", "--deploy", "--fail-level", "WARNING"], tmp_path, CADENCE_DEBUG="1"
    )
    assert result.returncode != 0
    assert "DEBUG" in result.stdout + result.stderr


def test_secret_key_is_generated_once_and_kept(tmp_path):
    env = {"CADENCE_SECRET_KEY": ""}
    code = "from django.conf import settings; print(settings.SECRET_KEY)"
    first = run_cadence(["shell", "-c", code], tmp_path, **env)
    second = run_cadence(["shell", "-c", code], tmp_path, **env)
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == second.stdout.strip()
    assert len(first.stdout.strip()) >= 50
    assert oct((tmp_path / "secret_key").stat().st_mode)[-3:] == "600"


def test_cadence_command_lists_its_own_commands(tmp_path):
    result = run_cadence(["help"], tmp_path)
    assert result.returncode == 0, result.stderr
    for command in ("import_people", "seed", "demo", "db_worker", "migrate"):
        assert command in result.stdout


def test_sqlite_connections_are_kept_between_requests(tmp_path):
    """A new SQLite connection per request ran the PRAGMAs and started with an empty page
    cache: ~2 ms of every request (bench api)."""
    result = run_cadence(
        [
            "shell",
            "-c",
            "from django.db import connection; print(connection.settings_dict['CONN_MAX_AGE'])",
        ],
        tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().splitlines()[-1] == "60"
