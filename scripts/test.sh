#!/usr/bin/env bash
# The checks and pytest of `make test`, as one run isolated from any other on this machine
# (another clone, another person): usage scripts/test.sh PYTHON [pytest options...]
#
# The run draws a run id. Unless DATABASE_URL is given, its database is `cress_<run id>`
# (pytest-django creates `test_cress_<run id>`); its Redis keys all start with
# `test-<run id>:` (tests/helpers/isolation.py), in databases 1 (cache) and 2 (broker) of
# the local Redis unless TEST_REDIS_URL / TEST_CELERY_BROKER_URL are given. When the run
# ends, passed, failed or interrupted, its keys are deleted and its test database dropped.
set -euo pipefail
py=$1
shift

export TEST_RUN_ID=${TEST_RUN_ID:-$$_$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')}
export DJANGO_ENV=test
drop_database=
if [ -z "${DATABASE_URL:-}" ]; then
  export DATABASE_URL=postgres://postgres@127.0.0.1:5432/cress_$TEST_RUN_ID
  drop_database=--drop-database
fi
export REDIS_URL=${TEST_REDIS_URL:-redis://127.0.0.1:6379/1}
export CELERY_BROKER_URL=${TEST_CELERY_BROKER_URL:-redis://127.0.0.1:6379/2}

cleanup() { "$py" -m tests.helpers.isolation cleanup $drop_database || true; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "Exécution de test $TEST_RUN_ID : base test_${DATABASE_URL##*/}, clés Redis test-$TEST_RUN_ID:* ($REDIS_URL, $CELERY_BROKER_URL)"
"$py" manage.py makemigrations --check --dry-run
"$py" manage.py check
"$py" -m pytest "$@"
