"""The Markdown subset of the texts: blocks, chat-sized messages and plain text.

Editors write headings (`## ...`), paragraphs, lists (`- ...`) and inline **bold** and
[links](https://...). The chat shows the subset the widget renders: bold, lists and links, so a
heading becomes a bold first line of a new message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

HEADING_RE = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$")
LIST_ITEM_RE = re.compile(r"^(?:[-*+]|\d+[.)])\s+")
LINK_RE = re.compile(r"\[([^\]]*)\]\(([^)\s]*)\)")
BOLD_RE = re.compile(r"\*\*(.+?)\*\*")

# A message holds at most this many blocks and, when it has more than one, about this many
# characters: a few short paragraphs, readable on a phone without scrolling.
MAX_BLOCKS_PER_MESSAGE = 3
MAX_CHARS_PER_MESSAGE = 450


@dataclass(frozen=True)
class Block:
    """A heading, paragraph or list; `line` is its first line, counted from 1 in the body."""

    kind: str
    lines: tuple[str, ...]
    line: int

    @property
    def markdown(self) -> str:
        """The block as chat Markdown: headings as bold, paragraph lines joined."""
        if self.kind == "heading":
            return f"**{self.lines[0]}**"
        if self.kind == "list":
            return "\n".join(self.lines)
        return " ".join(self.lines)


def blocks(body: str) -> list[Block]:
    """Split a body into blocks: blank lines end a block, a heading is always its own block."""
    result: list[Block] = []
    lines: list[str] = []
    kind, start = "", 0

    def flush() -> None:
        nonlocal kind, lines
        if lines:
            result.append(Block(kind, tuple(lines), start))
        kind, lines = "", []

    for number, raw in enumerate(body.splitlines(), start=1):
        line = raw.strip()
        heading = HEADING_RE.match(line)
        if not line:
            flush()
        elif heading:
            flush()
            result.append(Block("heading", (heading.group(1),), number))
        elif LIST_ITEM_RE.match(line):
            if kind != "list":
                flush()
                kind, start = "list", number
            lines.append(line)
        elif kind == "list" and raw[:1].isspace():
            lines[-1] = f"{lines[-1]} {line}"  # an indented line continues the list item
        else:
            if kind != "paragraph":
                flush()
                kind, start = "paragraph", number
            lines.append(line)
    flush()
    return result


def chat_messages(body: str) -> list[str]:
    """The body as chat messages: a new message at each heading, a few blocks per message."""
    messages: list[list[Block]] = []
    for block in blocks(body):
        current = messages[-1] if messages else None
        if current is None or block.kind == "heading" or _full(current, block):
            messages.append([block])
        else:
            current.append(block)
    return ["\n\n".join(block.markdown for block in message) for message in messages]


def _full(message: list[Block], block: Block) -> bool:
    content = [b for b in message if b.kind != "heading"]
    if not content:
        return False
    size = sum(len(b.markdown) for b in message) + len(block.markdown)
    return len(content) >= MAX_BLOCKS_PER_MESSAGE or size > MAX_CHARS_PER_MESSAGE


def plain(markdown: str) -> str:
    """Inline Markdown as the words a reader sees: link text without URL, no bold markers."""
    return BOLD_RE.sub(r"\1", LINK_RE.sub(r"\1", markdown))


def plain_units(body: str) -> list[str]:
    """The reader's text in units that each end a sentence: headings, list items, paragraphs."""
    units: list[str] = []
    for block in blocks(body):
        if block.kind == "list":
            units.extend(plain(LIST_ITEM_RE.sub("", item)) for item in block.lines)
        else:
            units.append(plain(" ".join(block.lines)))
    return units
