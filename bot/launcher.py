"""`python -m bot train` and `python -m bot run`: train only when needed, start both servers.

The model is named after a fingerprint of everything that shapes it (domain, config, training
data, the red-flag NLU component, the tokenizer and its spaCy pipeline), so training is a quick
no-op when nothing changed and the tests reuse the same model. `run` starts the action server and
Rasa with settings from `.env`, waits until both answer, prints the demo page address, and stops
both on Ctrl-C or SIGTERM.
"""

from __future__ import annotations

import hashlib
import logging
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Optional, Sequence
from urllib.parse import parse_qsl, unquote, urlsplit

import yaml

from bot import nlp
from bot.settings import PROJECT_ROOT, Settings, get_settings
from bot.urls import DEMO_PATH, HEALTH_PATH

logger = logging.getLogger(__name__)

MODELS_DIR = PROJECT_ROOT / "models"
VAR_DIR = PROJECT_ROOT / "var"
MODEL_PREFIX = "rygbot-"
# What the trained model depends on. Content texts and red-flag patterns are read at run time.
# The Rasa training data; data/redflags/ trains the red-flag recall layer, not Rasa.
RASA_DATA = ("data/nlu", "data/stories")
FINGERPRINT_INPUTS = (
    "domain.yml", "config.yml", *RASA_DATA, "bot/rasa/redflag_component.py", "bot/rasa/tokenizer.py",
)
READY_TIMEOUT_SECONDS = 180.0
PURGE_INTERVAL_SECONDS = 24 * 60 * 60


# --- Training -------------------------------------------------------------------------------------


def fingerprint(root: Path = PROJECT_ROOT) -> str:
    """A short hash of the files that shape the trained model."""
    digest = hashlib.sha256()
    for name in FINGERPRINT_INPUTS:
        path = root / name
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            if file.suffix in {".pyc"} or not file.exists():
                continue
            digest.update(str(file.relative_to(root)).encode())
            digest.update(file.read_bytes())
    digest.update(nlp.describe().encode())  # the tokenizer's pipeline: lookup lemmas or da_core_news_sm
    return digest.hexdigest()[:16]


def model_path(root: Path = PROJECT_ROOT) -> Path:
    """Where the model for the current data lives (it may not exist yet)."""
    return root / "models" / f"{MODEL_PREFIX}{fingerprint(root)}.tar.gz"


def rasa_env(settings: Optional[Settings] = None) -> dict[str, str]:
    """The environment for Rasa processes: telemetry off, the configured log level."""
    settings = settings or get_settings()
    env = dict(os.environ)
    env["RASA_TELEMETRY_ENABLED"] = "false"
    env["LOG_LEVEL"] = settings.log_level
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    # TensorFlow sizes its thread pools to the machine; the intent model is a chain of small ops,
    # so one pool of two threads does (a 2-core server), and several instances on one host do not
    # crowd each other out.
    env.setdefault("TF_INTER_OP_PARALLELISM_THREADS", "1")
    env.setdefault("TF_INTRA_OP_PARALLELISM_THREADS", "2")
    # Rasa's dependencies warn about their own deprecated imports at every start; not ours to fix.
    env.setdefault("PYTHONWARNINGS", "ignore::DeprecationWarning")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH", "")]))
    return env


def train_if_needed(log: Optional[IO[str]] = None) -> Path:
    """Return the model for the current data, training it first when it does not exist.

    Training runs under `nice` (the machine is shared); older rygbot models are removed.
    """
    from bot.redflags.detector import default_detector

    default_detector().recall_model()  # the red-flag recall layer, trained and cached once so no patient waits for it
    target = model_path()
    if target.exists():
        return target
    MODELS_DIR.mkdir(parents=True, exist_ok=True)
    print(f"Træner modellen ({target.name}) ...", flush=True)
    started = time.monotonic()
    command = [
        "nice", "-n", "10", sys.executable, "-m", "rasa", "train",
        "--config", "config.yml", "--domain", "domain.yml", "--data", *RASA_DATA,
        "--out", str(MODELS_DIR), "--fixed-model-name", target.name[: -len(".tar.gz")],
    ]
    result = subprocess.run(command, cwd=PROJECT_ROOT, env=rasa_env(), stdout=log, stderr=log)
    if result.returncode != 0 or not target.exists():
        raise RuntimeError(f"rasa train failed (exit code {result.returncode})")
    logger.info("Trained %s in %.0f s", target.name, time.monotonic() - started)
    print(f"Modellen er trænet på {time.monotonic() - started:.0f} s.", flush=True)
    for old in MODELS_DIR.glob(f"{MODEL_PREFIX}*.tar.gz"):
        if old != target:
            old.unlink(missing_ok=True)
    return target


# --- Configuration for the servers ------------------------------------------------------------------


