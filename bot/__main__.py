"""`python -m bot COMMAND ...`: hand the command line to the module that owns the command."""

from __future__ import annotations

import importlib
import sys

COMMANDS = {
    "redflags": ("bot.redflags.cli", "Find red flags in text (JSON), --evaluate a test set"),
    "content": ("bot.content.cli", "check | preview: tools for the content team"),
    "nlp": ("bot.nlp", "build: write the Danish spaCy pipeline that Rasa loads"),
    "train": ("bot.launcher", "Train the Rasa model if data, domain or config changed"),
    "run": ("bot.launcher", "Start the action server and Rasa; print the demo page URL (--instances N: behind nginx)"),
    "chat": ("bot.chat", "Chat with the running bot in the terminal"),
    "purge": ("bot.retention", "Delete conversations older than RYGBOT_RETENTION_DAYS"),
    "stats": ("bot.stats.cli", "Clinic statistics without personal data (--format table|json|html)"),
    "bench": ("bot.bench", "redflags | chat | cluster: the benchmarks (figures as ratios in one run)"),
    "soak": ("bot.soak", "Many concurrent consultations against a running bot (--url --users --seconds)"),
    "nlu-report": ("bot.nlu_report", "NLU cross-validation report (intent F1 per intent) in results/"),
    "soup": ("bot.soup", "Regenerate docs/safety/soup.md from constraints.txt"),
}


def main(argv: list[str]) -> int:
    if not argv or argv[0] in {"-h", "--help"} or argv[0] not in COMMANDS:
        print("usage: python -m bot COMMAND [ARGS]\n\ncommands:")
        for name, (_, summary) in COMMANDS.items():
            print(f"  {name:<10} {summary}")
        return 0 if argv and argv[0] in {"-h", "--help"} else 2
    module = importlib.import_module(COMMANDS[argv[0]][0])
    return int(module.main(argv) or 0)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
