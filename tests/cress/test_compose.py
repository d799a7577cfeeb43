"""compose.yaml, Dockerfile and deploy/nginx.conf say what docs/deployment.md says: one beat,
several web and worker processes on one database and one Redis, migrations first, health
checks, every variable known to .env.example, assets and packages from the registries, the
proxy's body limit equal to the portal's."""

import re
from pathlib import Path

import yaml
from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))


def test_one_beat_several_webs_and_workers_after_the_migrations():
    services = compose()["services"]
    assert {"db", "redis", "migrate", "web", "worker", "beat", "proxy"} <= set(services)
    assert services["beat"]["deploy"]["replicas"] == 1
    assert services["web"]["deploy"]["replicas"] >= 2 and services["worker"]["deploy"]["replicas"] >= 2
    assert services["worker"]["command"][:4] == ["celery", "-A", "cress", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "cress", "beat"]
    assert services["migrate"]["command"] == ["python", "manage.py", "migrate", "--noinput"]
    for name in ("web", "worker", "beat"):
        depends = services[name]["depends_on"]
        assert depends["migrate"]["condition"] == "service_completed_successfully"
        assert depends["db"]["condition"] == depends["redis"]["condition"] == "service_healthy"
        environment = services[name]["environment"]
        assert environment["DJANGO_ENV"] == "production" and environment["REDIS_URL"] == "redis://redis:6379/0"
        assert environment["DATABASE_URL"].endswith("@db:5432/portail")
        # Uploads on one volume that every process mounts: no file lives in a process.
        assert "media:/srv/media" in services[name]["volumes"] and environment["MEDIA_ROOT"] == "/srv/media"
    for name in ("web", "db", "redis"):
        assert services[name]["healthcheck"]["test"]
    assert "/healthz" in " ".join(services["web"]["healthcheck"]["test"])


def test_every_variable_it_reads_is_known_to_env_example():
    text = (ROOT / "compose.yaml").read_text(encoding="utf-8")
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    known = set(re.findall(r"^#?\s*([A-Z_]+)=", example, re.MULTILINE))
    substituted = set(re.findall(r"\$\{([A-Z_]+)", text))
    assert substituted and substituted <= known
    portal = [service for service in compose()["services"].values() if service.get("image") == "portail-ess:latest"]
    assert len(portal) == 4  # migrate, web, worker, beat: the portal's own settings only
    for service in portal:
        for name in service["environment"]:
            assert name in known, name


def test_the_image_installs_from_the_registries_with_hashes_and_runs_as_a_user():
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert "pip install --no-cache-dir --require-hashes -r requirements.txt" in dockerfile
    assert "npm ci" in dockerfile and "curl" not in dockerfile and "wget" not in dockerfile
    assert re.search(r"^USER portail$", dockerfile, re.MULTILINE)
    assert 'CMD ["gunicorn", "cress.wsgi"' in dockerfile
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    assert {".env", ".venv", "media", "sauvegardes"} <= set(ignored)


def test_the_proxy_refuses_the_bodies_the_portal_refuses_and_passes_the_request_id():
    nginx = (ROOT / "deploy" / "nginx.conf").read_text(encoding="utf-8")
    limit = int(re.search(r"client_max_body_size (\d+)m;", nginx).group(1))
    assert limit == settings.MAX_REQUEST_BODY_MB
    assert "proxy_set_header X-Request-ID $request_id;" in nginx
    assert "server web:8000;" in nginx and "proxy_request_buffering on;" in nginx
