"""`make soak`: many concurrent full consultations against a running bot (loopback only), bounded
in time and count.

Each worker runs whole consultations (welcome, the pain, how long, every screening question until
the result, a question) with its own UUID4 sender id, and checks every reply against its own
conversation: a reply addressed to another sender is *crossed*, a turn with no text is *lost*.
Reports errors, latency percentiles per turn, completed consultations, and the Rasa server's RSS
at the start, after the first minute and at the end. The client is `bot.loadtest`, shared with
`make bench-chat`.

    .venv/bin/python -m bot soak --url http://127.0.0.1:5005 --users 50 --seconds 600
"""

from __future__ import annotations

import argparse
import json
import sys

from bot.loadtest import soak


def main(argv: list[str]) -> int:
    """`python -m bot soak [--url ...]` (argv[0] is the command)."""
    parser = argparse.ArgumentParser(prog="python -m bot soak", description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:5005")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=600)
    parser.add_argument("--pid", type=int, default=None, help="the Rasa server's pid (found from the port if left out)")
    args = parser.parse_args(argv[1:])
    result = soak(args.url, args.users, args.seconds, args.pid)
    print(json.dumps(result, indent=2))
    return 0 if result["errors"] == result["crossed"] == result["lost"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
