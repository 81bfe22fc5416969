"""`python -m bot stats [--since DATE] [--until DATE] [--clinic NAME] [--format table|json|html]`."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from typing import Optional, Sequence

from bot.settings import get_settings
from bot.stats import statistics
from bot.stats.report import render

FORMATS = ("table", "json", "html")


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["stats"]:
        args = args[1:]
    parser = argparse.ArgumentParser(
        prog="python -m bot stats",
        description="Clinic statistics from the tracker store, without personal data (counts under 5 as <5).",
    )
    parser.add_argument("--since", type=_date, help="first day, YYYY-MM-DD (Danish time)")
    parser.add_argument("--until", type=_date, help="last day, YYYY-MM-DD (included)")
    parser.add_argument("--clinic", help="only this clinic (its name as the widget sends it)")
    parser.add_argument("--format", choices=FORMATS, default="table")
    parser.add_argument("--tracker-store", help="tracker store URL (default: RYGBOT_TRACKER_STORE_URL)")
    options = parser.parse_args(args)
    url = options.tracker_store or get_settings().tracker_store_url
    data = statistics(url, options.since, options.until, options.clinic)
    print(render(data, options.format))
    return 0


if __name__ == "__main__":
    sys.exit(main())
