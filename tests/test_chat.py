"""`python -m bot chat` talks to a running server over HTTP: it must not load Rasa itself."""

from __future__ import annotations

import subprocess
import sys

from bot.settings import PROJECT_ROOT


def test_the_terminal_chat_does_not_import_rasa_or_sanic():
    check = "import sys, bot.chat; print(sorted({'rasa', 'sanic', 'tensorflow'} & set(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", check], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
