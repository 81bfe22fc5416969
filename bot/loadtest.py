"""Many whole conversations at once over a chat webhook: the client `make soak` and
`make bench-chat` share (loopback only).

A *script* plays one conversation: a generator that yields each message, receives the bot's
replies, and returns True when the conversation got where it should (rygbot: a triage result).
`play` runs scripts on `users` threads until a deadline and records, per turn, the latency and
whether the reply was *crossed* (addressed to another sender) or *lost* (no text), and per
conversation whether it completed and, given the `expected` screening (`reference`: the same
script played alone), whether its questions came in that order (else *out of order*). With
`resends`, a turn that failed (an instance died; nginx answered 502) is resent with the same
message id, as the widget's "Prøv igen" does, and the bot answers it once (bot/rasa/resend.py).
Only the standard library: the client loads no Rasa.
"""

from __future__ import annotations

import itertools
import json
import os
import statistics
import threading
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Generator, Optional, Sequence
from urllib.parse import urlsplit

from bot.urls import WEBHOOK_PATH

RYGBOT_WEBHOOK_PATH = WEBHOOK_PATH
# Rasa's own REST channel, which a stock `rasa init` bot answers on.
REST_WEBHOOK_PATH = "/webhooks/rest/webhook"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
REQUEST_TIMEOUT_SECONDS = 60.0
MAX_TURNS = 30
MAX_CONVERSATIONS = 100_000
# A resend waits this long first: the instance that failed is being taken out of the rotation.
RESEND_PAUSE_SECONDS = 0.5
# Failures after which the same message may be sent again: the instance or the front failed.
RESEND_STATUSES = {502, 503, 504}

# A rygbot consultation as a patient has it: the widget opens with /greet (the welcome), the pain
# in their own words, how long, every screening question (buttons and typed answers mixed, so the
# NLU runs too), then a question about the result.
OPENING = "/greet"
DESCRIPTION = "jeg har fået ondt i lænden"
DURATION = "3 dage"
SCREENING_ANSWERS = ("/deny", "nej", "/deny", "nej det har jeg ikke")
QUESTION = "skal jeg have en scanning?"
MAX_SCREENING_ANSWERS = 20
# A stock `rasa init` bot's conversation of the same length (13 turns: opening, description,
# duration, nine screening answers, question), in the moodbot's own words.
STOCK_MESSAGES = (
    "hello", "I am sad", "yes", "hi", "I am feeling very good", "are you a bot?", "no",
    "good morning", "not good", "indeed", "hey there", "great", "bye",
)

Message = dict[str, Any]
Script = Callable[[], Generator[str, list[Message], bool]]


def has_triage(replies: list[Message]) -> bool:
    """True when a reply carries a triage result (DESIGN.md's custom payload)."""
    return any(isinstance(m.get("custom"), dict) and "triage" in m["custom"] for m in replies)


def rygbot_consultation() -> Generator[str, list[Message], bool]:
    """Welcome, description, duration, every screening question, a question; True on a result."""
    yield OPENING
    yield DESCRIPTION
    replies = yield DURATION
    for turn in range(MAX_SCREENING_ANSWERS):
        if has_triage(replies):
            yield QUESTION
            return True
        replies = yield SCREENING_ANSWERS[turn % len(SCREENING_ANSWERS)]
    return False


def stock_conversation() -> Generator[str, list[Message], bool]:
    """The stock bot's conversation: always completes."""
    for message in STOCK_MESSAGES:
        yield message
    return True


@dataclass
class Figures:
    """What `play` measured; turn latencies in seconds."""

    conversations: int = 0
    turns: int = 0
    errors: int = 0
    crossed: int = 0
    lost: int = 0
    out_of_order: int = 0
    resent: int = 0
    latencies: list[float] = field(default_factory=list)
    error_kinds: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def error(self, kind: str) -> None:
        with self.lock:
            self.errors += 1
            self.error_kinds[kind] = self.error_kinds.get(kind, 0) + 1

    @property
    def per_second(self) -> float:
        """Turns (patient messages answered) per second of wall time."""
        return self.turns / self.seconds if self.seconds else 0.0


def post(
    url: str,
    sender: str,
    message: str,
    timeout: float = REQUEST_TIMEOUT_SECONDS,
    message_id: Optional[str] = None,
    resend: bool = False,
) -> list[Message]:
    """POST one message in Rasa's REST format (with rygbot's message id, when given); the bot's
    reply list."""
    payload: dict[str, Any] = {"sender": sender, "message": message}
    if message_id:
        payload.update(message_id=message_id, resend=resend)
    body = json.dumps(payload).encode()
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=timeout) as answer:
        return json.loads(answer.read())


def converse(
    url: str,
    script: Script,
    figures: Figures,
    deadline: float,
    resends: int = 0,
    expected: Optional[Sequence[str]] = None,
) -> list[list[Message]]:
    """One conversation with its own UUID4 sender id; stops early at the deadline. Returns the
    replies, turn by turn."""
    sender = str(uuid.uuid4())
    conversation = script()
    transcript: list[list[Message]] = []
    try:
        message = next(conversation)
        for _ in range(MAX_TURNS):
            if time.monotonic() > deadline:
                return transcript
            started = time.monotonic()
            try:
                replies = _turn(url, sender, message, figures, resends)
            except (urllib.error.URLError, OSError, ValueError) as error:
                figures.error(type(error).__name__)
                return transcript
            elapsed = time.monotonic() - started
            with figures.lock:
                figures.turns += 1
                figures.latencies.append(elapsed)
                if any(m.get("recipient_id") != sender for m in replies):
                    figures.crossed += 1
                if not any(isinstance(m.get("text"), str) and m["text"].strip() for m in replies):
                    figures.lost += 1
            transcript.append(replies)
            message = conversation.send(replies)
        figures.error("too_many_turns")
    except StopIteration as end:
        if end.value:
            with figures.lock:
                figures.conversations += 1
                if expected is not None and screening_of(transcript) != list(expected):
                    figures.out_of_order += 1
        else:
            figures.error("no_result")
    return transcript