def tracker_store_config(url: str) -> dict:
    """Rasa's tracker store settings from one URL (sqlite:///var/rygbot.db, postgresql://...)."""
    if not url or url == "memory":
        return {"type": "in_memory"}
    parts = urlsplit(url)
    dialect = parts.scheme.split("+")[0]
    if dialect == "sqlite":
        path = Path(unquote(url.split(":///", 1)[1]) if ":///" in url else "var/rygbot.db")
        path = path if path.is_absolute() else PROJECT_ROOT / path
        path.parent.mkdir(parents=True, exist_ok=True)
        return {"type": "SQL", "dialect": "sqlite", "db": str(path)}
    config: dict[str, Any] = {
        "type": "SQL",
        "dialect": parts.scheme,
        "url": parts.hostname or "localhost",
        "db": parts.path.lstrip("/"),
    }
    if parts.port:
        config["port"] = parts.port
    if parts.username:
        config["username"] = unquote(parts.username)
    if parts.password:
        config["password"] = unquote(parts.password)
    if parts.query:  # e.g. ?sslmode=verify-full for a database on another host
        config["query"] = dict(parse_qsl(parts.query))
    return config


def lock_store_config(url: str) -> Optional[dict]:
    """Rasa's Redis lock store from redis://[:password@]host[:port][/db]; None keeps it in memory."""
    if not url:
        return None
    parts = urlsplit(url)
    # Rasa's lock keys are "<prefix>:lock:<sender>"; the prefix keeps them apart from anything else
    # in a shared Redis (Rasa takes only an alphanumeric one and ignores others with a warning).
    config: dict = {
        "type": "redis",
        "url": parts.hostname or "localhost",
        "port": parts.port or 6379,
        "key_prefix": "rygbot",
    }
    if parts.path.strip("/").isdigit():
        config["db"] = int(parts.path.strip("/"))
    if parts.password:
        config["password"] = unquote(parts.password)
    if parts.scheme == "rediss":
        config["use_ssl"] = True
    return config


def write_endpoints(
    path: Path, action_port: int, tracker_store_url: str, lock_store_url: str = "", action_host: str = "127.0.0.1"
) -> Path:
    """Write Rasa's endpoints file for these settings (the repo's endpoints.yml shows the default)."""
    config: dict = {
        # The actions never read the domain, so Rasa need not send it with every call.
        "action_endpoint": {
            "url": f"http://{_client_host(action_host)}:{action_port}/webhook",
            "enable_selective_domain": True,
        },
        "tracker_store": tracker_store_config(tracker_store_url),
    }
    lock_store = lock_store_config(lock_store_url)
    if lock_store:
        config["lock_store"] = lock_store
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("# Written by bot/launcher.py from the settings; edit .env instead.\n" + yaml.safe_dump(config))
    return path


# --- Processes ----------------------------------------------------------------------------------------


def start_action_server(
    port: int, log: IO[str], env: Optional[dict[str, str]] = None, host: Optional[str] = None
) -> subprocess.Popen:
    """The rasa_sdk action server with the actions/ package, on loopback unless configured.

    rasa_sdk 3.6 has no interface option and no token: it reads SANIC_HOST and binds 0.0.0.0 without it.
    """
    command = [sys.executable, "-m", "rasa_sdk", "--actions", "actions", "--port", str(port)]
    env = dict(env or rasa_env())
    env["SANIC_HOST"] = host or get_settings().action_host
    return subprocess.Popen(
        command, cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )


class UnsafeSettingError(ValueError):
    """A setting that would open the bot to more than intended; the message says what to change."""


def cors_arguments(settings: Settings) -> list[str]:
    """Rasa's `--cors` arguments: only the named origins (none: the bot's own pages only).

    `*` would let any website talk to the bot in the patient's name, so it is refused unless the
    development setting RYGBOT_DEV_ALLOW_ANY_ORIGIN allows it.
    """
    origins = list(settings.cors_origins)
    if "*" in origins and not settings.allow_any_origin:
        raise UnsafeSettingError(
            'RYGBOT_CORS_ORIGINS="*" would let any website use the bot. Name the clinic sites instead, '
            "e.g. RYGBOT_CORS_ORIGINS=https://klinik.example,https://www.klinik.example "
            "(for local development only: RYGBOT_DEV_ALLOW_ANY_ORIGIN=true)."
        )
    return ["--cors", *origins] if origins else []


def rasa_command(model: Path, port: int, endpoints: Path, settings: Settings) -> list[str]:
    """`rasa run` with the rygbot channel; the HTTP API only when a token is configured."""
    command = [
        sys.executable,
        "-m",
        "rasa",
        "run",
        "--model",
        str(model),
        "--endpoints",
        str(endpoints),
        "--credentials",
        str(PROJECT_ROOT / "credentials.yml"),
        "--interface",
        settings.host,
        "--port",
        str(port),
        *cors_arguments(settings),
    ]
    if settings.rasa_api_token:
        command += ["--enable-api", "--auth-token", settings.rasa_api_token]
    return command


