"""Red-flag detector throughput and latency on the test set (`make bench`). Not a timed test.

Loads the pipeline and patterns once, then measures in one process:
- throughput (messages/s) and per-message p50/p99 latency of `detect()`,
- the same for two baselines on the same messages: the bare spaCy tokenizer and the
  tokenizer+lemmatizer pipeline, so the figures can be compared across machines by ratio.
Targets (2-core machine, after loading): >= 2,000 messages/s and p99 < 5 ms.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from typing import Callable, Iterable, Sequence

from bot.nlp import detector_disabled, get_nlp
from bot.redflags import detect
from bot.redflags.detector import default_detector
from bot.redflags.evaluate import load_testset
from bot.settings import PROJECT_ROOT

ROOT = PROJECT_ROOT
TESTSET = ROOT / "tests" / "redflags" / "testset.yml"
MIN_SECONDS = 3.0
TARGET_PER_SECOND = 2000
TARGET_P99_MS = 5.0


def measure(function: Callable[[str], object], messages: list[str]) -> tuple[float, list[float]]:
    """Messages per second over repeated passes (at least MIN_SECONDS) and every latency in ms."""
    latencies: list[float] = []
    started = time.perf_counter()
    while time.perf_counter() - started < MIN_SECONDS:
        for message in messages:
            before = time.perf_counter()
            function(message)
            latencies.append((time.perf_counter() - before) * 1000)
    elapsed = time.perf_counter() - started
    return len(latencies) / elapsed, latencies


def percentile(values: Iterable[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main(argv: Sequence[str] = ()) -> int:
    """`python -m bot bench redflags` (takes no arguments)."""
    loading = time.perf_counter()
    nlp = get_nlp()
    default_detector().compiled()
    load_seconds = time.perf_counter() - loading
    messages = [item.text for item in load_testset(TESTSET)]

    cold = time.perf_counter()
    for message in messages:
        detect(message)
    cold_ms = (time.perf_counter() - cold) * 1000 / len(messages)

    disabled = detector_disabled()
    rows = {
        "detect()": measure(detect, messages),
        "spaCy tokenizer only": measure(nlp.tokenizer, messages),
        "spaCy pipeline (tokens+lemmas)": measure(lambda text: nlp(text, disable=disabled), messages),
    }
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"Messages: {len(messages)} from {TESTSET.relative_to(ROOT)}; CPUs: {os.cpu_count()}; load average: {load:.1f}"
    )
    print(
        f"Loading pipeline and patterns: {load_seconds:.1f} s; "
        f"first pass (cold word caches): {cold_ms:.3f} ms/message\n"
    )
    print(f"{'':32} {'msg/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    for name, (per_second, latencies) in rows.items():
        print(
            f"{name:32} {per_second:9.0f} {statistics.median(latencies):8.3f} "
            f"{percentile(latencies, 0.99):8.3f} {max(latencies):8.3f}"
        )
    detect_rate, detect_latencies = rows["detect()"]
    tokenizer_rate = rows["spaCy tokenizer only"][0]
    pipeline_rate = rows["spaCy pipeline (tokens+lemmas)"][0]
    print(
        f"\ndetect() costs {tokenizer_rate / detect_rate:.1f}x the bare tokenizer and "
        f"{pipeline_rate / detect_rate:.1f}x the spaCy pipeline it runs."
    )
    p99 = percentile(detect_latencies, 0.99)
    rate_ok, p99_ok = detect_rate >= TARGET_PER_SECOND, p99 < TARGET_P99_MS
    print(f"Target >= {TARGET_PER_SECOND} msg/s: {'met' if rate_ok else 'NOT met'} ({detect_rate:.0f})")
    print(f"Target p99 < {TARGET_P99_MS} ms:     {'met' if p99_ok else 'NOT met'} ({p99:.3f} ms)")
    return 0 if rate_ok and p99_ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
