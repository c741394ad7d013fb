#!/usr/bin/env bash
# Run Kazoom's whole test suite on this machine, installing what it needs first: the venv and
# packages (scripts/setup.sh), Debian's Chromium for the browser tests, Debian's PostgreSQL
# server, Debian's nginx and openssl for the proxy's tests, and axe-core from npm for the
# browser tests' accessibility checks (in .test-tools/, not in git; the tests themselves need
# no network). The linters and the type checker run
# first: a finding fails the run as a failing test does. Then pytest runs twice, its
# fingerprints on SQLite and then on a throwaway PostgreSQL cluster (scripts/with-postgres.sh);
# the run fails if either does. Extra arguments go to both.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
command -v npm >/dev/null 2>&1 || missing+=(npm)
[ -x /usr/sbin/nginx ] || missing+=(nginx)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
scripts/install-axe.sh
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy .
status=0
echo "== the test suite, fingerprints on SQLite"
env -u KAZOOM_FINGERPRINTS_URL .venv/bin/python -m pytest "$@" || status=$?
echo "== the test suite, fingerprints on PostgreSQL"
scripts/with-postgres.sh .venv/bin/python -m pytest "$@" || status=$?
exit "$status"
