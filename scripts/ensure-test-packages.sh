#!/usr/bin/env bash
# Debian packages the tests need and no registry of Python packages has: Chromium for the browser
# tests (Playwright cannot download its own browser here), PostgreSQL for the tracker-store tests on
# a real database, and Redis and nginx for the cluster test. Quick when all are installed.
# With package names as arguments (make run-cluster: postgresql redis-server nginx), only those.
set -euo pipefail
wanted=("$@")
if [ ${#wanted[@]} -eq 0 ]; then
    wanted=(chromium postgresql redis-server nginx)
fi
installed() {
    case "$1" in
        postgresql) ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 ;;
        nginx) command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] ;;
        *) command -v "$1" >/dev/null 2>&1 ;;
    esac
}
missing=()
for package in "${wanted[@]}"; do
    installed "$package" || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "Install ${missing[*]} (Chromium as 'chromium' on PATH), then run this again." >&2
    exit 1
fi
sudo_cmd=""
if [ "$(id -u)" != 0 ]; then
    sudo_cmd="sudo"
fi
echo "Installing ${missing[*]} from Debian"
$sudo_cmd apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
