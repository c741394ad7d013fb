#!/usr/bin/env bash
# Run Kazoom's whole test suite on this machine, installing what it needs first: the venv and
# packages (scripts/setup.sh) and Debian's Chromium for the browser tests. The linters and the
# type checker run first: a finding fails the run as a failing test does. Extra arguments go
# to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
if ! command -v chromium >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy .
exec .venv/bin/python -m pytest "$@"