def start_rasa(
    model: Path,
    port: int,
    endpoints: Path,
    log: IO[str],
    settings: Optional[Settings] = None,
    env: Optional[dict[str, str]] = None,
) -> subprocess.Popen:
    """Start Rasa (see `rasa_command`) in its own process group."""
    settings = settings or get_settings()
    return subprocess.Popen(
        rasa_command(model, port, endpoints, settings),
        cwd=PROJECT_ROOT,
        env=env or rasa_env(settings),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def wait_until_ready(url: str, process: subprocess.Popen, timeout: float = READY_TIMEOUT_SECONDS) -> None:
    """Poll `url` until it answers 200; fail early when the process exits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with code {process.returncode} before it was ready ({url})")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            pass
        time.sleep(0.3)
    raise TimeoutError(f"{url} was not ready after {timeout:.0f} s")


def stop(process: Optional[subprocess.Popen], timeout: float = 10.0) -> None:
    """Stop a server started here (its own process group), forcefully if it does not stop."""
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=timeout)
    except ProcessLookupError:
        pass


@dataclass
class Running:
    action_server: subprocess.Popen
    rasa: subprocess.Popen


def health_urls(host: str, rasa_port: int, action_port: int, action_host: str = "127.0.0.1") -> tuple[str, str]:
    """Where to poll: the action server's /health and the rygbot channel's health route."""
    return (
        f"http://{_client_host(action_host)}:{action_port}/health",
        f"http://{_client_host(host)}:{rasa_port}{HEALTH_PATH}",
    )


def _client_host(host: str) -> str:
    return "127.0.0.1" if host in {"0.0.0.0", "::", ""} else host


def purge_now(settings: Settings) -> None:
    """Apply the retention; a failure is logged and does not stop the servers."""
    from bot.retention import purge

    try:
        purge(settings.tracker_store_url, settings.retention_days)
    except Exception as error:  # noqa: BLE001 - the next daily run tries again
        logger.error("Purging old conversations failed (%s)", type(error).__name__)


def run() -> int:
    """Train if needed, start both servers, print where to chat, and wait for Ctrl-C.

    Conversations older than the retention are purged at start and once a day while running.
    """
    settings = get_settings()
    cors_arguments(settings)  # refuse an unsafe CORS setting before the long steps
    model = train_if_needed()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    endpoints = write_endpoints(
        VAR_DIR / "endpoints.yml",
        settings.action_port,
        settings.tracker_store_url,
        settings.lock_store_url,
        settings.action_host,
    )
    purge_now(settings)
    next_purge = time.monotonic() + PURGE_INTERVAL_SECONDS
    log = sys.stdout
    running: Optional[Running] = None

    def shutdown(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, shutdown)
    try:
        action_server = start_action_server(settings.action_port, log)
        rasa = start_rasa(model, settings.rasa_port, endpoints, log, settings)
        running = Running(action_server, rasa)
        action_health, rasa_health = health_urls(
            settings.host, settings.rasa_port, settings.action_port, settings.action_host
        )
        wait_until_ready(action_health, action_server)
        wait_until_ready(rasa_health, rasa)
        print(
            f"\nrygbot kører. Åbn http://{_client_host(settings.host)}:{settings.rasa_port}{DEMO_PATH} i en browser"
            f"\neller chat i terminalen: make chat. Stop med Ctrl-C.\n",
            flush=True,
        )
        while action_server.poll() is None and rasa.poll() is None:
            time.sleep(0.5)
            if time.monotonic() >= next_purge:
                purge_now(settings)
                next_purge = time.monotonic() + PURGE_INTERVAL_SECONDS
        print("En af serverne stoppede; stopper den anden.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nStopper rygbot ...", flush=True)
        return 0
    finally:
        if running:
            stop(running.rasa)
            stop(running.action_server)


def main(argv: Sequence[str]) -> int:
    logging.basicConfig(level=get_settings().log_level, format="%(levelname)s %(name)s: %(message)s")
    command = argv[0] if argv else "run"
    if command == "train":
        print(f"Model: {train_if_needed().relative_to(PROJECT_ROOT)}")
        return 0
    if command == "run":
        try:
            if "--instances" in argv:
                from bot import cluster

                return cluster.run(_instances(argv))
            return run()
        except UnsafeSettingError as error:
            print(f"rygbot did not start: {error}", file=sys.stderr)
            return 2
    print("usage: python -m bot train | run [--instances N]", file=sys.stderr)
    return 2


def _instances(argv: Sequence[str]) -> int:
    """N from `run --instances N` (make run-cluster): at least one."""
    index = list(argv).index("--instances")
    value = argv[index + 1] if index + 1 < len(argv) else ""
    if not value.isdigit() or int(value) < 1:
        raise SystemExit("usage: python -m bot run --instances N (N >= 1)")
    return int(value)
