"""`python -m bot redflags`: red flags in text as JSON, or --evaluate a labelled test set.

    python -m bot redflags "jeg kan ikke tisse"     one JSON object
    python -m bot redflags < beskeder.txt           one JSON line per input line, in order
    python -m bot redflags --explain "..."           adds "explain": the spans and decisions
    python -m bot redflags --evaluate FILE           scores; exit 1 below the targets
    python -m bot redflags --evaluate FILE --strict  also 100 % escalated (the own test set)

A file whose header says "FROZEN HELD-OUT" is scored without listing its misses: reading them would
turn it into training data. --show-misses lists them anyway; retire the file afterwards.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import TextIO

from bot.redflags.detector import Detection, detect


def main(argv: list[str]) -> int:
    # TensorFlow, imported by spaCy's thinc when installed, logs to stderr; this output is for people.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    parser = argparse.ArgumentParser(prog="python -m bot redflags", description="Find red flags in Danish text.")
    parser.add_argument("text", nargs="*", help="the message; without it, one message per line on stdin")
    parser.add_argument("--explain", action="store_true", help="add the matched spans and negation decisions")
    parser.add_argument("--evaluate", metavar="FILE", help="score the detector on a labelled test set")
    parser.add_argument("--strict", action="store_true", help="with --evaluate: every flag must escalate")
    parser.add_argument("--show-misses", action="store_true", help="with --evaluate: list misses of a frozen file")
    args = parser.parse_args(argv[1:])
    if args.evaluate:
        return _evaluate(args.evaluate, args.strict, args.show_misses)
    if args.text:
        _emit(detect(" ".join(args.text)), args.explain, sys.stdout)
        return 0
    for line in sys.stdin:
        _emit(detect(line.rstrip("\r\n")), args.explain, sys.stdout)
    return 0


def _emit(detection: Detection, explain: bool, out: TextIO) -> None:
    result = detection.to_json()
    if explain:
        result["explain"] = [match.explain() for match in detection.matches] or ["ingen røde flag fundet"]
    out.write(json.dumps(result, ensure_ascii=False) + "\n")
    out.flush()


def _evaluate(path: str, strict: bool, show_misses: bool) -> int:
    from bot.redflags.evaluate import evaluate, is_frozen, load_testset

    report = evaluate(load_testset(path), detect, strict)
    print(report.format(show_failures=show_misses or not is_frozen(path)))
    return 0 if report.passed else 1
