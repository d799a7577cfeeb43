#!/usr/bin/env bash
# Make sure PostgreSQL and Redis answer on 127.0.0.1; start them where this machine can.
# Prints one clear line and fails when a service is down and cannot be started here.
set -uo pipefail
PGHOST_ADDR=127.0.0.1; PGPORT_NUM=5432; REDIS_PORT=6379

pg_up() { pg_isready -q -h "$PGHOST_ADDR" -p "$PGPORT_NUM" 2>/dev/null || (exec 3<>/dev/tcp/$PGHOST_ADDR/$PGPORT_NUM) 2>/dev/null; }
redis_up() { [ "$(redis-cli -h 127.0.0.1 -p $REDIS_PORT ping 2>/dev/null)" = "PONG" ]; }

if ! pg_up; then
  if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
    version=$(ls /etc/postgresql | sort -V | tail -n 1)
    pg_ctlcluster --skip-systemctl-redirect "$version" main start >/dev/null 2>&1 || true
    for _ in $(seq 1 30); do pg_up && break; sleep 0.5; done
  fi
  pg_up || { echo "PostgreSQL ne répond pas sur $PGHOST_ADDR:$PGPORT_NUM : démarrez-le (ex. pg_ctlcluster 15 main start) ou donnez DATABASE_URL." >&2; exit 1; }
fi

if ! redis_up; then
  if command -v redis-server >/dev/null 2>&1; then
    redis-server --daemonize yes --bind 127.0.0.1 --port $REDIS_PORT --save "" --appendonly no >/dev/null 2>&1 || true
    for _ in $(seq 1 20); do redis_up && break; sleep 0.25; done
  fi
  redis_up || { echo "Redis ne répond pas sur 127.0.0.1:$REDIS_PORT : démarrez-le (ex. redis-server --daemonize yes) ou installez redis-server." >&2; exit 1; }
fi
