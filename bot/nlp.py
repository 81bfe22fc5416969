"""The Danish spaCy pipeline: loaded once per process, and shared by the red-flag detector and Rasa's
tokenizer (bot/rasa/tokenizer.py).

`da_core_news_sm` is used when it is installed and RYGBOT_SPACY_MODEL is `auto` or its name.
Otherwise the pipeline is `spacy.blank("da")` with the lookup lemmatizer, whose tables come from
spacy-lookups-data, so no download is needed (this is what CI runs).

`python -m bot nlp build [DIR]` writes the pipeline to DIR (default models/spacy_da), for spaCy's
own tools and for Rasa's SpacyNLP in configurations of your own.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import logging
import os
import threading
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.settings import PROJECT_ROOT, get_settings

if TYPE_CHECKING:
    from spacy.language import Language

logger = logging.getLogger(__name__)

FULL_MODEL = "da_core_news_sm"
AUTO = "auto"
DEFAULT_BUILD_DIR = PROJECT_ROOT / "models" / "spacy_da"
BUILD_STAMP = "rygbot-pipeline.json"
# Components the detector never needs; skipping them keeps it fast with the full model.
HEAVY_COMPONENTS = ("parser", "ner")

_lock = threading.Lock()
_nlp: "Language | None" = None
_lemma_table: Any = None


def uses_full_model() -> bool:
    """True when da_core_news_sm is wanted (setting) and installed."""
    wanted = get_settings().spacy_model
    if wanted not in (AUTO, FULL_MODEL):
        return False
    installed = importlib.util.find_spec(FULL_MODEL) is not None
    if not installed and wanted == FULL_MODEL:
        logger.warning("%s is not installed; using the lookup lemmatizer pipeline instead", FULL_MODEL)
    return installed


def get_nlp() -> "Language":
    """The one Danish pipeline of this process (loaded on first use, ~2 s)."""
    global _nlp
    if _nlp is None:
        with _lock:
            if _nlp is None:
                _nlp = _load_full() if uses_full_model() else _build_lookup()
                logger.info("spaCy pipeline ready: %s", describe())
    return _nlp


def get_lemma_table() -> Any:
    """The Danish lemma lookup table (word -> lemma), also used to tell known words from typos."""
    global _lemma_table
    if _lemma_table is None:
        nlp = get_nlp()
        with _lock:
            if _lemma_table is None:
                lemmatizer: Any = nlp.get_pipe("lemmatizer") if "lemmatizer" in nlp.pipe_names else None
                if lemmatizer is not None and lemmatizer.lookups.has_table("lemma_lookup"):
                    _lemma_table = lemmatizer.lookups.get_table("lemma_lookup")
                else:
                    from spacy.lookups import load_lookups

                    _lemma_table = load_lookups("da", ["lemma_lookup"]).get_table("lemma_lookup")
    return _lemma_table


def detector_disabled() -> list[str]:
    """Components to skip when the detector runs the pipeline (it needs tokens and lemmas only)."""
    return [name for name in get_nlp().pipe_names if name in HEAVY_COMPONENTS]


def _load_full() -> "Language":
    import spacy

    return spacy.load(FULL_MODEL)


def _build_lookup() -> "Language":
    import spacy

    nlp = spacy.blank("da")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    nlp.meta["name"] = "rygbot_da_lookup"
    return nlp


def describe() -> str:
    """Which pipeline this process uses, with versions (part of the Rasa model's fingerprint)."""
    if uses_full_model():
        return f"{FULL_MODEL} {_version(FULL_MODEL)}"
    return (
        f"spacy.blank('da') {_version('spacy')} + lookup lemmatizer "
        f"(spacy-lookups-data {_version('spacy-lookups-data')})"
    )


def _version(distribution: str) -> str:
    try:
        return version(distribution)
    except PackageNotFoundError:
        return "?"


def build(directory: Path) -> bool:
    """Write the pipeline to `directory` unless the same pipeline is already there; True if written."""
    stamp = {"pipeline": describe()}
    stamp_file = directory / BUILD_STAMP
    try:
        if json.loads(stamp_file.read_text(encoding="utf-8")) == stamp and (directory / "config.cfg").exists():
            return False
    except (OSError, ValueError):
        pass
    directory.mkdir(parents=True, exist_ok=True)
    get_nlp().to_disk(directory)
    stamp_file.write_text(json.dumps(stamp, ensure_ascii=False) + "\n", encoding="utf-8")
    return True


def main(argv: list[str]) -> int:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # TensorFlow, pulled in by thinc, is noisy on stderr
    parser = argparse.ArgumentParser(prog="python -m bot nlp", description="Danish spaCy pipeline tools")
    sub = parser.add_subparsers(dest="action", required=True)
    build_parser = sub.add_parser("build", help="write the pipeline to disk (spaCy tools, Rasa's SpacyNLP)")
    build_parser.add_argument("directory", nargs="?", type=Path, default=DEFAULT_BUILD_DIR)
    args = parser.parse_args(argv[1:])
    directory = args.directory if args.directory.is_absolute() else Path.cwd() / args.directory
    written = build(directory)
    print(f"{'Wrote' if written else 'Already up to date:'} {directory} ({describe()})")
    return 0
