"""`make bench-chat`: rygbot against a stock `rasa init` bot, side by side in one run. Not a timed test.

Builds a stock `rasa init` bot with the project's own Rasa once (cached in ~/.cache/rygbot), starts
it and rygbot on free loopback ports (rygbot as `make run` starts it: its action server and a SQLite
tracker store), and plays whole conversations against both in alternating rounds at 1, 20 and 50
concurrent users: rygbot consultations (`bot.loadtest.rygbot_consultation`: welcome, description,
duration, every screening answer, a question) and stock conversations of the same number of turns.
Prints, per bot and number of users, the median over the rounds of p50/p95/p99 turn latency and
messages/s, the errors, and the servers' peak RSS (rygbot: Rasa plus its action server), with the
rygbot/stock ratios; also each bot's first reply after start. Machines differ, so the ratios
measured in the same run are the figures to compare.

    .venv/bin/python -m bot bench chat [--users 1,20,50] [--rounds 2] [--seconds 20]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import IO, Optional, Sequence

from bot import launcher, loadtest
from bot.settings import get_settings

HOST = "127.0.0.1"
CACHE_DIR = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "rygbot"
USERS = (1, 20, 50)
ROUNDS = 2
ROUND_SECONDS = 20.0
PAUSE_SECONDS = 1.0
RSS_SAMPLE_SECONDS = 0.5
# Issue 9's targets, as rygbot/stock ratios: latency at these user counts, and memory.
TARGET_USERS = (1, 20)
TARGET_LATENCY_RATIO = 1.0
TARGET_RATE_RATIO = 1.0
TARGET_RSS_RATIO = 1.2
RATIO_KEYS = ("p50_ms", "p95_ms", "p99_ms", "per_second", "peak_rss_mib", "cpu_ms_per_message")


@dataclass
class Bot:
    """A running bot to play against; `processes` are the ones this run started (and stops)."""

    name: str
    base_url: str
    webhook_path: str
    script: loadtest.Script
    pids: list[int]
    processes: list[subprocess.Popen] = field(default_factory=list)

    def rss_kib(self) -> int:
        return sum(loadtest.rss_kib(pid) or 0 for pid in self.pids)

    def cpu_seconds(self) -> float:
        return sum(loadtest.cpu_seconds(pid) for pid in self.pids)

    def stop(self) -> None:
        for process in self.processes:
            launcher.stop(process)


@dataclass
class Round:
    """One timed round of one bot."""

    figures: loadtest.Figures
    peak_rss_kib: int
    cpu_seconds: float

    def as_dict(self) -> dict:
        latency = loadtest.latency_summary(self.figures.latencies)
        return {
            "p50_ms": latency["p50"] * 1000,
            "p95_ms": latency["p95"] * 1000,
            "p99_ms": latency["p99"] * 1000,
            "per_second": self.figures.per_second,
            "turns": self.figures.turns,
            "conversations": self.figures.conversations,
            "errors": self.figures.errors + self.figures.crossed + self.figures.lost,
            "error_kinds": {
                **self.figures.error_kinds,
                **({"crossed": self.figures.crossed} if self.figures.crossed else {}),
                **({"lost": self.figures.lost} if self.figures.lost else {}),
            },
            "peak_rss_mib": self.peak_rss_kib / 1024,
            "cpu_ms_per_message": self.cpu_seconds * 1000 / self.figures.turns if self.figures.turns else 0.0,
        }


# --- The bots ---------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def stock_bot_dir(cache_dir: Path = CACHE_DIR, log: Optional[IO[str]] = None) -> Path:
    """A stock `rasa init` bot made with this venv's Rasa, trained; built once and cached."""
    target = cache_dir / f"stock-rasa-{version('rasa')}"
    if any((target / "models").glob("*.tar.gz")):
        return target
    cache_dir.mkdir(parents=True, exist_ok=True)
    print(f"Building the stock `rasa init` bot in {target} (about a minute, once) ...", flush=True)
    building = Path(tempfile.mkdtemp(prefix="stock-building-", dir=cache_dir))
    try:
        subprocess.run(
            ["nice", "-n", "10", sys.executable, "-m", "rasa", "init", "--no-prompt", "--init-dir", str(building)],
            cwd=building, env=stock_env(), stdout=log, stderr=log, stdin=subprocess.DEVNULL, check=True,
        )
        shutil.rmtree(target, ignore_errors=True)
        building.rename(target)
    finally:
        shutil.rmtree(building, ignore_errors=True)
    return target


