"""A test run touches only what it owns: its own keys in the shared Redis, its own test
database, and a private redis-server for the tests that take Redis away."""

import os
import subprocess
import sys
from pathlib import Path

import psycopg2
import pytest
import redis
from django.conf import settings
from django.core.cache import cache

from cress.celery import app
from lib.rediskeys import delete_prefixed
from tests.helpers import isolation
from tests.helpers.redis_server import MachineRedisWatch

ROOT = Path(__file__).resolve().parents[1]


def test_the_run_names_every_redis_key_after_its_run_id():
    run_id = os.environ["TEST_RUN_ID"]
    assert isolation.RUN_ID_FORMAT.fullmatch(run_id)
    assert settings.CACHES["default"]["KEY_PREFIX"] == f"test-{run_id}"
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["global_keyprefix"] == f"test-{run_id}:"
    assert app.conf.broker_transport_options["global_keyprefix"] == f"test-{run_id}:"
    assert settings.CELERY_TASK_DEFAULT_QUEUE == app.conf.task_default_queue == f"test-{run_id}"
    assert isolation.key_prefix() == f"test-{run_id}:"


def test_the_cache_and_the_broker_write_under_the_run_prefix(private_redis):
    cache.set("essai", "1")
    app.send_task("messagerie.tasks.sweep_outbox")
    keys = {key.decode() for key in private_redis.client().keys("*")}
    queue = f"{isolation.key_prefix()}{settings.CELERY_TASK_DEFAULT_QUEUE}"
    assert f"{isolation.key_prefix()}1:essai" in keys
    assert queue in keys
    assert all(key.startswith(isolation.key_prefix()) for key in keys), keys


def test_clearing_the_cache_leaves_the_keys_of_others(private_redis):
    """Django's clear() is FLUSHDB: it would take the broker's messages and other runs' keys."""
    client = private_redis.client()
    client.set("test-une-autre-execution:1:page", "x")
    client.set("_kombu.binding.cress", "x")
    client.lpush("cress", "un message en attente")
    cache.set("page", "1")
    assert cache.get("page") == "1"
    cache.clear()
    assert cache.get("page") is None
    assert sorted(client.keys("*")) == [b"_kombu.binding.cress", b"cress", b"test-une-autre-execution:1:page"]


def test_deleting_by_prefix_needs_a_prefix_and_matches_it_literally(private_redis):
    client = private_redis.client()
    client.mset({"a*b:1": "x", "axb:1": "x", "a*b:2": "x"})
    with pytest.raises(ValueError):
        delete_prefixed(client, "")
    assert delete_prefixed(client, "a*b:") == 2
    assert client.keys("*") == [b"axb:1"]  # `*` is no wildcard in a prefix


def test_the_private_redis_serves_the_test_process_then_stops_and_starts_on_its_port(request):
    machine_url = settings.REDIS_URL
    server = request.getfixturevalue("private_redis")
    assert server.port != redis.Redis.from_url(machine_url).connection_pool.connection_kwargs["port"]
    # The celery app read its configuration once (and prefers the environment's): it must
    # still send to the private server, where a worker started by the test listens.
    with app.connection_for_write() as connection:
        assert f"127.0.0.1:{server.port}/" in connection.as_uri()
    assert settings.CACHES["default"]["LOCATION"] == settings.CELERY_BROKER_URL == server.url
    port = server.port
    server.stop()
    assert not server.ping()
    server.start()
    assert server.ping() and server.port == port


def test_the_machines_redis_watch_notices_a_restart_or_a_config_change():
    watch = MachineRedisWatch(settings.REDIS_URL)
    assert watch.before is not None, "the test run's Redis answers"
    watch.assert_untouched()
    watch.before = {**watch.before, "run_id": "un autre serveur"}  # as after a restart
    with pytest.raises(AssertionError, match="a changé"):
        watch.assert_untouched()


def test_the_cleanup_command_removes_what_a_run_left_and_nothing_else(private_redis):
    """What scripts/test.sh runs at the end of `make test`, even interrupted."""
    other_run = isolation.new_run_id()
    database = f"cleanup_{other_run}"
    client = private_redis.client()
    client.mset({f"test-{other_run}:1:page": "x", f"test-{other_run}:cress": "x", "test-autre:1:page": "x"})
    db = settings.DATABASES["default"]
    server = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}"
    connection = psycopg2.connect(dbname="postgres", user=db["USER"], host=db["HOST"], port=db["PORT"])
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "test_{database}"')
    try:
        env = {
            **os.environ,
            "TEST_RUN_ID": other_run,
            "REDIS_URL": private_redis.url,
            "CELERY_BROKER_URL": private_redis.url,
            "DATABASE_URL": f"{server}/{database}",
        }
        command = [sys.executable, "-m", "tests.helpers.isolation", "cleanup", "--drop-database"]
        result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        assert client.keys("*") == [b"test-autre:1:page"], "only the keys of the run named"
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_database WHERE datname = %s", [f"test_{database}"])
            assert cursor.fetchone() == (0,)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "test_{database}"')
        connection.close()


def test_the_cleanup_command_drops_only_a_database_named_after_its_run(monkeypatch):
    monkeypatch.setenv("TEST_RUN_ID", "abc_123")
    with pytest.raises(RuntimeError, match="ne porte pas"):
        isolation.drop_test_database("postgres://postgres@127.0.0.1:5432/cress")
