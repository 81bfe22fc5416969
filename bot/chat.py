"""`python -m bot chat`: a small terminal chat with the running bot, through the same webhook as
the widget (so the input guard and the safety net apply). Type a button's number to press it."""

from __future__ import annotations

import json
import sys
import urllib.error
import urllib.request
import uuid
from typing import Any, Optional, Sequence

from bot.settings import get_settings
from bot.urls import WEBHOOK_PATH

OPENING_PAYLOAD = "/greet"  # what the widget sends when it opens
QUIT_WORDS = {"/quit", "/exit", "/stop"}


def webhook_url() -> str:
    settings = get_settings()
    host = "127.0.0.1" if settings.host in {"0.0.0.0", "::"} else settings.host
    return f"http://{host}:{settings.rasa_port}{WEBHOOK_PATH}"


def send(url: str, sender: str, message: str, clinic: Optional[dict] = None) -> list[dict[str, Any]]:
    """POST one message to the webhook; returns Rasa's REST reply list."""
    body = {"sender": sender, "message": message, "metadata": {"clinic": clinic or {}}}
    request = urllib.request.Request(
        url, data=json.dumps(body).encode("utf-8"), headers={"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read().decode("utf-8"))


def show(replies: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Print the bot's texts, payloads in brackets, and numbered buttons; return the buttons."""
    buttons: list[dict[str, str]] = []
    for reply in replies:
        if reply.get("text"):
            print(f"bot> {reply['text']}")
        if reply.get("custom"):
            print(f"     [{json.dumps(reply['custom'], ensure_ascii=False)}]")
        for button in reply.get("buttons") or []:
            buttons.append(button)
            print(f"     {len(buttons)}) {button['title']}")
    return buttons


def main(argv: Sequence[str]) -> int:
    url = webhook_url()
    sender = str(uuid.uuid4())
    print(f"Chat med rygbot på {url}. Skriv /quit for at stoppe.\n")
    try:
        buttons = show(send(url, sender, OPENING_PAYLOAD))
        while True:
            line = input("du > ").strip()
            if line in QUIT_WORDS:
                return 0
            if line.isdigit() and 0 < int(line) <= len(buttons):
                line = buttons[int(line) - 1]["payload"]
            if line:
                buttons = show(send(url, sender, line))
    except (EOFError, KeyboardInterrupt):
        print()
        return 0
    except urllib.error.URLError as error:
        print(f"Kan ikke nå rygbot på {url} ({error.reason}). Kører den? Start den med: make run", file=sys.stderr)
        return 1
