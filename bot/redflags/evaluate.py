"""Score the detector on a labelled message file: what it escalates, what it asks about, what it misses.

A file is a YAML list of ``{text, flags, group}`` (an optional ``note`` is kept for reading); `group`
is one of positive, negated, mixed (a negated and a present flag), hard (a hard negative: someone
else's illness, long ago, planned, a question, a figure of speech, an explanation) and benign.

Two sets of targets, fixed here and never loosened:
- every file (issue 8): each category caught (escalated, or asked about at once) ≥ 99 %, emergencies
  caught ≥ 99 %, benign and hard negatives escalated ≤ 3 %, benign messages asked about ≤ 15 %;
- `strict` (the project's own test set, which the patterns were written for): also every flag
  escalated (100 %), the emergency level right (100 %) and negated messages clean (≥ 95 %).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import yaml

from bot.redflags.catalogue import CATEGORY_NAMES, EMERGENCY_CATEGORIES
from bot.redflags.detector import Detection
from bot.triage import EMERGENCY

GROUPS = ("positive", "negated", "mixed", "hard", "benign")
MIN_CAUGHT = 0.99
MIN_EMERGENCY_CAUGHT = 0.99
MAX_ESCALATED_NEGATIVES = 0.03
MAX_ASKED_BENIGN = 0.15
MIN_RECALL = 1.0
MIN_EMERGENCY_ACCURACY = 1.0
MIN_SPECIFICITY = 0.95


@dataclass(frozen=True)
class Item:
    text: str
    flags: frozenset[str]
    group: str
    note: str = ""


@dataclass(frozen=True)
class Failure:
    item: Item
    detected: tuple[str, ...]
    asked: tuple[str, ...]
    missing: tuple[str, ...]
    extra: tuple[str, ...]


def _share(part: int, whole: int, empty: float) -> float:
    return part / whole if whole else empty


@dataclass
class Report:
    counts: dict[str, int]
    recall: dict[str, float]
    caught: dict[str, float]
    emergency_accuracy: float
    emergency_caught: float
    specificity_negated: float
    escalated_negatives: float
    escalated_hard: float
    escalated_benign: float
    asked_benign: float
    asked_hard: float
    strict: bool = False
    failures: list[Failure] = field(default_factory=list)

    @property
    def checks(self) -> list[tuple[str, float, float, bool]]:
        """(what, value, target, ok) for every target that applies."""
        checks = [(f"caught {name}", value, MIN_CAUGHT, value >= MIN_CAUGHT) for name, value in self.caught.items()]
        checks += [
            ("emergencies caught", self.emergency_caught, MIN_EMERGENCY_CAUGHT,
             self.emergency_caught >= MIN_EMERGENCY_CAUGHT),
            ("benign + hard escalated", self.escalated_negatives, MAX_ESCALATED_NEGATIVES,
             self.escalated_negatives <= MAX_ESCALATED_NEGATIVES),
            ("benign asked", self.asked_benign, MAX_ASKED_BENIGN, self.asked_benign <= MAX_ASKED_BENIGN),
        ]
        if self.strict:
            checks += [
                (f"recall {name}", value, MIN_RECALL, value >= MIN_RECALL) for name, value in self.recall.items()
            ]
            checks += [
                ("emergency level", self.emergency_accuracy, MIN_EMERGENCY_ACCURACY,
                 self.emergency_accuracy >= MIN_EMERGENCY_ACCURACY),
                ("negated clean", self.specificity_negated, MIN_SPECIFICITY,
                 self.specificity_negated >= MIN_SPECIFICITY),
            ]
        return checks

    @property
    def passed(self) -> bool:
        return all(ok for *_, ok in self.checks)

    def format(self, show_failures: bool = True) -> str:
        """The report; without `show_failures` the messages stay unread (a frozen held-out file)."""
        lines = [f"Items: {sum(self.counts.values())} ({', '.join(f'{g} {n}' for g, n in self.counts.items())})", ""]
        lines.append(f"{'category':<18} {'escalated':>9} {'caught':>8}   (caught = escalated or asked at once)")
        for name in self.recall:
            lines.append(f"  {name:<16} {self.recall[name]:9.1%} {self.caught[name]:8.1%}")
        lines += [
            f"Emergency level right: {self.emergency_accuracy:6.1%}   emergencies caught: {self.emergency_caught:6.1%}",
            f"Negated/mixed without a false flag: {self.specificity_negated:6.1%}",
            f"Escalated: benign + hard {self.escalated_negatives:6.1%} (hard {self.escalated_hard:.1%}, "
            f"benign {self.escalated_benign:.1%})",
            f"Asked about: benign {self.asked_benign:6.1%}, hard {self.asked_hard:6.1%}",
            "",
            "Targets:",
        ]
        for what, value, target, ok in self.checks:
            sign = "≤" if what in ("benign + hard escalated", "benign asked") else "≥"
            lines.append(f"  {what:<26} {value:7.1%}  {sign} {target:.0%}  {'ok' if ok else 'BELOW TARGET'}")
        if self.failures and not show_failures:
            lines += ["", f"Failures: {len(self.failures)} (not shown: a frozen held-out file is never read)"]
        elif self.failures:
            lines += ["", f"Failures ({len(self.failures)}):"]
            for failure in self.failures:
                detail = []
                if failure.missing:
                    detail.append(f"missed {', '.join(failure.missing)}")
                if failure.extra:
                    detail.append(f"false {', '.join(failure.extra)}")
                if failure.asked:
                    detail.append(f"asked {', '.join(failure.asked)}")
                lines.append(f"  [{failure.item.group}] {'; '.join(detail)}: {failure.item.text}")
        lines += ["", "PASS" if self.passed else "FAIL"]
        return "\n".join(lines)


FROZEN_MARK = "FROZEN HELD-OUT"


def is_frozen(path: Path | str) -> bool:
    """Whether the file's header marks it as a frozen held-out file, whose misses must not be read."""
    with open(path, encoding="utf-8") as file:
        return any(FROZEN_MARK in line for line, _ in zip(file, range(10), strict=False))


