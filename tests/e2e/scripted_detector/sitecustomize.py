"""Test-only: lets the end-to-end tests script the red-flag detector inside the real servers.

tests/servers.py puts this folder on the servers' PYTHONPATH, so Python imports this module at start.
It wraps the detector for messages with a marker no patient writes, and leaves every other message
to the real detector:
- "[ask:<category>,...]": the detection is `ask` for those categories (a possible flag), nothing else;
- "[detector-fails]": the real detector is made to fail (its `detect` gets text it cannot read), so
  its own failure path answers: `failed`, with the emergency categories to ask about.
"""

from __future__ import annotations

import re

ASK_MARKER = re.compile(r"\[ask:([a-z_,]+)\]")
FAIL_MARKER = "[detector-fails]"


class _Unreadable:
    def __str__(self) -> str:
        raise RuntimeError("scripted detector failure")


def _install() -> None:
    from bot.redflags.detector import Detection, Detector

    real_detect = Detector.detect

    def detect(self: Detector, text: object) -> Detection:
        if isinstance(text, str) and FAIL_MARKER in text:
            return real_detect(self, _Unreadable())
        found = ASK_MARKER.search(text) if isinstance(text, str) else None
        if found:
            return Detection(ask=tuple(found.group(1).split(",")))
        return real_detect(self, text)

    Detector.detect = detect  # type: ignore[method-assign]


_install()
