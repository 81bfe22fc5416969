"""`make soak`: many concurrent full consultations against a running bot (loopback only), bounded
in time and count.

Each worker runs whole consultations (welcome, the pain, how long, "Nej" to every screening
question until the result) with its own UUID4 sender id, and checks every reply against its own
conversation: a reply addressed to another sender is *crossed*, a turn with no text is *lost*.
Reports errors, latency percentiles per turn, completed consultations, and the Rasa server's RSS
at the start, after the first minute and at the end.

    .venv/bin/python scripts/soak.py --url http://127.0.0.1:5005 --users 50 --seconds 600
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional
from urllib.parse import urlsplit

WEBHOOK_PATH = "/webhooks/rygbot/webhook"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
SCREENING = ["/affirm", "/deny", "/dont_know"]
MAX_TURNS = 20
MAX_CONSULTATIONS = 100_000


@dataclass
class Figures:
    consultations: int = 0
    turns: int = 0
    errors: int = 0
    crossed: int = 0
    lost: int = 0
    latencies: list[float] = field(default_factory=list)
    error_kinds: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def error(self, kind: str) -> None:
        with self.lock:
            self.errors += 1
            self.error_kinds[kind] = self.error_kinds.get(kind, 0) + 1


def _post(url: str, sender: str, message: str, timeout: float = 60) -> list[dict]:
    body = json.dumps({"sender": sender, "message": message}).encode()
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=timeout) as answer:
        return json.loads(answer.read())


def consultation(url: str, figures: Figures, deadline: float) -> None:
    """One whole consultation; stops early at the deadline."""
    sender = str(uuid.uuid4())
    messages = ["/greet", "jeg har fået ondt i lænden", "3 dage"]
    for turn in range(MAX_TURNS):
        if time.monotonic() > deadline:
            return
        message = messages[turn] if turn < len(messages) else "/deny"
        started = time.monotonic()
        try:
            reply = _post(url, sender, message)
        except (urllib.error.URLError, OSError, ValueError) as error:
            figures.error(type(error).__name__)
            return
        elapsed = time.monotonic() - started
        with figures.lock:
            figures.turns += 1
            figures.latencies.append(elapsed)
            if any(m.get("recipient_id") != sender for m in reply):
                figures.crossed += 1
            if not any(isinstance(m.get("text"), str) and m["text"].strip() for m in reply):
                figures.lost += 1
        if turn >= len(messages) - 1 and any(isinstance(m.get("custom"), dict) and "triage" in m["custom"] for m in reply):
            with figures.lock:
                figures.consultations += 1
            return
    figures.error("no_result")


def rss_kib(pid: Optional[int]) -> Optional[int]:
    """Resident memory of a process (and its children, e.g. Sanic workers), in KiB."""
    if not pid:
        return None
    total, pids = 0, [pid]
    try:
        for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
            pids.append(int(child))
    except OSError:
        pass
    for one in pids:
        try:
            for line in Path(f"/proc/{one}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total or None


def pid_listening_on(port: int) -> Optional[int]:
    """The process that listens on a local TCP port (Linux /proc), or None."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            parts = line.split()
            if parts[3] == "0A" and int(parts[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(parts[9])
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            for fd in (proc / "fd").iterdir():
                target = os.readlink(fd)
                if target.startswith("socket:[") and target[8:-1] in inodes:
                    return int(proc.name)
        except OSError:
            continue
    return None


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def soak(base_url: str, users: int, seconds: float, pid: Optional[int] = None, max_consultations: int = MAX_CONSULTATIONS) -> dict:
    """Run `users` concurrent workers for `seconds`; return the figures as a dict."""
    host = urlsplit(base_url).hostname or ""
    if host not in LOOPBACK:
        raise SystemExit(f"soak runs against loopback only, not {host!r}")
    url = base_url.rstrip("/") + WEBHOOK_PATH
    pid = pid or pid_listening_on(urlsplit(base_url).port or 80)
    figures = Figures()
    started = time.monotonic()
    deadline = started + seconds
    rss = {"start": rss_kib(pid), "after_first_minute": None, "end": None}
    first_minute = threading.Timer(min(60.0, seconds / 2), lambda: rss.__setitem__("after_first_minute", rss_kib(pid)))
    first_minute.start()

    def worker() -> None:
        while time.monotonic() < deadline and figures.consultations < max_consultations:
            consultation(url, figures, deadline)

    with ThreadPoolExecutor(users) as pool:
        for _ in range(users):
            pool.submit(worker)
    first_minute.cancel()
    rss["end"] = rss_kib(pid)
    latencies = figures.latencies
    base = rss["after_first_minute"] or rss["start"]
    return {
        "users": users,
        "seconds": round(time.monotonic() - started, 1),
        "consultations": figures.consultations,
        "turns": figures.turns,
        "errors": figures.errors,
        "error_kinds": figures.error_kinds,
        "crossed": figures.crossed,
        "lost": figures.lost,
        "latency_s": {
            "p50": round(percentile(latencies, 0.50), 3),
            "p95": round(percentile(latencies, 0.95), 3),
            "p99": round(percentile(latencies, 0.99), 3),
            "mean": round(statistics.fmean(latencies), 3) if latencies else 0.0,
        },
        "rss_kib": rss,
        "rss_growth_after_first_minute": round((rss["end"] - base) / base, 3) if base and rss["end"] else None,
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:5005")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=600)
    parser.add_argument("--pid", type=int, default=None, help="the Rasa server's pid (found from the port if left out)")
    args = parser.parse_args(argv)
    result = soak(args.url, args.users, args.seconds, args.pid)
    print(json.dumps(result, indent=2))
    return 0 if result["errors"] == result["crossed"] == result["lost"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
