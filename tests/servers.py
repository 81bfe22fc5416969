"""The real rygbot servers for tests: a trained model, the action server and Rasa on free ports.

Training goes through `bot.launcher.train_if_needed`, so a model for unchanged data is reused
(also across test runs). Both servers log to one file, which the test report shows on failure.
The servers run with tests/e2e/scripted_detector on their path: messages with a test marker
("[ask:saddle_numbness]", "[detector-fails]") get a scripted detection; all others the real one.
"""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import socket
import subprocess
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Optional

from bot import launcher
from bot.settings import get_settings
from bot.urls import DEMO_PATH, WEBHOOK_PATH

HOST = "127.0.0.1"
SCRIPTED_DETECTOR = Path(__file__).resolve().parent / "e2e" / "scripted_detector"
# The test servers serve /stats with this token (RYGBOT_STATS_TOKEN).
STATS_TOKEN = "test-stats-token"
# Test servers ignore the developer's .env for what the tests assert on.
TEST_ENV = {
    "RYGBOT_HOST": HOST,
    "RYGBOT_CORS_ORIGINS": "",
    "RYGBOT_DEV_ALLOW_ANY_ORIGIN": "",
    "RYGBOT_RASA_API_TOKEN": "",
    "RYGBOT_CLINIC_NAME": "",
    "RYGBOT_CLINIC_PHONE": "",
    "RYGBOT_CLINIC_REGION": "",
    "RYGBOT_LOCK_STORE_URL": "",
    "RYGBOT_STATS_TOKEN": STATS_TOKEN,
    "LOG_LEVEL": "INFO",
}


def post_json(url: str, body: bytes) -> tuple[int, object]:
    """POST raw bytes as JSON; the status and the decoded answer, also for 4xx and 5xx."""
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def free_port() -> int:
    """A localhost port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def train_model(log_path: Path) -> Path:
    """The model for the current data: cached in models/ by fingerprint, trained when missing."""
    with log_path.open("a", encoding="utf-8") as log:
        return launcher.train_if_needed(log)


@dataclass
class RasaServers:
    """Running servers. `.stop_action_server()` simulates the action server going down."""

    model: Path
    workdir: Path
    log_path: Path
    rasa_port: int = field(default_factory=free_port)
    action_port: int = field(default_factory=free_port)
    # A clinic's own site on another port: the one origin besides the bot's own that CORS allows.
    clinic_port: int = field(default_factory=free_port)
    _log: Optional[IO[str]] = None
    _rasa: Optional[subprocess.Popen] = None
    _actions: Optional[subprocess.Popen] = None
    _endpoints: Optional[Path] = None

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.rasa_port}"

    @property
    def clinic_origin(self) -> str:
        return f"http://{HOST}:{self.clinic_port}"

    @property
    def tracker_db(self) -> Path:
        """The SQLite file of the tracker store."""
        return self.workdir / "tracker.db"

    @property
    def webhook_url(self) -> str:
        return self.base_url + WEBHOOK_PATH

    @property
    def demo_url(self) -> str:
        return self.base_url + DEMO_PATH

    def _env(self) -> dict[str, str]:
        env = {**launcher.rasa_env(), **TEST_ENV, "RYGBOT_TRACKER_STORE_URL": self._tracker_url()}
        env["PYTHONPATH"] = os.pathsep.join([str(SCRIPTED_DETECTOR), env.get("PYTHONPATH", "")])
        return env

    def _tracker_url(self) -> str:
        return f"sqlite:///{self.tracker_db}"

    def start(self) -> "RasaServers":
        self._log = self.log_path.open("a", encoding="utf-8")
        endpoints = launcher.write_endpoints(self.workdir / "endpoints.yml", self.action_port, self._tracker_url())
        self._endpoints = endpoints
        self.start_action_server()
        self.start_rasa()
        return self

    def start_rasa(self) -> None:
        """Start Rasa on its port (again, after `kill_rasa`), and wait until it answers."""
        assert self._log is not None
        settings = dataclasses.replace(
            get_settings(), host=HOST, cors_origins=(self.clinic_origin,), allow_any_origin=False, rasa_api_token=""
        )
        self._rasa = launcher.start_rasa(
            self.model, self.rasa_port, self._endpoints, self._log, settings, env=self._env()
        )
        launcher.wait_until_ready(self.base_url + "/webhooks/rygbot/", self._rasa)

    def kill_rasa(self) -> None:
        """Kill Rasa at once (SIGKILL), as a crash would: no clean shutdown."""
        if self._rasa is not None and self._rasa.poll() is None:
            os.killpg(self._rasa.pid, signal.SIGKILL)
            self._rasa.wait(timeout=30)

    def start_action_server(self) -> None:
        assert self._log is not None
        if self._actions is not None and self._actions.poll() is None:
            return
        self._actions = launcher.start_action_server(self.action_port, self._log, env=self._env(), host=HOST)
        launcher.wait_until_ready(f"http://{HOST}:{self.action_port}/health", self._actions)

    def stop_action_server(self) -> None:
        launcher.stop(self._actions)

    def stop(self) -> None:
        launcher.stop(self._rasa)
        launcher.stop(self._actions)
        if self._log:
            self._log.close()

    def log_tail(self, lines: int = 80) -> str:
        try:
            return "\n".join(self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def conversation(self, clinic: Optional[dict[str, str]] = None) -> "Conversation":
        return Conversation(self.webhook_url, clinic=clinic)


@dataclass
class Conversation:
    """One patient talking through the webhook, like the widget does."""

    webhook_url: str
    clinic: Optional[dict[str, str]] = None
    sender: str = field(default_factory=lambda: str(uuid.uuid4()))

    def send(self, message: str) -> "Reply":
        body: dict[str, Any] = {"sender": self.sender, "message": message}
        if self.clinic is not None:
            body["metadata"] = {"clinic": self.clinic}
        request = urllib.request.Request(
            self.webhook_url,
            data=json.dumps(body).encode("utf-8"),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            return Reply(json.loads(response.read().decode("utf-8")))


@dataclass
class Reply:
    """The REST channel's reply list, with helpers for what the tests assert on."""

    messages: list[dict[str, Any]]

    @property
    def texts(self) -> list[str]:
        return [m["text"] for m in self.messages if m.get("text")]

    @property
    def text(self) -> str:
        return "\n".join(self.texts)

    @property
    def customs(self) -> list[dict[str, Any]]:
        return [m["custom"] for m in self.messages if isinstance(m.get("custom"), dict)]

    @property
    def triage(self) -> Optional[dict[str, Any]]:
        """The triage payload of this reply, if it has one (the most severe if several)."""
        found = [c for c in self.customs if "triage" in c]
        order = ["none", "urgent", "emergency"]
        return max(found, key=lambda c: order.index(c["triage"])) if found else None

    @property
    def content_ids(self) -> list[str]:
        return [c["content_id"] for c in self.customs if "content_id" in c]

    @property
    def buttons(self) -> list[dict[str, str]]:
        return [b for m in self.messages for b in m.get("buttons") or []]

    @property
    def payloads(self) -> list[str]:
        return [b["payload"] for b in self.buttons]
