"""`python -m bot content check|preview`: the content team's tools (output in Danish)."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.content.check import CheckResult, run_check
from bot.content.lix import MAX_LIX
from bot.content.preview import write_preview
from bot.settings import PROJECT_ROOT, get_settings

DEFAULT_PREVIEW = PROJECT_ROOT / "build" / "preview.html"


def main(argv: list[str]) -> int:
    """argv[0] is the command name ("content"); returns the exit code (0 when all is well)."""
    parser = argparse.ArgumentParser(prog="python -m bot content", description="Værktøjer til teksterne i content/.")
    sub = parser.add_subparsers(dest="action", required=True)
    check = sub.add_parser("check", help="Tjek teksterne, regionerne og de røde flag (LIX-tabel).")
    check.add_argument("--content", type=Path, help="mappen med indhold (standard: RYGBOT_CONTENT_DIR)")
    preview = sub.add_parser("preview", help="Skriv en HTML-side med alle tekster, som de ser ud i chatten.")
    preview.add_argument("--content", type=Path, help="mappen med indhold (standard: RYGBOT_CONTENT_DIR)")
    preview.add_argument("--out", type=Path, default=DEFAULT_PREVIEW, help="HTML-filen (standard: build/preview.html)")
    args = parser.parse_args(argv[1:])

    content_dir: Path = args.content or get_settings().content_dir
    if args.action == "check":
        result = run_check(content_dir)
        print(format_result(result))
        return 0 if result.ok else 1
    out = write_preview(content_dir, args.out)
    print(f"Forhåndsvisningen er skrevet til {out}")
    return 0


def format_result(result: CheckResult) -> str:
    """The LIX table, then warnings, then one line per problem, then a one-line verdict."""
    lines = [f"{'Tekst':<28} {'LIX':>5} {'Ord':>5} {'Sætn.':>6}  Gennemgået"]
    for row in sorted(result.rows, key=lambda r: r.id):
        r = row.readability
        flag = "  << for høj" if r.lix > MAX_LIX else ""
        lines.append(f"{row.id:<28} {r.lix:>5.1f} {r.words:>5} {r.sentences:>6}  {row.reviewed}{flag}")
    if result.redflag_rows:
        lines += ["", f"{'Rødt flag (LIX)':<28} {'question':>8} {'why':>5} {'simpler':>8}"]
        for f in result.redflag_rows:
            lines.append(f"{f.name:<28} {f.question:>8.1f} {f.why:>5.1f} {f.simpler:>8.1f}")
    if result.warnings:
        lines += ["", "Bemærk:"] + [f"  {w}" for w in result.warnings]
    if result.problems:
        lines += ["", "Fejl:"] + [f"  {p}" for p in result.problems]
        lines += ["", f"{len(result.problems)} fejl. Ret dem, og kør tjekket igen."]
    else:
        lines += [
            "",
            f"Alt er i orden: {len(result.rows)} tekster, {result.redflag_count} røde flag, "
            f"{result.region_count} regioner.",
        ]
    return "\n".join(lines)
