"""Safe defaults: loopback only, CORS only for named origins, `*` refused at start."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest

from bot import launcher
from bot.settings import DEFAULT_RETENTION_DAYS, get_settings

ROOT = Path(__file__).resolve().parents[2]
SETTINGS_NAMES = (
    "RYGBOT_HOST", "RYGBOT_ACTION_HOST", "RYGBOT_CORS_ORIGINS", "RYGBOT_DEV_ALLOW_ANY_ORIGIN", "RYGBOT_RETENTION_DAYS",
)


@pytest.fixture
def default_settings(monkeypatch):
    """The settings with none of these names set (an empty value wins over a developer's .env)."""
    for name in SETTINGS_NAMES:
        monkeypatch.setenv(name, "")
    get_settings.cache_clear()
    yield get_settings()
    get_settings.cache_clear()


def test_every_server_binds_loopback_by_default(default_settings):
    assert (default_settings.host, default_settings.action_host) == ("127.0.0.1", "127.0.0.1")


def test_retention_is_30_days_by_default(default_settings):
    assert default_settings.retention_days == DEFAULT_RETENTION_DAYS == 30


def test_cors_allows_no_other_origin_by_default(default_settings, tmp_path):
    assert default_settings.cors_origins == ()
    command = launcher.rasa_command(tmp_path / "m.tar.gz", 5005, tmp_path / "e.yml", default_settings)
    assert "--cors" not in command
    assert command[command.index("--interface") + 1] == "127.0.0.1"


def test_cors_allows_the_named_clinics(default_settings, tmp_path):
    settings = dataclasses.replace(default_settings, cors_origins=("https://a.example", "https://b.example"))
    command = launcher.rasa_command(tmp_path / "m.tar.gz", 5005, tmp_path / "e.yml", settings)
    assert command[command.index("--cors") + 1 :][:2] == ["https://a.example", "https://b.example"]


def test_cors_star_is_refused_with_a_clear_message(default_settings):
    settings = dataclasses.replace(default_settings, cors_origins=("*",))
    with pytest.raises(
        launcher.UnsafeSettingError, match="RYGBOT_CORS_ORIGINS.*any website.*RYGBOT_DEV_ALLOW_ANY_ORIGIN"
    ):
        launcher.cors_arguments(settings)


def test_cors_star_is_allowed_only_with_the_development_setting(default_settings):
    settings = dataclasses.replace(default_settings, cors_origins=("*",), allow_any_origin=True)
    assert launcher.cors_arguments(settings) == ["--cors", "*"]


def test_make_run_refuses_cors_star_at_start(tmp_path):
    env = {**launcher.rasa_env(), "RYGBOT_CORS_ORIGINS": "*", "RYGBOT_DEV_ALLOW_ANY_ORIGIN": ""}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 2
    assert "rygbot did not start" in result.stderr and "RYGBOT_CORS_ORIGINS" in result.stderr
    assert "Traceback" not in result.stderr


def test_action_server_is_told_to_bind_the_configured_host(monkeypatch, tmp_path):
    started = {}

    class FakePopen:
        def __init__(self, command, **kwargs):
            started.update(command=command, env=kwargs["env"])

    monkeypatch.setattr(launcher.subprocess, "Popen", FakePopen)
    with (tmp_path / "log").open("w") as log:
        launcher.start_action_server(5055, log, env={"PATH": "/usr/bin"}, host="127.0.0.1")
    assert started["env"]["SANIC_HOST"] == "127.0.0.1"


def test_action_endpoint_follows_a_configured_action_host(tmp_path):
    path = launcher.write_endpoints(tmp_path / "e.yml", 5099, "memory", action_host="10.0.0.7")
    assert "http://10.0.0.7:5099/webhook" in path.read_text()
