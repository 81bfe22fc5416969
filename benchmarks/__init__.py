"""Benchmarks (`make bench`, `make bench-chat`); not timed tests."""
