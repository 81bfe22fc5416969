"""The patient's own words, shortened for quoting back in a question ("Du skrev: «…».").

Pure: the dialogue quotes the message as Rasa stored it (already redacted by the channel), so this
only tidies and shortens it.
"""

from __future__ import annotations

import re

QUOTE_CHARS = 120
ELLIPSIS = "…"
# The quote marks the bot puts around the words; inside the words they would confuse the reader.
_MARKS = str.maketrans({"«": '"', "»": '"'})
# The widget's bold and link markup (widget/widget.js), which the patient's words must not form.
_MARKUP = ((re.compile(r"\*{2,}"), "*"), (re.compile(r"\]\("), "] ("))


def shorten(text: str, limit: int = QUOTE_CHARS) -> str:
    """`text` on one line and without the widget's markup, cut after at most `limit` characters
    (at a word where one is near) with "…" when anything was left out."""
    words = " ".join((text or "").translate(_MARKS).split())
    for pattern, replacement in _MARKUP:
        words = pattern.sub(replacement, words)
    if len(words) <= limit:
        return words
    head = words[: limit - len(ELLIPSIS)]
    space = head.rfind(" ")
    if space >= limit // 2:
        head = head[:space]
    return head.rstrip(" ,.;:-–") + ELLIPSIS
