#!/usr/bin/env bash
# `make audit`: known vulnerabilities in the locked dependencies — Python (pip-audit on
# requirements.txt and requirements-dev.txt, every package pinned with its hashes) and
# front-end (npm audit on package-lock.json). Not part of `make test`: both ask an advisory
# database on the network. When one cannot be reached, the audit has not happened: this
# says so in one line and fails; every call is bounded in time, so it never hangs.
set -uo pipefail
bin=$1
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0

not_done() {
  echo "AUDIT NON FAIT : la base d'avis de sécurité de $1 est injoignable depuis cette machine." >&2
  echo "AUDIT NOT DONE: the $1 advisory database cannot be reached from this machine." >&2
  status=2
}

echo "== pip-audit : requirements.txt, requirements-dev.txt"
timeout 300 "$bin/pip-audit" --strict --disable-pip --progress-spinner off --timeout 15 \
  -r requirements.txt -r requirements-dev.txt 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
if [ "$rc" -ne 0 ]; then
  # --strict: a package the service does not answer for fails the audit instead of being skipped.
  if [ "$rc" -eq 124 ] || grep -qE "could not be audited|ConnectionError|Max retries|timed out|Name or service not known" "$log"; then
    not_done "PyPI (pip-audit)"
  else
    status=1
  fi
fi

echo "== npm audit : package-lock.json"
timeout 120 npm audit --fetch-timeout=15000 --fetch-retries=0 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
if [ "$rc" -ne 0 ]; then
  if [ "$rc" -eq 124 ] || grep -qE "audit endpoint returned an error|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNREFUSED|ECONNRESET" "$log"; then
    not_done "npm (npm audit)"
  else
    status=1
  fi
fi

[ "$status" -eq 0 ] && echo "Aucune vulnérabilité connue. / No known vulnerabilities."
exit "$status"
