#!/usr/bin/env bash
# The browser tests drive Debian's Chromium; Playwright cannot download its own browser here.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "The browser tests need Chromium. Install it and put 'chromium' on PATH." >&2
    exit 1
fi
sudo_cmd=""
if [ "$(id -u)" != 0 ]; then
    sudo_cmd="sudo"
fi
echo "Installing Chromium for the browser tests"
$sudo_cmd apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium >/dev/null
