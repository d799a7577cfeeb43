"""Production settings refuse to start without their secrets, and pass `check --deploy`."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "x7Kq2vN9pL4mR8sT1wY6zA3bC5dE0fG-hJ_kM2nP4qR6sT8uV0wX2yZ4aB6cD8eF",
    "ALLOWED_HOSTS": "portail.ess-reunion.re",
    "DATABASE_URL": "postgres://cress:secret@127.0.0.1:5432/cress",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}


def run_manage(*args, env):
    # A clean environment: nothing from the test run (DJANGO_ENV=test…) leaks in.
    base = {key: os.environ[key] for key in ("PATH", "HOME", "LANG") if key in os.environ}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"])
def test_production_refuses_to_start_without(missing):
    env = {key: value for key, value in PRODUCTION.items() if key != missing}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert f"{missing} must be set when DJANGO_ENV=production" in result.stderr


def test_production_refuses_debug_and_demo_mode():
    assert "DJANGO_DEBUG cannot be true" in run_manage("check", env={**PRODUCTION, "DJANGO_DEBUG": "true"}).stderr
    assert "DEMO_MODE cannot be true" in run_manage("check", env={**PRODUCTION, "DEMO_MODE": "true"}).stderr


def test_a_malformed_value_is_refused_not_defaulted():
    result = run_manage("check", env={**PRODUCTION, "SECURE_HSTS_SECONDS": "un an"})
    assert result.returncode != 0
    assert "SECURE_HSTS_SECONDS='un an' is not an integer" in result.stderr


def test_check_deploy_reports_nothing_in_production():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "System check identified no issues" in result.stdout


def test_the_former_api_rate_limit_variable_is_refused_with_its_new_name():
    result = run_manage("check", env={**PRODUCTION, "API_RATE_LIMIT": "300/minute"})
    assert result.returncode != 0
    assert "API_RATE_LIMIT is replaced by API_REQUESTS_PER_MINUTE" in result.stderr
