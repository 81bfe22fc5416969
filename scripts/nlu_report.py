"""NLU cross-validation report: intent F1 per intent, macro and weighted F1.

Runs `rasa test nlu --cross-validation` on data/nlu with config.yml (custom red-flag component
included, so the project root goes on PYTHONPATH), then turns Rasa's intent_report.json into a
Markdown table on stdout and in results/nlu_report.md. Takes a few minutes: one training per fold.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import subprocess
import sys
import time
from pathlib import Path

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[1]
SPACY_MODEL_DIR = ROOT / "models" / "spacy_da"
SUMMARY_KEYS = ("accuracy", "macro avg", "weighted avg", "micro avg")
TOP_CONFUSIONS = 15


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", default=str(ROOT / "config.yml"), help="Rasa config file")
    parser.add_argument("--nlu", default=str(ROOT / "data" / "nlu"), help="NLU data folder")
    parser.add_argument("--folds", type=int, default=3, help="cross-validation folds")
    parser.add_argument("--out", default=str(ROOT / "results" / "nlu"), help="Rasa output folder")
    parser.add_argument(
        "--report", default=str(ROOT / "results" / "nlu_report.md"), help="Markdown report file"
    )
    parser.add_argument(
        "--skip-run", action="store_true", help="only rebuild the report from an earlier run"
    )
    return parser.parse_args(argv)


def _ensure_spacy_model(config: str) -> None:
    """SpacyNLP in config.yml loads the Danish pipeline from models/spacy_da."""
    uses_default_model = "models/spacy_da" in Path(config).read_text(encoding="utf-8")
    if uses_default_model and not SPACY_MODEL_DIR.exists():
        logger.info("building the Danish spaCy pipeline in %s", SPACY_MODEL_DIR)
        subprocess.run([sys.executable, "-m", "bot", "nlp", "build"], cwd=ROOT, check=True)


def _run_cross_validation(args: argparse.Namespace) -> float:
    """Runs Rasa's cross-validation at low CPU priority; returns the wall time in seconds."""
    env = dict(os.environ, RASA_TELEMETRY_ENABLED="false")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    rasa = Path(sys.executable).with_name("rasa")
    command = [
        str(rasa), "test", "nlu", "--cross-validation", "--folds", str(args.folds),
        "--config", args.config, "--nlu", args.nlu, "--out", args.out, "--no-plot",
    ]
    started = time.monotonic()
    subprocess.run(command, cwd=ROOT, env=env, check=True, preexec_fn=lambda: os.nice(10))
    return time.monotonic() - started


def _format_report(report: dict, folds: int, seconds: float | None) -> str:
    intents = sorted(
        (name for name, row in report.items() if name not in SUMMARY_KEYS and isinstance(row, dict)),
        key=lambda name: (report[name]["f1-score"], name),
    )
    lines = [
        f"# NLU cross-validation ({folds} folds)",
        "",
        "| intent | precision | recall | F1 | support | most confused with |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for name in intents:
        row = report[name]
        confused = ", ".join(f"{other} ({n})" for other, n in list(row.get("confused_with", {}).items())[:2])
        lines.append(
            f"| {name} | {row['precision']:.3f} | {row['recall']:.3f} | {row['f1-score']:.3f} "
            f"| {row['support']} | {confused} |"
        )
    lines.append("")
    for key in ("macro avg", "weighted avg"):
        if key in report:
            lines.append(f"- **{key} F1: {report[key]['f1-score']:.3f}**")
    if "accuracy" in report:
        lines.append(f"- accuracy: {report['accuracy']:.3f}")
    if seconds is not None:
        lines.append(f"- run time: {seconds / 60:.1f} min")

    pairs = sorted(
        ((n, name, other) for name in intents for other, n in report[name].get("confused_with", {}).items()),
        reverse=True,
    )[:TOP_CONFUSIONS]
    if pairs:
        lines += ["", "## Most frequent confusions (true → predicted)", ""]
        lines += [f"- {name} → {other}: {n}" for n, name, other in pairs]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    args = _parse_args(argv)
    seconds = None
    if not args.skip_run:
        _ensure_spacy_model(args.config)
        seconds = _run_cross_validation(args)
    report_file = Path(args.out) / "intent_report.json"
    if not report_file.exists():
        logger.error("no %s: run without --skip-run first", report_file)
        return 1
    markdown = _format_report(json.loads(report_file.read_text(encoding="utf-8")), args.folds, seconds)
    Path(args.report).parent.mkdir(parents=True, exist_ok=True)
    Path(args.report).write_text(markdown, encoding="utf-8")
    print(markdown)
    return 0


if __name__ == "__main__":
    sys.exit(main())
