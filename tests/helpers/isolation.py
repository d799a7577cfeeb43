"""What one test run owns in the machine's shared PostgreSQL and Redis, named after its run id.

Several runs share a machine (two clones of the project, several people at work), and with
it one PostgreSQL and one Redis. Each run has a run id (`TEST_RUN_ID`, given by `make test`,
else drawn here) and everything it writes carries it:
- PostgreSQL: `make test` names the database `cress_<run id>`; pytest-django creates
  `test_cress_<run id>` and drops it at the end.
- Redis: every key starts with `test-<run id>:`. The cache's KEY_PREFIX (`CACHE_KEY_PREFIX`)
  is `test-<run id>`; the broker's keys (queues, unacknowledged messages, bindings, control
  channels) carry kombu's `global_keyprefix` (`CELERY_KEY_PREFIX`), and the queue itself is
  named `test-<run id>`. Runs may then share Redis databases (there are only 16): emptying
  the cache or the broker deletes this run's keys, never a whole database.

This module is a pytest plugin (`-p tests.helpers.isolation` in pyproject.toml) that sets
those variables before pytest-django reads the settings, and a command that removes what a
run left behind, which `scripts/test.sh` calls when the run ends, even interrupted:
`python -m tests.helpers.isolation cleanup [--drop-database]`. It imports no Django.
"""

import os
import re
import secrets
import sys
from urllib.parse import unquote, urlsplit

import pytest

RUN_ID_FORMAT = re.compile(r"[a-z0-9_]{1,40}")


def new_run_id() -> str:
    return f"{os.getpid()}_{secrets.token_hex(3)}"


def run_id() -> str:
    value = os.environ.get("TEST_RUN_ID", "")
    if not RUN_ID_FORMAT.fullmatch(value):
        raise RuntimeError(f"TEST_RUN_ID={value!r} : attendu 1 à 40 caractères parmi a-z, 0-9 et _.")
    return value


def key_prefix() -> str:
    """The start of every Redis key of this run, cache and broker alike."""
    return f"test-{run_id()}:"


def claim_names() -> None:
    """This run's names, in the environment that the settings (and the processes a test
    starts: worker, web server) read. A prefix set outside is replaced: a run never shares one."""
    os.environ.setdefault("TEST_RUN_ID", new_run_id())
    prefix = f"test-{run_id()}"
    os.environ["CACHE_KEY_PREFIX"] = prefix
    os.environ["CELERY_KEY_PREFIX"] = f"{prefix}:"
    os.environ["CELERY_QUEUE"] = prefix


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config, parser, args):
    claim_names()


def delete_run_keys(*urls: str) -> int:
    """Delete this run's keys in the Redis database of each URL; the rest stays."""
    import redis

    from lib.rediskeys import delete_prefixed

    deleted = 0
    for url in dict.fromkeys(url for url in urls if url):
        client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)
        try:
            deleted += delete_prefixed(client, key_prefix())
        finally:
            client.close()
    return deleted


def drop_test_database(database_url: str) -> None:
    """Drop the test database that pytest-django made from `database_url`, if it is left."""
    import psycopg2
    from psycopg2 import sql

    parts = urlsplit(database_url)
    name = f"test_{unquote(parts.path.lstrip('/'))}"
    if run_id() not in name:
        raise RuntimeError(f"{name} ne porte pas l'identifiant de l'exécution {run_id()} : base laissée en place.")
    connection = psycopg2.connect(
        dbname="postgres",
        user=unquote(parts.username or "postgres"),
        password=unquote(parts.password or "") or None,
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        connect_timeout=5,
    )
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    finally:
        connection.close()


def cleanup(*, drop_database: bool) -> int:
    failures = 0
    try:
        delete_run_keys(os.environ.get("REDIS_URL", ""), os.environ.get("CELERY_BROKER_URL", ""))
    except Exception as exc:  # report and go on: the database is still to drop
        print(f"Clés Redis de l'exécution {run_id()} non supprimées : {exc}", file=sys.stderr)
        failures += 1
    if drop_database:
        try:
            drop_test_database(os.environ["DATABASE_URL"])
        except Exception as exc:
            print(f"Base de test de l'exécution {run_id()} non supprimée : {exc}", file=sys.stderr)
            failures += 1
    return failures


if __name__ == "__main__":
    if sys.argv[1:2] != ["cleanup"] or not set(sys.argv[2:]) <= {"--drop-database"}:
        sys.exit("usage : python -m tests.helpers.isolation cleanup [--drop-database]")
    sys.exit(1 if cleanup(drop_database="--drop-database" in sys.argv[2:]) else 0)