def _turn(url: str, sender: str, message: str, figures: Figures, resends: int) -> list[Message]:
    """One message and its replies; with `resends`, sent again (same message id) when it failed."""
    message_id = uuid.uuid4().hex if resends else None
    attempt = 0
    while True:
        try:
            return post(url, sender, message, message_id=message_id, resend=attempt > 0)
        except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
            transient = not isinstance(error, urllib.error.HTTPError) or error.code in RESEND_STATUSES
            if attempt >= resends or not transient:
                raise
        attempt += 1
        with figures.lock:
            figures.resent += 1
        time.sleep(RESEND_PAUSE_SECONDS)


def screening_of(transcript: Sequence[list[Message]]) -> list[str]:
    """The screening questions (the messages with a "Nej" button) in the order they were asked,
    then the triage level of each result: what a replay of the same script must repeat."""
    asked = [
        m["text"] for replies in transcript for m in replies
        if any(b.get("payload") == "/deny" for b in m.get("buttons") or [])
    ]
    results = [
        m["custom"]["triage"] for replies in transcript for m in replies
        if isinstance(m.get("custom"), dict) and "triage" in m["custom"]
    ]
    return asked + results


def reference(base_url: str, script: Optional[Script] = None, webhook_path: str = RYGBOT_WEBHOOK_PATH) -> list[str]:
    """The screening of one conversation played alone (`screening_of`), to hold others to."""
    require_loopback(base_url)
    url = base_url.rstrip("/") + webhook_path
    figures = Figures()
    transcript = converse(url, script or rygbot_consultation, figures, time.monotonic() + REQUEST_TIMEOUT_SECONDS)
    if figures.conversations != 1:
        raise RuntimeError(f"the reference conversation did not complete: {figures}")
    return screening_of(transcript)


def play(
    base_url: str,
    script: Script,
    users: int,
    seconds: float,
    webhook_path: str = RYGBOT_WEBHOOK_PATH,
    max_conversations: int = MAX_CONVERSATIONS,
    conversations: Optional[int] = None,
    resends: int = 0,
    expected: Optional[Sequence[str]] = None,
) -> Figures:
    """`users` threads each playing whole conversations until `seconds` have passed (turns in
    flight then finish; their time counts), or until `conversations` have been started. See the
    module docstring for `resends` and `expected`."""
    require_loopback(base_url)
    url = base_url.rstrip("/") + webhook_path
    figures = Figures()
    started = time.monotonic()
    deadline = started + seconds
    tickets = itertools.count()

    def worker() -> None:
        while time.monotonic() < deadline and figures.conversations < max_conversations:
            if conversations is not None and next(tickets) >= conversations:
                return
            converse(url, script, figures, deadline, resends, expected)

    with ThreadPoolExecutor(users) as pool:
        for _ in range(users):
            pool.submit(worker)
    figures.seconds = time.monotonic() - started
    return figures


def require_loopback(base_url: str) -> None:
    host = urlsplit(base_url).hostname or ""
    if host not in LOOPBACK:
        raise SystemExit(f"load runs against loopback only, not {host!r}")


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def latency_summary(latencies: list[float]) -> dict[str, float]:
    """p50, p95, p99 and mean, in seconds."""
    return {
        "p50": percentile(latencies, 0.50),
        "p95": percentile(latencies, 0.95),
        "p99": percentile(latencies, 0.99),
        "mean": statistics.fmean(latencies) if latencies else 0.0,
    }


def rss_kib(pid: Optional[int]) -> Optional[int]:
    """Resident memory of a process and its children (e.g. Sanic workers), in KiB."""
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


def cpu_seconds(pid: Optional[int]) -> float:
    """CPU time (user + system) a process has used so far, in seconds; 0 when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


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


def soak(
    base_url: str, users: int, seconds: float, pid: Optional[int] = None, max_consultations: int = MAX_CONVERSATIONS
) -> dict:
    """`make soak`: rygbot consultations on `users` threads for `seconds`, with the Rasa server's
    RSS at the start, after the first minute and at the end; the figures as a dict."""
    require_loopback(base_url)
    pid = pid or pid_listening_on(urlsplit(base_url).port or 80)
    rss = {"start": rss_kib(pid), "after_first_minute": None, "end": None}
    first_minute = threading.Timer(min(60.0, seconds / 2), lambda: rss.__setitem__("after_first_minute", rss_kib(pid)))
    first_minute.start()
    figures = play(base_url, rygbot_consultation, users, seconds, max_conversations=max_consultations)
    first_minute.cancel()
    rss["end"] = rss_kib(pid)
    base = rss["after_first_minute"] or rss["start"]
    return {
        "users": users,
        "seconds": round(figures.seconds, 1),
        "consultations": figures.conversations,
        "turns": figures.turns,
        "errors": figures.errors,
        "error_kinds": figures.error_kinds,
        "crossed": figures.crossed,
        "lost": figures.lost,
        "latency_s": {name: round(value, 3) for name, value in latency_summary(figures.latencies).items()},
        "rss_kib": rss,
        "rss_growth_after_first_minute": round((rss["end"] - base) / base, 3) if base and rss["end"] else None,
    }
