"""Scale-out on Rasa's own engine (issue 9): two Rasa instances, each with its action server,
behind nginx, sharing a PostgreSQL tracker store and a Redis lock store (`bot.cluster`, as
`make run-cluster` starts it, with the test servers' settings and the deploy/nginx/ routes).

One cluster for the module. The last test plays 50 concurrent whole consultations and kills one
Rasa instance in the middle. `make bench-cluster` measures one instance against two.
"""

from __future__ import annotations

import dataclasses
import http.client
import itertools
import json
import shutil
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from email.message import Message
from pathlib import Path
from typing import Iterator

import pytest
import sqlalchemy as sa

from bot import cluster as cluster_module
from bot import loadtest
from bot.rasa.channel import STATIC_FILES
from bot.settings import get_settings
from bot.urls import DELETE_PATH, HEALTH_PATH, REGIONS_PATH, WEBHOOK_PATH
from tests.databases import postgres_missing_reason
from tests.servers import HOST, STATS_TOKEN, TEST_ENV, free_port

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        bool(cluster_module.missing_programs()) or bool(postgres_missing_reason()),
        reason="needs Debian's postgresql, redis-server and nginx (scripts/ensure-test-packages.sh)",
    ),
]

USERS = 50
CONSULTATIONS = 50
# A failed turn is resent with the same message id, as the widget's "Prøv igen" does.
RESENDS = 3
# The instance dies when this share of the consultations' turns has been answered.
KILL_AT_SHARE = 0.4
CONSULTATION_SECONDS = 150


