#!/usr/bin/env bash
# Install what the browser test (tests/api/test_graphiql.py) needs on a fresh Debian machine,
# as root: Debian's own Chromium, and the Python `playwright` package in .venv. Playwright's
# browser download is never used (the test launches /usr/bin/chromium). Skips what is there.
set -euo pipefail
cd "$(dirname "$0")/.."

PLAYWRIGHT_SPEC=${PLAYWRIGHT_SPEC:-"playwright>=1.50,<2"}

# Quiet unless a step fails: then its whole output is shown.
quietly() {
  local log
  log=$(mktemp)
  if ! "$@" >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    return 1
  fi
  rm -f "$log"
}

install_chromium() {
  quietly env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
    chromium fonts-liberation
}

if [ ! -x /usr/bin/chromium ]; then
  # No package lists yet (a fresh machine): the candidate is "(none)".
  policy=$(apt-cache policy chromium 2>/dev/null || true)
  if ! grep -q 'Candidate: [0-9]' <<<"$policy"; then
    quietly apt-get update
  fi
  # Old lists may name files the mirror no longer has: refresh them once and retry.
  install_chromium 2>/dev/null || { quietly apt-get update && install_chromium; }
fi

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
if ! .venv/bin/python -c 'import playwright.sync_api' 2>/dev/null; then
  quietly .venv/bin/pip install --disable-pip-version-check "$PLAYWRIGHT_SPEC"
fi
