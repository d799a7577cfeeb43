#!/usr/bin/env bash
# Serve the portal for `make run`. With a broker configured, a Celery worker with an
# embedded beat runs beside the web server and stops with it.
set -euo pipefail
PY=$1; HOST=$2; PORT=$3
bin=$(dirname "$PY")
if [ -n "${CELERY_BROKER_URL:-}${REDIS_URL:-}" ]; then
  "$bin/celery" -A cress worker --beat --loglevel=INFO --concurrency=2 &
  worker=$!
  trap 'kill $worker 2>/dev/null || true' EXIT INT TERM
fi
"$PY" manage.py runserver "$HOST:$PORT"
