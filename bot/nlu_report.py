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

from rasa.shared.utils.io import read_yaml_file

from bot.settings import PROJECT_ROOT

logger = logging.getLogger(__name__)

ROOT = PROJECT_ROOT
SUMMARY_KEYS = ("accuracy", "macro avg", "weighted avg", "micro avg")
TOP_CONFUSIONS = 15


def _parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bot nlu-report", description=__doc__.splitlines()[0])
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


def _run_cross_validation(args: argparse.Namespace) -> float:
    """Runs Rasa's cross-validation at low CPU priority; returns the wall time in seconds."""
    env = dict(os.environ, RASA_TELEMETRY_ENABLED="false")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    rasa = Path(sys.executable).with_name("rasa")
    command = [
        str(rasa), "test", "nlu", "--cross-validation", "--folds", str(args.folds),
        "--config", args.config, "--nlu", args.nlu, "--out", args.out, "--no-plot", "--successes",
    ]
    started = time.monotonic()
    subprocess.run(command, cwd=ROOT, env=env, check=True, preexec_fn=lambda: os.nice(10))
    return time.monotonic() - started


def _fallback_threshold(config: str) -> float | None:
    """The FallbackClassifier threshold, to show how often a test message would fall back."""
    pipeline = read_yaml_file(config).get("pipeline") or []
    for component in pipeline:
        if component.get("name") == "FallbackClassifier":
            return float(component.get("threshold", 0.3))
    return None


def _low_confidence_share(out: Path, threshold: float) -> dict[str, float]:
    """Per true intent (and "all"): share of test predictions below the fallback threshold."""
    predictions = []
    for name in ("intent_errors.json", "intent_successes.json"):
        if (out / name).exists():
            predictions += json.loads((out / name).read_text(encoding="utf-8"))
    low: dict[str, list[bool]] = {}
    for p in predictions:
        below = p["intent_prediction"]["confidence"] < threshold
        low.setdefault(p["intent"], []).append(below)
        low.setdefault("all", []).append(below)
    return {intent: sum(flags) / len(flags) for intent, flags in low.items()}


def _format_report(
    report: dict, folds: int, seconds: float | None, low: dict[str, float], threshold: float | None
) -> str:
    intents = sorted(
        (name for name, row in report.items() if name not in SUMMARY_KEYS and isinstance(row, dict)),
        key=lambda name: (report[name]["f1-score"], name),
    )
    lines = [
        f"# NLU cross-validation ({folds} folds)",
        "",
        "| intent | precision | recall | F1 | support | below fallback | most confused with |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for name in intents:
        row = report[name]
        confused = ", ".join(f"{other} ({n})" for other, n in list(row.get("confused_with", {}).items())[:2])
        lines.append(
            f"| {name} | {row['precision']:.3f} | {row['recall']:.3f} | {row['f1-score']:.3f} "
            f"| {row['support']} | {_percent(low.get(name))} | {confused} |"
        )
    lines.append("")
    for key in ("macro avg", "weighted avg"):
        if key in report:
            lines.append(f"- **{key} F1: {report[key]['f1-score']:.3f}**")
    if "accuracy" in report:
        lines.append(f"- accuracy: {report['accuracy']:.3f}")
    if threshold is not None:
        lines.append(
            f"- test messages below the fallback threshold ({threshold}): {_percent(low.get('all'))}"
            " (the bot would ask them to rephrase; F1 above ignores the fallback, as Rasa does)"
        )
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


def _percent(share: float | None) -> str:
    return "" if share is None else f"{100 * share:.0f} %"


def main(argv: list[str]) -> int:
    """`python -m bot nlu-report [--folds N ...]` (argv[0] is the command)."""
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    args = _parse_args(argv[1:])
    seconds = None
    if not args.skip_run:
        seconds = _run_cross_validation(args)
    report_file = Path(args.out) / "intent_report.json"
    if not report_file.exists():
        logger.error("no %s: run without --skip-run first", report_file)
        return 1
    threshold = _fallback_threshold(args.config)
    low = _low_confidence_share(Path(args.out), threshold) if threshold is not None else {}
    report = json.loads(report_file.read_text(encoding="utf-8"))
    markdown = _format_report(report, args.folds, seconds, low, threshold)
    Path(args.report).parent.mkdir(parents=True, exist_ok=True)
    Path(args.report).write_text(markdown, encoding="utf-8")
    print(markdown)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
