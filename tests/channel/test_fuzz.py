"""Property-based fuzzing (hypothesis): 1,000 generated webhook bodies against the real channel over
HTTP, and 1,000 generated texts through the red-flag detector, on every run.

The webhook must never answer 5xx: always a reply the widget can show, or a 4xx with a clear error.
The detector must never raise and must only name known categories. Rasa's agent is the channel
tests' stand-in (tests/channel/conftest.py), so a run takes seconds; the real Rasa server gets the
same bodies in a smaller run (tests/e2e/test_fuzz_real_server.py).
"""

from __future__ import annotations

import json
import uuid

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.redflags import detect, get_catalogue
from bot.triage import LEVELS

EXAMPLES = 1000
# No example database: each run draws afresh, and nothing is written into the working tree.
FUZZ = settings(
    max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

# Words the detector and the guard care about, so generated texts reach their interesting paths.
WORDS = [
    "feber", "ingen feber", "ikke", "kræft", "min mor", "faldt", "urinen", "ridebukse", "følelsesløs",
    "benet svigter", "prednisolon", "vægttab", "ryg", "lænd", "ondt", "ved ikke", "ja", "nej", "?", "!",
    "010203-1234", "12 34 56 78", "a@b.dk", "<script>", "</b>", "/affirm", "/deny", "/inform_duration{}",
    "\u202e", "\u200b", "\x00", "\n\n", "😀", "ææø", "NØDSITUATION",
]
texts = st.one_of(
    st.text(max_size=300),
    st.lists(st.sampled_from(WORDS) | st.text(max_size=12), max_size=30).map(" ".join),
    st.text(min_size=1900, max_size=2600, alphabet=st.characters(codec="utf-8")),
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)
senders = st.one_of(
    st.uuids(version=4).map(str),
    st.uuids(version=4).map(lambda u: str(u).upper()),
    st.uuids().map(str),
    st.text(max_size=60),
    json_values,
)
clinics = st.fixed_dictionaries(
    {}, optional={"name": json_values | st.text(max_size=200), "phone": json_values, "region": json_values}
)
bodies = st.one_of(
    st.binary(max_size=400),
    json_values.map(lambda value: json.dumps(value).encode()),
    st.fixed_dictionaries(
        {"sender": senders},
        optional={
            "message": texts | json_values,
            "metadata": st.fixed_dictionaries({}, optional={"clinic": clinics}) | json_values,
        },
    ).map(lambda body: json.dumps(body, ensure_ascii=False).encode("utf-8", "surrogatepass")),
    texts.map(lambda text: json.dumps({"sender": str(uuid.uuid4()), "message": text}).encode("utf-8", "surrogatepass")),
)


def test_webhook_never_answers_5xx_and_always_a_reply_or_a_clear_4xx(server):
    server.agent.script = lambda message: [{"text": "Hej fra rasa"}]
    sent: list[bytes] = []

    @FUZZ
    @given(body=bodies)
    def check(body: bytes) -> None:
        sent.append(body)
        reply = server.request("/webhooks/rygbot/webhook", body, {"Content-Type": "application/json"})
        assert reply.status < 500, (reply.status, body[:200])
        answer = reply.json()
        if reply.status == 200:
            assert isinstance(answer, list) and answer, body[:200]
            assert any(isinstance(m.get("text"), str) and m["text"].strip() for m in answer), answer
            assert all(isinstance(m.get("recipient_id"), str) for m in answer)
        else:
            assert 400 <= reply.status < 500
            assert isinstance(answer.get("error"), str) and isinstance(answer.get("message"), str), answer

    check()
    assert len(sent) >= EXAMPLES


def test_delete_route_never_answers_5xx(server):
    @settings(FUZZ, max_examples=200)
    @given(body=bodies)
    def check(body: bytes) -> None:
        reply = server.request("/webhooks/rygbot/delete", body, {"Content-Type": "application/json"})
        assert reply.status in (200, 400, 413), (reply.status, body[:200])

    check()


@FUZZ
@given(text=texts)
def test_detector_never_raises_and_names_only_known_categories(text):
    known = set(get_catalogue().categories)
    detection = detect(text)
    assert detection.level in LEVELS
    for names in (detection.flags, detection.ask, detection.negated):
        assert isinstance(names, tuple) and set(names) <= known
    json.dumps(detection.to_json())