@pytest.fixture(scope="module")
def cluster(trained_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[cluster_module.Cluster]:
    settings = dataclasses.replace(
        get_settings(), host=HOST, rasa_port=free_port(), cors_origins=(), allow_any_origin=False,
        rasa_api_token="", stats_token=STATS_TOKEN,
    )
    postgres_folder = Path(tempfile.mkdtemp(prefix="rygbot-pg-"))  # the postgres user must reach it
    running = cluster_module.Cluster(
        trained_model, tmp_path_factory.mktemp("cluster"), 2, settings, env=dict(TEST_ENV), durable=False,
        postgres_folder=postgres_folder,
    )
    try:
        running.start()
    except Exception as error:
        raise RuntimeError(f"The cluster did not start ({error}). Logs:\n{running.log_tail()}") from error
    try:
        yield running
    finally:
        running.stop()
        shutil.rmtree(postgres_folder, ignore_errors=True)


@pytest.fixture(scope="module")
def reference(cluster: cluster_module.Cluster) -> list[str]:
    """The screening questions and result of one consultation played alone (warms both instances)."""
    return loadtest.reference(cluster.base_url)


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, Message, bytes]:
    """Status, headers (case-insensitive) and body of a GET."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def _post(url: str, body: bytes) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def _play_across(urls: list[str]) -> list[list[dict]]:
    """One consultation whose consecutive turns go to the given servers in turn."""
    sender, script, transcript = str(uuid.uuid4()), loadtest.rygbot_consultation(), []
    message = next(script)
    try:
        for turn in itertools.count():
            replies = loadtest.post(urls[turn % len(urls)] + WEBHOOK_PATH, sender, message)
            assert replies and all(m["recipient_id"] == sender for m in replies), replies
            transcript.append(replies)
            message = script.send(replies)
    except StopIteration as end:
        assert end.value, "the consultation did not reach a result"
    return transcript


def test_nginx_serves_the_widget_and_demo_page_with_the_channels_headers(cluster):
    direct = cluster.members[0].base_url
    for path in STATIC_FILES:
        status, headers, body = _get(cluster.base_url + path)
        own_status, own_headers, own_body = _get(direct + path)
        assert (status, own_status) == (200, 200), path
        assert headers.get("Server") == "nginx" and body == own_body, path
        for name in ("Content-Type", "Cache-Control", "Content-Security-Policy", "X-Content-Type-Options",
                     "Referrer-Policy"):
            assert headers.get(name) == own_headers.get(name), (path, name)
        assert _get(cluster.base_url + path, {"If-None-Match": headers["ETag"]})[0] == 304, path


def test_consecutive_turns_on_different_instances_are_one_conversation(cluster, reference):
    urls = [member.base_url for member in cluster.members]
    assert loadtest.screening_of(_play_across(urls)) == reference


def test_a_message_resent_to_another_instance_is_answered_once(cluster, reference):
    first, second = (member.base_url + WEBHOOK_PATH for member in cluster.members)
    sender = str(uuid.uuid4())
    for message in ("/greet", "jeg har fået ondt i lænden", "3 dage"):
        loadtest.post(first, sender, message)
    message_id = uuid.uuid4().hex
    answered = loadtest.post(first, sender, "/deny", message_id=message_id)
    again = loadtest.post(second, sender, "/deny", message_id=message_id, resend=True)
    following = loadtest.post(second, sender, "/deny", message_id=uuid.uuid4().hex)
    assert again == answered
    asked = loadtest.screening_of([answered, following])
    assert asked == reference[1:3]


def test_stats_delete_and_the_other_routes_go_through_nginx(cluster):
    assert _get(cluster.base_url + HEALTH_PATH)[0] == 200
    assert _get(cluster.base_url + REGIONS_PATH)[0] == 200
    assert _get(cluster.base_url + "/stats")[0] == 401
    status, _, body = _get(cluster.base_url + "/stats?format=json", {"Authorization": f"Bearer {STATS_TOKEN}"})
    assert status == 200 and "total" in json.loads(body)

    sender = str(uuid.uuid4())
    loadtest.post(cluster.base_url + WEBHOOK_PATH, sender, "/greet")
    status, body = _post(cluster.base_url + DELETE_PATH, json.dumps({"sender": sender}).encode())
    assert (status, json.loads(body)) == (200, {"deleted": True})
    engine = sa.create_engine(cluster.postgres.url)
    try:
        with engine.connect() as connection:
            left = connection.execute(sa.text("SELECT count(*) FROM events WHERE sender_id = :s"), {"s": sender})
            assert left.scalar() == 0
    finally:
        engine.dispose()


def test_nginx_limits_request_size_and_rate(cluster):
    webhook = cluster.base_url + WEBHOOK_PATH
    sender = str(uuid.uuid4())
    # Over the channel's 32 KiB: its own JSON error; far over it: nginx refuses before Rasa.
    status, body = _post(webhook, json.dumps({"sender": sender, "message": "x" * 40_000}).encode())
    assert status == 413 and json.loads(body)["error"] == "too_large"
    assert _post(webhook, json.dumps({"sender": sender, "message": "x" * 100_000}).encode())[0] == 413
    # A client at another address is slowed down past the burst; the machine itself is not.
    assert _statuses(cluster, "127.0.0.2", 60).count(429) >= 10
    assert set(_statuses(cluster, HOST, 60)) == {200}


def _statuses(cluster: cluster_module.Cluster, source: str, count: int) -> list[int]:
    connection = http.client.HTTPConnection(HOST, cluster.nginx.port, timeout=10, source_address=(source, 0))
    try:
        statuses = []
        for _ in range(count):
            connection.request("GET", HEALTH_PATH)
            response = connection.getresponse()
            response.read()
            statuses.append(response.status)
        return statuses
    finally:
        connection.close()


def test_without_the_lock_store_the_patient_gets_the_safe_reply_then_the_bot_recovers(cluster, reference):
    webhook = cluster.base_url + WEBHOOK_PATH
    cluster.redis.stop()
    try:
        replies = loadtest.post(webhook, str(uuid.uuid4()), "/greet")
    finally:
        cluster.redis.start()
    assert "ring 112" in " ".join(m.get("text", "") for m in replies).lower(), replies
    assert loadtest.screening_of(_play_across([cluster.base_url])) == reference


def test_fifty_concurrent_consultations_go_on_when_an_instance_dies(cluster, reference, capsys):
    access_log = cluster.log_dir / "nginx-access.log"
    answered_before = _webhook_requests(access_log)
    kill_after = answered_before + int(KILL_AT_SHARE * CONSULTATIONS * (len(reference) + 4))
    killed, finished = threading.Event(), threading.Event()

    def kill_in_the_middle() -> None:
        while not finished.is_set():
            if _webhook_requests(access_log) >= kill_after:
                cluster.members[1].kill_rasa()
                killed.set()
                return
            time.sleep(0.1)

    killer = threading.Thread(target=kill_in_the_middle, daemon=True)
    killer.start()
    run = loadtest.play(
        cluster.base_url, loadtest.rygbot_consultation, USERS, CONSULTATION_SECONDS,
        conversations=CONSULTATIONS, resends=RESENDS, expected=reference,
    )
    finished.set()
    assert killed.is_set(), f"the consultations ended before the instance was killed: {run}"
    assert run.conversations == CONSULTATIONS, (run, cluster.log_tail())
    assert (run.errors, run.crossed, run.lost, run.out_of_order) == (0, 0, 0, 0), (run, cluster.log_tail())
    killed_instance = f"{HOST}:{cluster.members[1].rasa_port} 200"
    assert any(line.endswith(killed_instance) for line in access_log.read_text().splitlines()), "it answered nothing"

    with capsys.disabled():
        print(
            f"\n{CONSULTATIONS} concurrent consultations, one of two instances killed in the middle: "
            f"{run.seconds:.0f} s, {run.per_second:.1f} msg/s, {run.resent} turns resent, "
            f"p95 {loadtest.latency_summary(run.latencies)['p95']:.1f} s"
        )


def _webhook_requests(access_log: Path) -> int:
    try:
        return access_log.read_text(encoding="utf-8").count(f"POST {WEBHOOK_PATH}")
    except OSError:
        return 0
