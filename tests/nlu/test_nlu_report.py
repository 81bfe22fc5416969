"""The NLU report (`python -m bot nlu-report`) turns Rasa's cross-validation output into the table
the closing note quotes."""

from __future__ import annotations

import json
from pathlib import Path

from bot import nlu_report

REPORT = {
    "affirm": {"precision": 0.9, "recall": 0.8, "f1-score": 0.85, "support": 10, "confused_with": {"deny": 2}},
    "deny": {"precision": 0.7, "recall": 0.9, "f1-score": 0.79, "support": 10, "confused_with": {}},
    "accuracy": 0.85,
    "macro avg": {"precision": 0.8, "recall": 0.85, "f1-score": 0.82, "support": 20},
    "weighted avg": {"precision": 0.8, "recall": 0.85, "f1-score": 0.83, "support": 20},
}


def test_report_lists_weakest_intent_first_with_macro_and_weighted_f1() -> None:
    markdown = nlu_report._format_report(REPORT, 3, None, {}, None)
    rows = [line for line in markdown.splitlines() if line.startswith("| ") and "intent" not in line]
    assert [row.split(" | ")[0] for row in rows] == ["| deny", "| affirm"]
    assert "macro avg F1: 0.820" in markdown
    assert "weighted avg F1: 0.830" in markdown
    assert "- affirm → deny: 2" in markdown


def test_low_confidence_share_counts_errors_and_successes(tmp_path: Path) -> None:
    def prediction(intent: str, confidence: float) -> dict:
        return {"text": "x", "intent": intent, "intent_prediction": {"name": intent, "confidence": confidence}}

    (tmp_path / "intent_errors.json").write_text(json.dumps([prediction("deny", 0.3)]))
    (tmp_path / "intent_successes.json").write_text(
        json.dumps([prediction("deny", 0.9), prediction("affirm", 0.4), prediction("affirm", 0.6)])
    )
    share = nlu_report._low_confidence_share(tmp_path, 0.5)
    assert share == {"deny": 0.5, "affirm": 0.5, "all": 0.5}
