"""The clinic statistics: counts per day and in total, small counts hidden, as JSON, table or HTML.

Counts from 1 to 4 are shown as "<5" so no patient can be singled out, and so are the medians of
fewer than 5 consultations. Nothing here ever holds text a patient wrote: only counts, dates,
category names and content ids (bot.stats.collect reads nothing else).
"""

from __future__ import annotations

import datetime as dt
import html
import statistics
from collections import Counter
from typing import Any, Iterable, Optional, Sequence, Union

from bot.handover import LABELS
from bot.stats.collect import (
    STOP_DESCRIPTION,
    STOP_DURATION,
    STOP_QUESTION,
    STOP_RESULT,
    STOP_WELCOME,
    Consultation,
)
from bot.triage import EMERGENCY, NONE, URGENT

MIN_COUNT = 5
SMALL = "<5"
Count = Union[int, str]

OUTCOME_ORDER = (EMERGENCY, URGENT, NONE)
OUTCOME_NAMES = {EMERGENCY: "Ring 112", URGENT: "Kontakt lægen nu", NONE: "Ingen røde flag"}
OUTCOME_COLOURS = {EMERGENCY: "#b3261e", URGENT: "#b07800", NONE: "#0b5f73"}
# The funnel: how far consultations got.
FUNNEL = (
    ("opened", "Åbnede chatten"),
    ("started", "Skrev om smerterne"),
    ("screening", "Gik i gang med spørgsmålene"),
    ("first_question", "Fik det første røde-flag-spørgsmål"),
    ("result", "Fik et resultat"),
)
STOP_NAMES = {
    STOP_WELCOME: "Ved velkomsten",
    STOP_DESCRIPTION: "Efter at have skrevet om smerterne",
    STOP_DURATION: "Ved spørgsmålet om hvor længe",
    STOP_RESULT: "Efter resultatet (gennemført)",
}
NOTE = "Tal fra 1 til 4 vises som <5, så ingen patient kan genkendes. Ingen tekst fra patienterne er med."


def masked(count: int) -> Count:
    return SMALL if 0 < count < MIN_COUNT else count


def stop_name(stop: str) -> str:
    if stop.startswith(STOP_QUESTION + ":"):
        category = stop.split(":", 1)[1]
        return "Ved spørgsmålet om " + LABELS.get(category, category)
    return STOP_NAMES.get(stop, stop)


def select(
    found: Iterable[Consultation],
    since: Optional[dt.date] = None,
    until: Optional[dt.date] = None,
    clinic: Optional[str] = None,
) -> list[Consultation]:
    """The consultations that began between `since` and `until` (both included, Danish dates),
    at `clinic` (its name as the widget sends it, any case) when given."""
    chosen = []
    for consultation in found:
        day = consultation.day()
        if since and day < since or until and day > until:
            continue
        if clinic and consultation.clinic.casefold() != clinic.casefold():
            continue
        chosen.append(consultation)
    return chosen


def _counts(items: Sequence[Consultation]) -> dict[str, int]:
    return {
        "opened": len(items),
        "started": sum(c.wrote for c in items),
        "screening": sum(c.screening for c in items),
        "first_question": sum(c.questions > 0 or c.reached_result for c in items),
        "result": sum(c.reached_result for c in items),
    }


def _median(values: list[float], digits: int) -> Union[float, str, None]:
    if not values:
        return None
    if len(values) < MIN_COUNT:
        return SMALL
    return round(float(statistics.median(values)), digits)


def summary(items: Sequence[Consultation]) -> dict[str, Any]:
    """Every figure of a set of consultations, small counts masked."""
    started = [c for c in items if c.wrote]
    outcomes = Counter(c.level for c in items if c.reached_result)
    flags = Counter(flag for c in items for flag in c.flags)
    stops = Counter(c.stop for c in started)
    content = Counter(text_id for c in items for text_id in c.content_ids)
    return {
        **{key: masked(value) for key, value in _counts(items).items()},
        "outcomes": {level: masked(outcomes.get(level, 0)) for level in OUTCOME_ORDER},
        "red_flags": {flag: masked(n) for flag, n in sorted(flags.items(), key=lambda kv: (-kv[1], kv[0]))},
        "stopped": {stop: masked(n) for stop, n in sorted(stops.items(), key=lambda kv: (-kv[1], kv[0]))},
        "content_read": {text_id: masked(n) for text_id, n in sorted(content.items(), key=lambda kv: (-kv[1], kv[0]))},
        "median_turns": _median([c.messages for c in started], 1),
        "median_minutes": _median([c.minutes for c in started], 1),
    }


def report(
    items: Sequence[Consultation],
    since: Optional[dt.date] = None,
    until: Optional[dt.date] = None,
    clinic: Optional[str] = None,
) -> dict[str, Any]:
    """The statistics as one JSON-ready object: the period, the total and one entry per day."""
    by_day: dict[dt.date, list[Consultation]] = {}
    for consultation in items:
        by_day.setdefault(consultation.day(), []).append(consultation)
    days = []
    for day in sorted(by_day):
        outcomes = Counter(c.level for c in by_day[day] if c.reached_result)
        days.append({
            "date": day.isoformat(),
            **{key: masked(value) for key, value in _counts(by_day[day]).items()},
            "outcomes": {level: masked(outcomes.get(level, 0)) for level in OUTCOME_ORDER},
        })
    return {
        "period": {"since": since.isoformat() if since else None, "until": until.isoformat() if until else None},
        "clinic": clinic or None,
        "min_count": MIN_COUNT,
        "note": NOTE,
        "total": summary(items),
        "days": days,
    }