def stock_env() -> dict[str, str]:
    """The environment a stock bot runs with: nothing of rygbot's tuning, telemetry off."""
    env = dict(os.environ)
    env.update(RASA_TELEMETRY_ENABLED="false", TF_CPP_MIN_LOG_LEVEL="2", PYTHONWARNINGS="ignore::DeprecationWarning")
    return env


def start_stock(directory: Path, log: IO[str]) -> Bot:
    model = sorted((directory / "models").glob("*.tar.gz"))[-1]
    port = free_port()
    command = [
        sys.executable, "-m", "rasa", "run", "--model", str(model), "--interface", HOST, "--port", str(port),
        "--credentials", "credentials.yml", "--endpoints", "endpoints.yml",
    ]
    process = subprocess.Popen(
        command, cwd=directory, env=stock_env(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    bot = Bot("stock", f"http://{HOST}:{port}", loadtest.REST_WEBHOOK_PATH, loadtest.stock_conversation,
              [process.pid], [process])
    try:
        launcher.wait_until_ready(f"{bot.base_url}/webhooks/rest/", process)
    except Exception:
        bot.stop()
        raise
    return bot


def start_rygbot(workdir: Path, log: IO[str]) -> Bot:
    """rygbot as `make run` starts it, on free ports, with a fresh SQLite tracker store."""
    model = launcher.train_if_needed(log)
    rasa_port, action_port = free_port(), free_port()
    endpoints = launcher.write_endpoints(
        workdir / "endpoints.yml", action_port, f"sqlite:///{workdir / 'tracker.db'}", action_host=HOST
    )
    settings = dataclasses.replace(
        get_settings(), host=HOST, action_host=HOST, cors_origins=(), allow_any_origin=False, rasa_api_token=""
    )
    env = launcher.rasa_env(settings)
    actions = launcher.start_action_server(action_port, log, env=env, host=HOST)
    rasa = launcher.start_rasa(model, rasa_port, endpoints, log, settings, env=env)
    bot = Bot("rygbot", f"http://{HOST}:{rasa_port}", loadtest.RYGBOT_WEBHOOK_PATH, loadtest.rygbot_consultation,
              [rasa.pid, actions.pid], [rasa, actions])
    try:
        for url, process in zip(launcher.health_urls(HOST, rasa_port, action_port, HOST), (actions, rasa), strict=True):
            launcher.wait_until_ready(url, process)
    except Exception:
        bot.stop()
        raise
    return bot


# --- Measuring ----------------------------------------------------------------------------------------


def first_reply_ms(bot: Bot) -> float:
    """The first message of a conversation right after start: what the first patient waits."""
    opening = next(bot.script())
    started = time.monotonic()
    loadtest.post(bot.base_url + bot.webhook_path, str(uuid.uuid4()), opening)
    return (time.monotonic() - started) * 1000


def measure(bot: Bot, users: int, seconds: float) -> Round:
    """One round: `users` concurrent conversations for `seconds`, sampling the RSS meanwhile, and
    the servers' CPU time per message (less sensitive to a busy machine than latency)."""
    peak = bot.rss_kib()
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.wait(RSS_SAMPLE_SECONDS):
            peak = max(peak, bot.rss_kib())

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    cpu = bot.cpu_seconds()
    try:
        figures = loadtest.play(bot.base_url, bot.script, users, seconds, bot.webhook_path)
    finally:
        done.set()
        sampler.join()
    return Round(figures, max(peak, bot.rss_kib()), bot.cpu_seconds() - cpu)


def run_rounds(
    bots: Sequence[Bot], users: Sequence[int], rounds: int, seconds: float
) -> dict[str, dict[int, list[dict]]]:
    """Alternating rounds (A B, then B A, ...) per user count: bot name -> users -> rounds."""
    results: dict[str, dict[int, list[dict]]] = {bot.name: {} for bot in bots}
    for count in users:
        for index in range(rounds):
            for bot in bots if index % 2 == 0 else list(reversed(bots)):
                result = measure(bot, count, seconds).as_dict()
                results[bot.name].setdefault(count, []).append(result)
                print(
                    f"  {count:>3} users, round {index + 1}, {bot.name:<6}: p50 {result['p50_ms']:7.0f} ms, "
                    f"{result['per_second']:6.1f} msg/s, {result['cpu_ms_per_message']:5.1f} CPU ms/msg, "
                    f"{result['errors']} errors",
                    flush=True,
                )
                time.sleep(PAUSE_SECONDS)
    return results


def summary(rounds: list[dict]) -> dict:
    """Medians over the rounds; errors summed; the highest RSS."""
    return {
        **{
            key: statistics.median(r[key] for r in rounds)
            for key in ("p50_ms", "p95_ms", "p99_ms", "per_second", "cpu_ms_per_message")
        },
        "errors": sum(r["errors"] for r in rounds),
        "peak_rss_mib": max(r["peak_rss_mib"] for r in rounds),
    }


def ratio(ours: float, theirs: float) -> float:
    return ours / theirs if theirs else float("inf")


def table(results: dict[str, dict[int, list[dict]]], first_ms: dict[str, float]) -> tuple[str, list[tuple[str, bool]]]:
    """The printed table and the issue's targets, each (description, met)."""
    lines = [
        "| users | bot | p50 ms | p95 ms | p99 ms | msg/s | errors | peak RSS MiB | CPU ms/msg |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    targets: list[tuple[str, bool]] = []
    peak = {name: 0.0 for name in results}
    for count in sorted(results["rygbot"]):
        rows = {name: summary(results[name][count]) for name in ("rygbot", "stock")}
        for name, row in rows.items():
            peak[name] = max(peak[name], row["peak_rss_mib"])
            lines.append(
                f"| {count} | {name} | {row['p50_ms']:.0f} | {row['p95_ms']:.0f} | {row['p99_ms']:.0f} | "
                f"{row['per_second']:.1f} | {row['errors']} | {row['peak_rss_mib']:.0f} | "
                f"{row['cpu_ms_per_message']:.1f} |"
            )
        ours = {key: ratio(rows["rygbot"][key], rows["stock"][key]) for key in RATIO_KEYS}
        lines.append(
            f"| {count} | **ratio** | {ours['p50_ms']:.2f} | {ours['p95_ms']:.2f} | {ours['p99_ms']:.2f} | "
            f"{ours['per_second']:.2f} | | {ours['peak_rss_mib']:.2f} | {ours['cpu_ms_per_message']:.2f} |"
        )
        if count in TARGET_USERS:
            for label, key in (("p50", "p50_ms"), ("p95", "p95_ms")):
                targets.append((
                    f"{count} users: {label} ≤ {TARGET_LATENCY_RATIO}× stock ({ours[key]:.2f})",
                    ours[key] <= TARGET_LATENCY_RATIO,
                ))
            targets.append((
                f"{count} users: msg/s ≥ {TARGET_RATE_RATIO}× stock ({ours['per_second']:.2f})",
                ours["per_second"] >= TARGET_RATE_RATIO,
            ))
    rss_ratio = ratio(peak["rygbot"], peak["stock"])
    targets.append((f"peak RSS ≤ {TARGET_RSS_RATIO}× stock ({rss_ratio:.2f})", rss_ratio <= TARGET_RSS_RATIO))
    lines += ["", "First reply after start: " + ", ".join(f"{name} {ms:.0f} ms" for name, ms in first_ms.items())]
    return "\n".join(lines), targets


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", default=",".join(map(str, USERS)), help="comma-separated, e.g. 1,20,50")
    parser.add_argument("--rounds", type=int, default=ROUNDS, help="alternating rounds per user count")
    parser.add_argument("--seconds", type=float, default=ROUND_SECONDS, help="length of one round")
    parser.add_argument("--json", type=Path, help="also write every round's figures here")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (logs, tracker store)")
    args = parser.parse_args(argv)
    users = [int(part) for part in args.users.split(",") if part.strip()]

    workdir = Path(tempfile.mkdtemp(prefix="rygbot-bench-chat-"))
    log_path = workdir / "servers.log"
    bots: list[Bot] = []
    with log_path.open("a", encoding="utf-8") as log:
        try:
            stock_dir = stock_bot_dir(log=log)
            print("Starting rygbot and the stock bot ...", flush=True)
            bots = [start_rygbot(workdir, log), start_stock(stock_dir, log)]
            first_ms = {bot.name: first_reply_ms(bot) for bot in bots}
            load = os.getloadavg()[0]
            print(f"CPUs: {os.cpu_count()}; load average: {load:.1f}; rounds: {args.rounds} x {args.seconds:.0f} s")
            results = run_rounds(bots, users, args.rounds, args.seconds)
        except Exception:
            print(f"bench-chat failed; server log: {log_path}", file=sys.stderr)
            args.keep = True
            raise
        finally:
            for bot in bots:
                bot.stop()
    text, targets = table(results, first_ms)
    print("\n" + text + "\n")
    for description, met in targets:
        print(f"{'met    ' if met else 'NOT met'}  {description}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"first_reply_ms": first_ms, "rounds": results}, indent=1))
    if not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)
    errors = sum(r["errors"] for per_bot in results.values() for rounds in per_bot.values() for r in rounds)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
