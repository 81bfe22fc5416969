"""All settings in one place, read from the environment after python-dotenv loads `.env`."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from dotenv import load_dotenv

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_RETENTION_DAYS = 30


def _env(name: str, default: str) -> str:
    value = os.environ.get(name, "").strip()
    return value or default


def _resolve(path: str) -> Path:
    candidate = Path(path)
    return candidate if candidate.is_absolute() else PROJECT_ROOT / candidate


@dataclass(frozen=True)
class Settings:
    """The settings documented in `.env.example`."""

    spacy_model: str
    content_dir: Path
    host: str
    action_host: str
    rasa_port: int
    action_port: int
    cors_origins: tuple[str, ...]
    allow_any_origin: bool
    rasa_api_token: str
    log_level: str
    tracker_store_url: str
    lock_store_url: str
    clinic_name: str
    clinic_phone: str
    clinic_region: str
    retention_days: int
    # The clinic statistics page /stats is served only when this is set (and given by the caller).
    stats_token: str = ""


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Load `.env` once (real environment variables win) and return the settings."""
    load_dotenv(PROJECT_ROOT / ".env", override=False)
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
    return Settings(
        spacy_model=_env("RYGBOT_SPACY_MODEL", "auto"),
        content_dir=_resolve(_env("RYGBOT_CONTENT_DIR", "content")),
        host=_env("RYGBOT_HOST", "127.0.0.1"),
        action_host=_env("RYGBOT_ACTION_HOST", "127.0.0.1"),
        rasa_port=int(_env("RYGBOT_RASA_PORT", "5005")),
        action_port=int(_env("RYGBOT_ACTION_PORT", "5055")),
        cors_origins=tuple(o.strip() for o in _env("RYGBOT_CORS_ORIGINS", "").split(",") if o.strip()),
        allow_any_origin=_env("RYGBOT_DEV_ALLOW_ANY_ORIGIN", "false").lower() in {"1", "true", "yes"},
        rasa_api_token=_env("RYGBOT_RASA_API_TOKEN", ""),
        log_level=_env("RYGBOT_LOG_LEVEL", "INFO").upper(),
        tracker_store_url=_env("RYGBOT_TRACKER_STORE_URL", "sqlite:///var/rygbot.db"),
        lock_store_url=_env("RYGBOT_LOCK_STORE_URL", ""),
        clinic_name=_env("RYGBOT_CLINIC_NAME", ""),
        clinic_phone=_env("RYGBOT_CLINIC_PHONE", ""),
        clinic_region=_env("RYGBOT_CLINIC_REGION", ""),
        retention_days=int(_env("RYGBOT_RETENTION_DAYS", str(DEFAULT_RETENTION_DAYS))),
        stats_token=_env("RYGBOT_STATS_TOKEN", ""),
    )
