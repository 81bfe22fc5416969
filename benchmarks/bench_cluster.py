"""`make bench-cluster`: messages per second of one Rasa instance and of two, behind nginx, here.

Starts a local cluster (`bot.cluster`: PostgreSQL, Redis, two Rasa instances with their action
servers) and two nginx fronts with the deploy/nginx/ files, one over both instances and one over
the first only, and plays concurrent whole consultations (`bot.loadtest`) against each in
alternating rounds, so that other load on the machine falls on both alike. Prints the medians and
the median of the rounds' ratios as one JSON object. Loopback only; the cluster's data goes to a temporary folder.

    .venv/bin/python -m bot bench cluster --users 50 --seconds 15 --rounds 3
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from bot import cluster, launcher, loadtest
from bot.settings import get_settings


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)

    cluster.ensure_packages()
    model = launcher.train_if_needed()
    folder = Path(tempfile.mkdtemp(prefix="rygbot-bench-cluster-"))
    folder.chmod(0o755)  # as root, PostgreSQL runs as the postgres user, which must reach its folder
    settings = dataclasses.replace(get_settings(), host=cluster.HOST, rasa_port=cluster.free_port())
    both = cluster.Cluster(model, folder, 2, settings)
    one = None
    try:
        print("Starting PostgreSQL, Redis, two Rasa instances and nginx ...", file=sys.stderr, flush=True)
        both.start()
        one = cluster.Nginx(
            folder / "nginx-one", both.log_dir, both.log_file("nginx-one"), cluster.HOST,
            cluster.free_port(), [both.members[0].rasa_port],
        ).start()
        fronts = {"2 instances": both.base_url, "1 instance": one.base_url}
        for url in fronts.values():
            loadtest.reference(url)  # warms both instances up
        rates: dict[str, list[float]] = {name: [] for name in fronts}
        errors = 0
        for round_number in range(args.rounds):
            for name, url in fronts.items():
                figures = loadtest.play(url, loadtest.rygbot_consultation, args.users, args.seconds)
                errors += figures.errors + figures.crossed + figures.lost
                rates[name].append(figures.per_second)
                print(f"round {round_number + 1}, {name}: {figures.per_second:.1f} msg/s", file=sys.stderr, flush=True)
        medians = {name: round(statistics.median(values), 1) for name, values in rates.items()}
        print(json.dumps({
            "users": args.users,
            "seconds_per_round": args.seconds,
            "messages_per_s": medians,
            # Each round's two runs are next to each other in time: their ratio shares the background load.
            "ratio_2_to_1": round(statistics.median(
                two / one for two, one in zip(rates["2 instances"], rates["1 instance"], strict=True) if one
            ), 2),
            "rounds": {name: [round(value, 1) for value in values] for name, values in rates.items()},
            "errors_crossed_lost": errors,
            "cores": len(os.sched_getaffinity(0)),
        }, indent=2))
        return 0 if errors == 0 else 1
    finally:
        if one is not None:
            one.stop()
        both.stop()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
