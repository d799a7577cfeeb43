"""The steps of `make run` on the embedded default (SQLite, in-process tasks): migrate,
seed_demo (twice), then serve pages, static assets included, from a real server process."""

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.helpers.smtp import free_port

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def embedded_env(tmp_path):
    base = {key: os.environ[key] for key in ("PATH", "HOME", "LANG") if key in os.environ}
    return {**base, "DATABASE_URL": f"sqlite:///{tmp_path / 'portail.sqlite3'}", "DJANGO_ENV": "development"}


def manage(*args, env):
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def fetch(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.read().decode()


def test_run_steps_work_on_sqlite(embedded_env):
    manage("migrate", "--noinput", env=embedded_env)
    first = manage("seed_demo", env=embedded_env)
    assert "accueil@demo.ess-reunion.re" in first
    manage("seed_demo", env=embedded_env)  # running twice works
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=embedded_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                status, html = fetch(base + "/")
                break
            except OSError:
                assert time.monotonic() < deadline, "le serveur n'a pas démarré"
                time.sleep(0.3)
        assert status == 200
        assert "Déposer une demande d'accompagnement" in html
        assert fetch(base + "/static/vendor/bootstrap/css/bootstrap.min.css")[0] == 200
        assert fetch(base + "/static/css/portail.css")[0] == 200
        assert "Saint-Denis" in fetch(base + "/territoires/")[1]
        # The catalogue falls back to simple search and filters on SQLite.
        assert "Comptabilité associative" in fetch(base + "/formations/?q=comptabilite&public=benevoles")[1]
        assert "Prochaines sessions" in fetch(base + "/formations/catalogue/gouvernance-associative/")[1]
        assert "Formation" in fetch(base + "/agenda/?type=formation")[1]
        # The observatory's explorer reads its cells without PostgreSQL's arrays on SQLite.
        status, html = fetch(base + "/observatoire/explorer/?ventilation=famille")
        assert status == 200 and "Association" in html
        csv_status, csv_text = fetch(base + "/observatoire/explorer/donnees.csv?ventilation=famille")
        assert csv_status == 200 and "\nAssociation;" in csv_text
        health = json.loads(fetch(base + "/healthz")[1])
        assert health["checks"]["database"]["detail"] == "sqlite"
        assert health["checks"]["broker"]["ok"] is True
    finally:
        server.terminate()
        server.wait(timeout=10)