# --- Text table ------------------------------------------------------------------------------------


def table(data: dict[str, Any]) -> str:
    total = data["total"]
    lines = [f"rygbot – statistik{' for ' + data['clinic'] if data['clinic'] else ''}", _period(data), ""]
    lines += [f"  {name:<38} {total[key]:>6}" for key, name in FUNNEL]
    lines.append("")
    lines.append("Resultat")
    lines += [f"  {OUTCOME_NAMES[level]:<38} {total['outcomes'][level]:>6}" for level in OUTCOME_ORDER]
    for title, key, name in (
        ("Røde flag", "red_flags", lambda k: LABELS.get(k, k)),
        ("Hvor patienterne stoppede", "stopped", stop_name),
        ("Tekster læst (id)", "content_read", str),
    ):
        lines += ["", title]
        lines += [f"  {name(k):<58} {v:>6}" for k, v in total[key].items()] or ["  –"]
    lines += [
        "",
        f"Median antal beskeder fra patienten: {_dash(total['median_turns'])}",
        f"Median varighed i minutter: {_dash(total['median_minutes'])}",
        "",
        "Pr. dag             åbnet  skrev  resultat  112  læge nu  ingen",
    ]
    for day in data["days"]:
        outcomes = day["outcomes"]
        lines.append(
            f"  {day['date']}  {day['opened']:>7} {day['started']:>6} {day['result']:>9} "
            f"{outcomes[EMERGENCY]:>4} {outcomes[URGENT]:>8} {outcomes[NONE]:>6}"
        )
    lines += ["", NOTE]
    return "\n".join(lines)


def _period(data: dict[str, Any]) -> str:
    since, until = data["period"]["since"], data["period"]["until"]
    return f"Periode: {since or 'begyndelsen'} til {until or 'i dag'}"


def _dash(value: Any) -> str:
    return "–" if value is None else str(value)


# --- HTML report with inline SVG charts -------------------------------------------------------------


def _height(value: Count) -> float:
    """A masked count is drawn as the most it can be (4), lighter."""
    return MIN_COUNT - 1 if value == SMALL else float(value)


