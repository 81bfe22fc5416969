"""Score the detector on a labelled test set: recall per category, emergency level, specificity.

The test set is a YAML list of ``{text, flags, group}``; `group` is one of positive, negated, mixed
(a negated and a present flag), benign. Thresholds are fixed here and never loosened.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import yaml

from bot.redflags.catalogue import CATEGORY_NAMES
from bot.redflags.detector import Detection
from bot.triage import EMERGENCY, level_for_flags

GROUPS = ("positive", "negated", "mixed", "benign")
MIN_RECALL = 1.0
MIN_EMERGENCY_ACCURACY = 1.0
MIN_SPECIFICITY = 0.95


@dataclass(frozen=True)
class Item:
    text: str
    flags: frozenset[str]
    group: str


@dataclass(frozen=True)
class Failure:
    item: Item
    detected: tuple[str, ...]
    missing: tuple[str, ...]
    extra: tuple[str, ...]


@dataclass
class Report:
    counts: dict[str, int]
    recall: dict[str, float]
    emergency_accuracy: float
    specificity_negated: float
    specificity_benign: float
    failures: list[Failure] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return (
            all(value >= MIN_RECALL for value in self.recall.values())
            and self.emergency_accuracy >= MIN_EMERGENCY_ACCURACY
            and self.specificity_negated >= MIN_SPECIFICITY
            and self.specificity_benign >= MIN_SPECIFICITY
        )

    def format(self) -> str:
        lines = [f"Items: {sum(self.counts.values())} ({', '.join(f'{g} {n}' for g, n in self.counts.items())})", ""]
        lines.append(f"Recall per category (target {MIN_RECALL:.0%}):")
        for name, value in self.recall.items():
            lines.append(f"  {name:<18} {value:7.1%}  {_mark(value >= MIN_RECALL)}")
        lines.append(
            f"Emergency level correct: {self.emergency_accuracy:7.1%}  (target {MIN_EMERGENCY_ACCURACY:.0%}) "
            f"{_mark(self.emergency_accuracy >= MIN_EMERGENCY_ACCURACY)}"
        )
        lines.append(
            f"Specificity, negated/excluded: {self.specificity_negated:7.1%}  (target {MIN_SPECIFICITY:.0%}) "
            f"{_mark(self.specificity_negated >= MIN_SPECIFICITY)}"
        )
        lines.append(
            f"Specificity, benign:           {self.specificity_benign:7.1%}  (target {MIN_SPECIFICITY:.0%}) "
            f"{_mark(self.specificity_benign >= MIN_SPECIFICITY)}"
        )
        if self.failures:
            lines += ["", f"Failures ({len(self.failures)}):"]
            for failure in self.failures:
                detail = []
                if failure.missing:
                    detail.append(f"missed {', '.join(failure.missing)}")
                if failure.extra:
                    detail.append(f"false {', '.join(failure.extra)}")
                lines.append(f"  [{failure.item.group}] {'; '.join(detail)}: {failure.item.text}")
        lines += ["", "PASS" if self.passed else "FAIL"]
        return "\n".join(lines)


def _mark(ok: bool) -> str:
    return "ok" if ok else "BELOW TARGET"


def load_testset(path: Path | str) -> list[Item]:
    """Read and check a test set; raises ValueError naming the bad item."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    if not isinstance(data, list):
        raise ValueError(f"{path}: expected a list of items")
    items = []
    for number, entry in enumerate(data, start=1):
        if not isinstance(entry, dict) or not isinstance(entry.get("text"), str):
            raise ValueError(f"{path}: item {number} needs a text")
        flags = frozenset(entry.get("flags") or [])
        unknown = flags - set(CATEGORY_NAMES)
        if unknown or entry.get("group") not in GROUPS:
            raise ValueError(f"{path}: item {number} has unknown flags {sorted(unknown)} or group {entry.get('group')}")
        items.append(Item(entry["text"], flags, entry["group"]))
    return items


def evaluate(items: Iterable[Item], detect: Callable[[str], Detection], level_of: dict[str, str]) -> Report:
    """Run `detect` on every item and score it."""
    items = list(items)
    expected_count = {name: 0 for name in CATEGORY_NAMES}
    found_count = {name: 0 for name in CATEGORY_NAMES}
    emergency_total = emergency_right = 0
    clean = {"negated": [0, 0], "benign": [0, 0]}
    failures = []
    for item in items:
        detection = detect(item.text)
        detected = set(detection.flags)
        for name in item.flags:
            expected_count[name] += 1
            found_count[name] += name in detected
        if level_for_flags(item.flags, level_of) == EMERGENCY:
            emergency_total += 1
            emergency_right += detection.level == EMERGENCY
        extra = detected - item.flags
        bucket = "benign" if item.group == "benign" else "negated" if item.group in ("negated", "mixed") else None
        if bucket:
            clean[bucket][0] += 1
            clean[bucket][1] += not extra
        missing = item.flags - detected
        if missing or extra:
            failures.append(Failure(item, tuple(detection.flags), tuple(sorted(missing)), tuple(sorted(extra))))
    return Report(
        counts={group: sum(item.group == group for item in items) for group in GROUPS},
        recall={name: found_count[name] / expected_count[name] if expected_count[name] else 0.0 for name in CATEGORY_NAMES},
        emergency_accuracy=emergency_right / emergency_total if emergency_total else 1.0,
        specificity_negated=clean["negated"][1] / clean["negated"][0] if clean["negated"][0] else 1.0,
        specificity_benign=clean["benign"][1] / clean["benign"][0] if clean["benign"][0] else 1.0,
        failures=failures,
    )
