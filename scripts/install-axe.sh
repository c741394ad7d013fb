#!/usr/bin/env bash
# Install axe-core, the accessibility checker the browser tests run in each page, from npm into
# .test-tools/ (gitignored), unless that version is already there. Kazoom itself needs no npm.
set -euo pipefail
cd "$(dirname "$0")/.."
AXE_VERSION=4.14.1
installed=.test-tools/node_modules/axe-core/package.json
if ! grep -q "\"version\": \"$AXE_VERSION\"" "$installed" 2>/dev/null; then
  npm install --silent --no-audit --no-fund --no-save --prefix .test-tools "axe-core@$AXE_VERSION"
fi
