#!/usr/bin/env bash
# Debian packages the tests need and no registry of Python packages has: Chromium for the browser
# tests (Playwright cannot download its own browser here) and PostgreSQL for the tracker-store
# tests on a real database. Quick when both are installed.
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "The tests need ${missing[*]}. Install them (Chromium as 'chromium' on PATH)." >&2
    exit 1
fi
sudo_cmd=""
if [ "$(id -u)" != 0 ]; then
    sudo_cmd="sudo"
fi
echo "Installing ${missing[*]} for the tests"
$sudo_cmd apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