def load_testset(path: Path | str) -> list[Item]:
    """Read and check a message file; raises ValueError naming the bad item."""
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
        if bool(flags) != (entry["group"] in ("positive", "mixed")):
            raise ValueError(f"{path}: item {number}: only positive and mixed items have flags")
        items.append(Item(entry["text"], flags, entry["group"], str(entry.get("note") or "")))
    return items


def evaluate(items: Iterable[Item], detect: Callable[[str], Detection], strict: bool = False) -> Report:
    """Run `detect` on every item and score it."""
    items = list(items)
    expected = dict.fromkeys(CATEGORY_NAMES, 0)
    escalated = dict.fromkeys(CATEGORY_NAMES, 0)
    caught = dict.fromkeys(CATEGORY_NAMES, 0)
    emergency_total = emergency_right = emergency_caught = 0
    tally = {group: [0, 0, 0] for group in GROUPS}  # items, escalated (any flag), asked (no flag)
    negated_clean = 0
    failures = []
    for item in items:
        detection = detect(item.text)
        detected, asked = set(detection.flags), set(detection.ask)
        for name in item.flags:
            expected[name] += 1
            escalated[name] += name in detected
            caught[name] += name in detected or name in asked
        wanted_emergency = [name for name in item.flags if name in EMERGENCY_CATEGORIES]
        if wanted_emergency:
            emergency_total += 1
            emergency_right += detection.level == EMERGENCY
            emergency_caught += detection.level == EMERGENCY or any(name in asked for name in wanted_emergency)
        extra = detected - item.flags
        counts = tally[item.group]
        counts[0] += 1
        counts[1] += bool(detected - item.flags)
        counts[2] += not detected and bool(asked)
        if item.group in ("negated", "mixed"):
            negated_clean += not extra
        missing = {name for name in item.flags if name not in detected and name not in asked}
        if missing or extra or (asked and item.group == "benign"):
            failures.append(
                Failure(
                    item, tuple(detection.flags), tuple(detection.ask), tuple(sorted(missing)), tuple(sorted(extra))
                )
            )
    negatives = tally["benign"][0] + tally["hard"][0]
    return Report(
        counts={group: tally[group][0] for group in GROUPS},
        recall={name: _share(escalated[name], expected[name], 1.0) for name in CATEGORY_NAMES},
        caught={name: _share(caught[name], expected[name], 1.0) for name in CATEGORY_NAMES},
        emergency_accuracy=_share(emergency_right, emergency_total, 1.0),
        emergency_caught=_share(emergency_caught, emergency_total, 1.0),
        specificity_negated=_share(negated_clean, tally["negated"][0] + tally["mixed"][0], 1.0),
        escalated_negatives=_share(tally["benign"][1] + tally["hard"][1], negatives, 0.0),
        escalated_hard=_share(tally["hard"][1], tally["hard"][0], 0.0),
        escalated_benign=_share(tally["benign"][1], tally["benign"][0], 0.0),
        asked_benign=_share(tally["benign"][2], tally["benign"][0], 0.0),
        asked_hard=_share(tally["hard"][2], tally["hard"][0], 0.0),
        strict=strict,
        failures=failures,
    )