def outcomes_chart(days: list[dict[str, Any]]) -> str:
    """Stacked bars per day: how many consultations ended in each outcome."""
    width, height, left, bottom, top = 640, 240, 36, 40, 12
    inner = height - bottom - top
    highest = max([sum(_height(d["outcomes"][lvl]) for lvl in OUTCOME_ORDER) for d in days] + [1])
    step = (width - left - 8) / max(len(days), 1)
    bar = max(min(step * 0.7, 48), 4)
    parts = [
        f'<svg class="chart chart-outcomes" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}"'
        ' aria-labelledby="outcomes-title"><title id="outcomes-title">Resultater pr. dag</title>',
        f'<line x1="{left}" y1="{top + inner}" x2="{width - 4}" y2="{top + inner}" stroke="#5f6b76"/>',
        f'<text x="{left - 6}" y="{top + 4}" text-anchor="end" font-size="11">{highest:g}</text>',
        f'<text x="{left - 6}" y="{top + inner}" text-anchor="end" font-size="11">0</text>',
    ]
    for index, day in enumerate(days):
        x = left + index * step + (step - bar) / 2
        y = float(top + inner)
        for level in reversed(OUTCOME_ORDER):
            value = day["outcomes"][level]
            size = _height(value) / highest * inner
            if size <= 0:
                continue
            y -= size
            opacity = "0.45" if value == SMALL else "1"
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{size:.1f}" fill="{OUTCOME_COLOURS[level]}"'
                f' fill-opacity="{opacity}"><title>{day["date"]}: {OUTCOME_NAMES[level]} {value}</title></rect>'
            )
        if len(days) <= 14 or index % max(len(days) // 10, 1) == 0:
            parts.append(
                f'<text x="{x + bar / 2:.1f}" y="{height - bottom + 16}" text-anchor="middle" font-size="11">'
                f'{day["date"][5:]}</text>'
            )
    legend_x = left
    for level in OUTCOME_ORDER:
        parts.append(f'<rect x="{legend_x}" y="{height - 14}" width="10" height="10" fill="{OUTCOME_COLOURS[level]}"/>')
        parts.append(f'<text x="{legend_x + 14}" y="{height - 5}" font-size="11">{OUTCOME_NAMES[level]}</text>')
        legend_x += 150
    parts.append("</svg>")
    return "".join(parts)


def funnel_chart(total: dict[str, Any]) -> str:
    """Horizontal bars: how many got how far."""
    width, row, left = 640, 34, 250
    height = row * len(FUNNEL) + 8
    highest = max([_height(total[key]) for key, _ in FUNNEL] + [1])
    parts = [
        f'<svg class="chart chart-funnel" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}"'
        ' aria-labelledby="funnel-title"><title id="funnel-title">Hvor langt patienterne kom</title>'
    ]
    for index, (key, name) in enumerate(FUNNEL):
        value = total[key]
        y = 4 + index * row
        size = max(_height(value) / highest * (width - left - 60), 2)
        opacity = "0.45" if value == SMALL else "1"
        parts.append(f'<text x="{left - 8}" y="{y + 20}" text-anchor="end" font-size="13">{html.escape(name)}</text>')
        parts.append(
            f'<rect x="{left}" y="{y + 4}" width="{size:.1f}" height="{row - 10}" '
            f'fill="#0b5f73" fill-opacity="{opacity}">'
            f"<title>{html.escape(name)}: {value}</title></rect>"
        )
        parts.append(f'<text x="{left + size + 6:.1f}" y="{y + 20}" font-size="13">{value}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _rows(pairs: Iterable[tuple[str, Any]]) -> str:
    body = "".join(f"<tr><td>{html.escape(str(k))}</td><td class=n>{html.escape(str(v))}</td></tr>" for k, v in pairs)
    return body or '<tr><td colspan="2">–</td></tr>'


def html_page(data: dict[str, Any]) -> str:
    total = data["total"]
    title = "rygbot – statistik" + (f" for {data['clinic']}" if data["clinic"] else "")
    days = "".join(
        f"<tr><td>{d['date']}</td><td class=n>{d['opened']}</td><td class=n>{d['started']}</td>"
        f"<td class=n>{d['result']}</td><td class=n>{d['outcomes'][EMERGENCY]}</td>"
        f"<td class=n>{d['outcomes'][URGENT]}</td><td class=n>{d['outcomes'][NONE]}</td></tr>"
        for d in data["days"]
    ) or '<tr><td colspan="7">Ingen samtaler i perioden.</td></tr>'
    return f"""<!doctype html>
<html lang="da"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>{html.escape(title)}</title>
<style>
body {{ font: 16px/1.45 system-ui, "Segoe UI", Arial, sans-serif; color: #1b1f23; \
margin: 2rem auto; max-width: 46rem; padding: 0 1rem; }}
h1 {{ font-size: 1.5rem; margin-bottom: .25rem; }} h2 {{ font-size: 1.15rem; margin-top: 2rem; }}
table {{ border-collapse: collapse; width: 100%; }} \
td, th {{ padding: .25rem .5rem; border-bottom: 1px solid #cfd6dc; text-align: left; }}
td.n, th.n {{ text-align: right; font-variant-numeric: tabular-nums; }}
.chart {{ max-width: 100%; height: auto; display: block; }} .note {{ color: #4b5560; font-size: .9rem; }}
.key {{ display: grid; grid-template-columns: repeat(auto-fit, minmax(9rem, 1fr)); gap: .75rem; }}
.key div {{ border: 1px solid #cfd6dc; border-radius: .5rem; padding: .5rem .75rem; }} \
.key b {{ display: block; font-size: 1.5rem; }}
</style></head><body>
<h1>{html.escape(title)}</h1>
<p>{html.escape(_period(data))}</p>
<div class="key">
<div><b>{total['started']}</b>samtaler</div><div><b>{total['result']}</b>fik et resultat</div>
<div><b>{total['outcomes'][EMERGENCY]}</b>ring 112</div><div><b>{total['outcomes'][URGENT]}</b>kontakt lægen nu</div>
<div><b>{total['outcomes'][NONE]}</b>ingen røde flag</div>
</div>
<h2>Resultater pr. dag</h2>
{outcomes_chart(data['days'])}
<h2>Hvor langt patienterne kom</h2>
{funnel_chart(total)}
<p class="note">Lyse søjler er tal under 5; de tegnes, som var de 4.</p>
<h2>Hvor patienterne stoppede</h2>
<table>{_rows((stop_name(k), v) for k, v in total['stopped'].items())}</table>
<h2>Røde flag</h2>
<table>{_rows((LABELS.get(k, k), v) for k, v in total['red_flags'].items())}</table>
<h2>Tekster patienterne fik (id)</h2>
<table>{_rows(total['content_read'].items())}</table>
<h2>Længde</h2>
<table>{_rows([('Median antal beskeder fra patienten', _dash(total['median_turns'])),
               ('Median varighed i minutter', _dash(total['median_minutes']))])}</table>
<h2>Pr. dag</h2>
<table><tr><th>Dato</th><th class=n>Åbnet</th><th class=n>Skrev</th><th class=n>Resultat</th><th class=n>112</th>
<th class=n>Læge nu</th><th class=n>Ingen</th></tr>{days}</table>
<p class="note">{html.escape(NOTE)}</p>
</body></html>
"""


def render(data: dict[str, Any], fmt: str) -> str:
    import json

    if fmt == "json":
        return json.dumps(data, ensure_ascii=False)
    if fmt == "html":
        return html_page(data)
    return table(data)
