"""`python -m bot bench redflags|chat|cluster`: the benchmarks, each reporting its figures as ratios
against a baseline measured in the same run."""

from __future__ import annotations

import importlib

BENCHMARKS = {
    "redflags": ("benchmarks.bench_redflags", "the red-flag detector against the bare spaCy tokenizer"),
    "chat": ("benchmarks.bench_chat", "rygbot against a stock `rasa init` bot at 1, 20 and 50 users"),
    "cluster": ("benchmarks.bench_cluster", "1 against 2 Rasa instances behind nginx"),
}


def main(argv: list[str]) -> int:
    """argv[0] is "bench"; argv[1] names the benchmark; the rest is its own arguments."""
    if len(argv) < 2 or argv[1] not in BENCHMARKS:
        print("usage: python -m bot bench NAME [ARGS]\n\nbenchmarks:")
        for name, (_, summary) in BENCHMARKS.items():
            print(f"  {name:<9} {summary}")
        return 2
    module = importlib.import_module(BENCHMARKS[argv[1]][0])
    return int(module.main(list(argv[2:])) or 0)
