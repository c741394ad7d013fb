#!/usr/bin/env bash
# Create .venv/ at the repo root (when missing), install Kazoom and its test tools, and migrate
# both databases and make the cache's table. Idempotent: run it again after pulling.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -r requirements-dev.txt
.venv/bin/python manage.py migrate --verbosity 0
.venv/bin/python manage.py migrate --database fingerprints --verbosity 0
# The cache that rate limits count in, shared by every server process (KAZOOM_RATE_LIMIT).
.venv/bin/python manage.py createcachetable
