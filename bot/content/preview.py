"""`content preview`: one static HTML page with every text as chat bubbles and every red-flag
question, for reviewers who do not run the bot. Everything from content/ is HTML-escaped."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Optional

from bot import routing
from bot.content.check import text_readability
from bot.content.markdown import BOLD_RE, LIST_ITEM_RE, chat_messages
from bot.content.placeholders import PLACEHOLDERS, fill, static_defaults
from bot.content.regions import Region, laegevagt_list, parse_regions
from bot.content.store import REGIONS_FILE, TEXTS_DIR
from bot.content.texts import Text, validate_text
from bot.redflags.catalogue import CATALOGUE_FILE, parse_catalogue
from bot.reloading import ContentError

# Private-use characters mark filled placeholders through escaping, to highlight them afterwards.
_MARK_START, _MARK_END = "\ue000", "\ue001"
_SAFE_LINK_RE = re.compile(r"\[([^\]]*)\]\(((?:https?://|tel:|mailto:)[^)\s]*)\)")
LEVEL_LABELS = {"emergency": "Akut: ring 112", "urgent": "Kontakt lægen nu"}
# Texts the actions send whole, without a "Læs mere" button (actions/common.py `whole=True`).
SENT_WHOLE = frozenset({routing.WELCOME, routing.EMERGENCY, routing.URGENT, routing.ENGLISH})

STYLE = """
body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#1d1d1f;background:#f5f6f8}
section{background:#fff;border-radius:12px;padding:1rem 1.25rem;margin:1.5rem 0;box-shadow:0 1px 3px #0002}
h2{margin:.2rem 0}.meta{color:#555;font-size:.9rem}.label{font-size:.8rem;color:#666;margin:.8rem 0 .2rem}
.bubble{background:#e9eef6;border-radius:14px 14px 14px 4px;padding:.6rem .9rem;margin:.4rem 0;max-width:32rem}
.bubble p{margin:.3rem 0}.bubble ul{margin:.3rem 0;padding-left:1.2rem}
.more{display:inline-block;border:1px solid #2c5da8;color:#2c5da8;border-radius:999px;\
padding:.2rem .8rem;margin:.4rem 0;font-size:.9rem}
.buttons span{display:inline-block;border:1px solid #2c5da8;color:#2c5da8;border-radius:999px;\
padding:.15rem .7rem;margin-right:.3rem}
mark{background:#fff3b0}.error{background:#fde8e8;color:#8a1c1c;border-radius:8px;\
padding:.6rem .9rem;white-space:pre-wrap}
.level-emergency{color:#b00020;font-weight:bold}.level-urgent{color:#a15c00;font-weight:bold}
table{border-collapse:collapse}td,th{padding:.2rem .6rem;border-bottom:1px solid #ddd;text-align:left}
"""


def render_inline(markdown: str) -> str:
    """Escape, then turn **bold** and [links](https://...) into HTML; other URLs stay text."""
    escaped = html.escape(markdown, quote=True)
    escaped = _SAFE_LINK_RE.sub(lambda m: f'<a href="{m.group(2)}">{m.group(1)}</a>', escaped)
    escaped = BOLD_RE.sub(r"<strong>\1</strong>", escaped)
    return escaped.replace(_MARK_START, "<mark>").replace(_MARK_END, "</mark>")


def render_message(message: str) -> str:
    """One chat message (blocks separated by blank lines) as the HTML of a bubble."""
    parts = []
    for block in message.split("\n\n"):
        lines = block.splitlines()
        if lines and all(LIST_ITEM_RE.match(line) for line in lines):
            items = "".join(f"<li>{render_inline(LIST_ITEM_RE.sub('', line))}</li>" for line in lines)
            parts.append(f"<ul>{items}</ul>")
        else:
            parts.append(f"<p>{render_inline(block)}</p>")
    return f'<div class="bubble">{"".join(parts)}</div>'


def render_preview(content_dir: Path) -> str:
    """The whole preview page as an HTML string."""
    content_dir = Path(content_dir)
    regions, regions_error = _regions(content_dir / REGIONS_FILE)
    defaults = static_defaults()
    if regions:
        defaults["laegevagt"] = laegevagt_list(regions)
    marked = {name: f"{_MARK_START}{value}{_MARK_END}" for name, value in defaults.items()}

    paths = sorted((content_dir / TEXTS_DIR).glob("*.md"))
    sections = [_intro(), _contents(paths)]
    for path in paths:
        text, problems = validate_text(path)
        sections.append(_text_section(path, text, [str(p) for p in problems], marked))
    sections.append(_redflags_section(content_dir / CATALOGUE_FILE))
    sections.append(_regions_section(regions, regions_error))
    body = "\n".join(sections)
    return (
        '<!DOCTYPE html>\n<html lang="da"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>rygbot: forhåndsvisning af teksterne</title><style>{STYLE}</style></head>"
        f"<body>\n<h1>rygbot: forhåndsvisning af teksterne</h1>\n{body}\n</body></html>\n"
    )


def write_preview(content_dir: Path, out: Path) -> Path:
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_preview(content_dir), encoding="utf-8")
    return out


def _intro() -> str:
    names = ", ".join(f"<code>{{{html.escape(n)}}}</code>" for n in PLACEHOLDERS)
    return (
        "<p>Sådan ser teksterne ud i chatten. Den første boble vises først; resten vises, når "
        "patienten trykker <em>Læs mere</em>. Tekster mærket <em>sendes hele</em> vises altid helt. "
        f"Pladsholdere ({names}) er vist med "
        "<mark>gul baggrund</mark> og den tekst, patienten ser, når klinikken ikke har oplyst andet.</p>"
    )


def _contents(paths: list[Path]) -> str:
    links = "".join(f'<li><a href="#{html.escape(p.stem)}">{html.escape(p.stem)}</a></li>' for p in paths)
    return (
        f'<nav><ul>{links}<li><a href="#roede-flag">røde flag</a></li>'
        '<li><a href="#regioner">lægevagten</a></li></ul></nav>'
    )


def _text_section(path: Path, text: Optional[Text], problems: list[str], marked: dict[str, str]) -> str:
    if text is None:
        errors = html.escape("\n".join(problems))
        return (
            f'<section id="{html.escape(path.stem)}"><h2>{html.escape(path.name)}</h2>'
            f'<div class="error">{errors}</div></section>'
        )
    messages = [fill(m, None, marked) for m in chat_messages(text.body)]
    bubbles = [render_message(messages[0])] if messages else []
    if len(messages) > 1 and text.id not in SENT_WHOLE:
        bubbles.append('<div class="more">Læs mere</div>')
    bubbles.extend(render_message(m) for m in messages[1:])
    reviewed = text.reviewed_on.isoformat() if text.reviewed_on else "afventer faglig gennemgang"
    sources = "".join(
        f'<li><a href="{html.escape(s.url, quote=True)}">{html.escape(s.title)}</a></li>' for s in text.sources
    ) or "<li>Ingen kilder</li>"
    score = text_readability(text)
    return (
        f'<section id="{html.escape(text.id)}"><h2>{html.escape(text.title)}</h2>'
        f'<div class="meta">id: <code>{html.escape(text.id)}</code> · version {html.escape(text.version)} · '
        f"gennemgået: {html.escape(reviewed)} ({html.escape(text.reviewed_by)}) · LIX {score.lix:.0f}</div>"
        f'<div class="label">I chatten{" (sendes hele)" if text.id in SENT_WHOLE else ""}</div>{"".join(bubbles)}'
        f'<div class="label">Kilder</div><ul>{sources}</ul></section>'
    )


def _redflags_section(path: Path) -> str:
    try:
        categories = parse_catalogue(path).categories
    except Exception as error:  # the page still shows every text when the catalogue is broken
        message = html.escape(str(error) or type(error).__name__)
        return f'<section id="roede-flag"><h2>Røde flag</h2><div class="error">{message}</div></section>'
    items = []
    for name, category in categories.items():
        level = str(getattr(category, "level", ""))
        items.append(
            f'<h3><code>{html.escape(name)}</code> · <span class="level-{html.escape(level)}">'
            f"{html.escape(LEVEL_LABELS.get(level, level))}</span></h3>"
            f"{render_message(str(category.question))}"
            '<div class="buttons"><span>Ja</span><span>Nej</span><span>Ved ikke</span></div>'
            f'<div class="label">Hvorfor vi spørger (why)</div>{render_message(str(category.why))}'
            f'<div class="label">Sagt enklere, efter "ved ikke" (simpler)</div>{render_message(str(category.simpler))}'
        )
    return f'<section id="roede-flag"><h2>Røde flag: spørgsmålene</h2>{"".join(items)}</section>'


def _regions(path: Path) -> tuple[Optional[dict[str, Region]], Optional[str]]:
    try:
        return parse_regions(path), None
    except ContentError as error:
        return None, str(error)


def _regions_section(regions: Optional[dict[str, Region]], error: Optional[str]) -> str:
    if regions is None:
        return (
            f'<section id="regioner"><h2>Lægevagten</h2><div class="error">{html.escape(error or "")}</div></section>'
        )
    rows = "".join(f"<tr><td>{html.escape(r.name)}</td><td>{html.escape(r.phone)}</td></tr>" for r in regions.values())
    return (
        '<section id="regioner"><h2>Lægevagten</h2><table><tr><th>Region</th><th>Telefon</th></tr>'
        f"{rows}</table></section>"
    )
