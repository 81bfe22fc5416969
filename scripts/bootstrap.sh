#!/usr/bin/env bash
# Create .venv with Python 3.10 and the pinned dependencies. Quick when nothing changed.
set -euo pipefail
cd "$(dirname "$0")/.."

find_python310() {
    local candidate
    for candidate in python3.10 python3 python; do
        if command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' 2>/dev/null; then
            command -v "$candidate"
            return 0
        fi
    done
    if command -v pyenv >/dev/null 2>&1; then
        local version
        version=$(pyenv versions --bare 2>/dev/null | grep -E '^3\.10(\.[0-9]+)?$' | sort -V | tail -n 1 || true)
        if [ -n "$version" ] && [ -x "$(pyenv prefix "$version")/bin/python" ]; then
            echo "$(pyenv prefix "$version")/bin/python"
            return 0
        fi
    fi
    return 1
}

stamp_file=.venv/.rygbot-installed
wanted=$(cat pyproject.toml constraints.txt | sha256sum | cut -d' ' -f1)
if [ -x .venv/bin/python ] && [ "$(cat "$stamp_file" 2>/dev/null)" = "$wanted" ]; then
    exit 0
fi

if [ ! -x .venv/bin/python ]; then
    if ! python=$(find_python310); then
        cat >&2 <<'MSG'
rygbot needs Python 3.10 (Rasa 3.6 supports 3.8-3.10), and none was found.
Install it, then run this command again. For example:
  - Debian/Ubuntu: sudo apt-get install python3.10 python3.10-venv
  - pyenv:         pyenv install 3.10.13
MSG
        exit 1
    fi
    echo "Creating .venv with $python"
    "$python" -m venv .venv
fi

# pip's output without the noise of this machine's unused local index folders.
pip_install() {
    local log status=0
    log=$(mktemp)
    .venv/bin/python -m pip install --quiet --disable-pip-version-check "$@" >"$log" 2>&1 || status=$?
    grep -v "^WARNING: Location 'file:" "$log" >&2 || true
    rm -f "$log"
    return "$status"
}

echo "Installing pinned dependencies into .venv (a few minutes the first time)"
pip_install --upgrade "pip==24.3.1"
pip_install -c constraints.txt -e ".[test]"
echo "$wanted" > "$stamp_file"
