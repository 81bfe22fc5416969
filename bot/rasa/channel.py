"""The `rygbot` input channel: the chat webhook, the widget files and the demo page on Rasa's port.

Configured in credentials.yml as `bot.rasa.channel.RygbotInput:`. Before Rasa sees a message the
channel guards it (`bot.input_guard`) and runs the red-flag detector once, on the whole unredacted
text, handing the result to Rasa in the message metadata (`bot.rasa.detection.METADATA_KEY`, which
only the channel sets). After Rasa answers it makes sure the patient got a safe answer (DESIGN.md
invariants 1 and 5, texts in `bot.safety`), from the same detection: when Rasa fails or says
nothing, or when a red flag in the message was not escalated, the channel adds the escalation itself.
Only UUID4 sender ids get in; the patient can delete their own conversation (DELETE_PATH); every
response carries SECURITY_HEADERS. A message the widget resends (its reply was lost) is answered once,
also when another instance had it first (bot/rasa/resend.py).

The paths below are the single source of truth for the URL layout; the widget resolves the webhook
relative to its own script address, so a reverse proxy may mount everything under a prefix.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from functools import partial
from typing import Any, Awaitable, Callable, Coroutine, Optional

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import safety
from bot.input_guard import (
    MAX_BODY_BYTES,
    MAX_MESSAGE_CHARS,
    GuardedMessage,
    GuardError,
    clinic_metadata,
    guard,
    parse_body,
    sender_id,
    too_large,
)
from bot.rasa import failure_watch, speedups
from bot.rasa.detection import METADATA_KEY, detection_data, empty_data
from bot.rasa.resend import handle_resend
from bot.settings import PROJECT_ROOT, get_settings
from bot.triage import LEVELS, NONE, most_severe
from bot.urls import (
    CHANNEL_NAME,
    DELETE_PATH,
    DEMO_PATH,
    HEALTH_PATH,
    REGIONS_PATH,
    STATS_PATH,
    WEBHOOK_PATH,
    WIDGET_CSS_PATH,
    WIDGET_JS_PATH,
)

logger = logging.getLogger(__name__)

WIDGET_DIR = PROJECT_ROOT / "widget"
# Path -> (file in widget/, content type, Cache-Control). A fixed table: no path comes from the URL.
STATIC_FILES: dict[str, tuple[str, str, str]] = {
    WIDGET_JS_PATH: ("widget.js", "text/javascript; charset=utf-8", "public, max-age=300"),
    WIDGET_CSS_PATH: ("widget.css", "text/css; charset=utf-8", "public, max-age=300"),
    DEMO_PATH: ("demo.html", "text/html; charset=utf-8", "no-cache"),
}
DEMO_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
# On every response of the channel; the demo page adds DEMO_CSP.
SECURITY_HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}

# Longer than any normal turn; the widget waits a little longer than this.
REPLY_TIMEOUT_SECONDS = 30.0

Message = dict[str, Any]

class RygbotInput(RestInput):
    """Rasa's REST channel with an input guard, a safety net and the widget's static files."""

    @classmethod
    def name(cls) -> str:
        return CHANNEL_NAME

    def url_prefix(self) -> str:
        # Rasa mounts the blueprint at urljoin("/webhooks/", url_prefix()); "/" keeps the full
        # paths above, so the widget and the demo page live at clean root URLs.
        return "/"

    def get_metadata(self, request: Request) -> Optional[dict[str, Any]]:
        """The clinic settings sent by the widget, checked, with the `.env` defaults filled in."""
        body = request.json if isinstance(request.json, dict) else {}
        settings = get_settings()
        defaults = {"name": settings.clinic_name, "phone": settings.clinic_phone, "region": settings.clinic_region}
        return clinic_metadata(body.get("metadata"), defaults)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        speedups.install()
        failure_watch.install()
        bp = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @bp.route(HEALTH_PATH, methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @bp.route(REGIONS_PATH, methods=["GET"])
        async def regions(request: Request) -> HTTPResponse:
            return response.json(_regions(), headers={"Cache-Control": "public, max-age=3600"})

        @bp.route(STATS_PATH, methods=["GET"])
        async def stats(request: Request) -> HTTPResponse:
            from bot.stats import web

            settings = get_settings()
            query = {key: request.args.get(key) for key in ("token", "since", "until", "clinic", "format")}
            page = await asyncio.to_thread(
                web.page, settings.stats_token, settings.tracker_store_url, request.headers.get("authorization"), query
            )
            headers = dict(web.HEADERS)
            if page.status == web.UNAUTHORISED:
                headers["WWW-Authenticate"] = 'Bearer realm="rygbot-stats"'
            return HTTPResponse(body=page.body, status=page.status, headers=headers, content_type=page.content_type)

        @bp.route(WEBHOOK_PATH, methods=["POST"], stream=True)
        async def receive(request: Request) -> HTTPResponse:
            try:
                request.body = await _read_body(request)
                guarded = guard(parse_body(request.body))
            except GuardError as error:
                logger.info("Refused a chat request: %s", error.code)
                return response.json(error.to_json(), status=error.status)
            if guarded.is_unreadable:
                return response.json(_texts(guarded.sender, safety.EMPTY_MESSAGE_REPLY))
            detection = _detect(guarded.detection_text)
            # get_metadata keeps only the checked clinic; the detection key is the channel's own.
            metadata = {**(self.get_metadata(request) or {}), METADATA_KEY: detection}
            # A resend is answered once, whichever instance had it first (bot/rasa/resend.py).
            handle = partial(handle_resend, request.app.ctx.agent) if guarded.resend else on_new_message
            replies = await self._ask_rasa(handle, guarded, metadata)
            replies = _with_safety_net(replies, guarded, _contact(metadata), detection)
            return response.json(_notes(guarded) + replies)

        @bp.route(DELETE_PATH, methods=["POST"], stream=True)
        async def delete(request: Request) -> HTTPResponse:
            try:
                sender = sender_id(parse_body(await _read_body(request)))
            except GuardError as error:
                return response.json(error.to_json(), status=error.status)
            agent = getattr(request.app.ctx, "agent", None)
            try:
                await _delete_conversation(agent, sender)
            except Exception as error:  # noqa: BLE001 - the patient must learn that it did not work
                logger.error("Deleting a conversation failed (%s)", type(error).__name__)
                return response.json(
                    {"error": "delete_failed", "message": "The conversation could not be deleted; try again."},
                    status=503,
                )
            logger.info("A patient deleted their conversation")
            return response.json({"deleted": True})

        @bp.middleware("response")
        async def security_headers(request: Request, answer: HTTPResponse) -> None:
            for name, value in SECURITY_HEADERS.items():
                answer.headers.setdefault(name, value)

        for path in STATIC_FILES:
            bp.add_route(_static_handler(path), path, methods=["GET", "HEAD"], name=_route_name(path))

        return bp

    async def _ask_rasa(
        self,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        guarded: GuardedMessage,
        metadata: dict[str, Any],
    ) -> Optional[list[Message]]:
        """Rasa's replies, or None when Rasa raised, took too long or an action failed without an
        escalation in the reply (never log the text)."""
        collector = CollectingOutputChannel()
        message = UserMessage(
            guarded.text, collector, guarded.sender, input_channel=self.name(), metadata=metadata,
            message_id=guarded.message_id,
        )
        with failure_watch.watching() as failures:
            try:
                await asyncio.wait_for(on_new_message(message), timeout=REPLY_TIMEOUT_SECONDS)
            except asyncio.TimeoutError:
                logger.error("Rasa did not answer within %.0f s; sent the safe reply", REPLY_TIMEOUT_SECONDS)
                return None
            except Exception as error:  # noqa: BLE001 - any failure must still give the patient a safe reply
                logger.error("Rasa failed to handle a message (%s); sent the safe reply", type(error).__name__)
                return None
        if failures and _triage_given(collector.messages) == NONE:
            logger.error("An action or the tracker store failed while Rasa handled a message; sent the safe reply")
            return None
        return collector.messages


async def _delete_conversation(agent: Any, sender: str) -> None:
    """Delete every stored event of `sender` under Rasa's conversation lock, so no turn in flight
    writes it back. Rasa wraps its tracker store (fail-safe, awaitable); the store is found inside."""
    from rasa.core.tracker_store import InMemoryTrackerStore, SQLTrackerStore

    from bot.retention import delete_engine

    store: Any = getattr(agent, "tracker_store", None)
    while hasattr(store, "_tracker_store"):
        store = store._tracker_store
    lock_store = getattr(agent, "lock_store", None)
    if store is None or lock_store is None:
        raise RuntimeError("no tracker store")
    async with lock_store.lock(sender):
        if isinstance(store, SQLTrackerStore):
            await asyncio.to_thread(delete_engine, store.engine, sender)
        elif isinstance(store, InMemoryTrackerStore):
            store.store.pop(sender, None)
        else:
            raise RuntimeError(f"deleting from {type(store).__name__} is not supported")


async def _read_body(request: Request) -> bytes:
    """Read the body, refusing (413) more than MAX_BODY_BYTES without reading the rest."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise too_large()
    chunks: list[bytes] = []
    size = 0
    while True:
        assert request.stream is not None  # the route is declared with stream=True
        chunk = await request.stream.read()
        if chunk is None:
            break
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise too_large()
        chunks.append(chunk)
    return b"".join(chunks)


def _texts(recipient_id: str, text: str) -> list[Message]:
    """One message per paragraph, as Rasa's collecting output channel splits texts."""
    return [{"recipient_id": recipient_id, "text": part} for part in text.split("\n\n") if part.strip()]


def _notes(guarded: GuardedMessage) -> list[Message]:
    """Polite notes about what the guard changed in the patient's message."""
    notes: list[Message] = []
    if guarded.was_cut:
        notes += _texts(guarded.sender, safety.long_message_note(MAX_MESSAGE_CHARS))
    if guarded.redacted:
        notes += _texts(guarded.sender, safety.redacted_note(guarded.redacted))
    return notes


def _contact(metadata: dict[str, Any]) -> safety.Contact:
    clinic = metadata.get("clinic") or {}
    region = clinic.get("region", "")
    return safety.Contact(
        clinic_name=clinic.get("name", ""),
        clinic_phone=clinic.get("phone", ""),
        region=region,
        laegevagt_phone=_laegevagt_phone(region),
    )


def _regions() -> dict[str, dict[str, str]]:
    """Region key -> {"name", "phone"} from content/regions.yml, or the built-in numbers."""
    try:
        from bot.content import get_store

        return {key: {"name": region.name, "phone": region.phone} for key, region in get_store().regions().items()}
    except Exception as error:  # noqa: BLE001 - the safe texts must not depend on content/
        logger.warning("Region numbers unavailable (%s); using the built-in ones", type(error).__name__)
        return {key: {"name": "", "phone": phone} for key, phone in safety.LAEGEVAGT_NUMBERS.items()}


def _laegevagt_phone(region: str) -> str:
    """The region's lægevagt number; empty when unknown."""
    return _regions().get(region, {}).get("phone", "") if region else ""


def _detect(text: str) -> dict[str, Any]:
    """The red-flag detection of a message's whole text (bot.rasa.detection.detection_data); a
    button payload has none. A detector that cannot run asks the emergency questions."""
    if not text:
        return empty_data()
    try:
        from bot.redflags import detect

        return detection_data(detect(text))
    except Exception as error:  # noqa: BLE001 - the safety net must work without the detector
        logger.error("Red-flag detector failed in the channel (%s)", type(error).__name__)
        return empty_data(failed=True)


def _triage_given(replies: list[Message]) -> str:
    levels = [
        reply["custom"]["triage"]
        for reply in replies
        if isinstance(reply.get("custom"), dict) and reply["custom"].get("triage") in LEVELS
    ]
    return most_severe(levels)


def _with_safety_net(
    replies: Optional[list[Message]], guarded: GuardedMessage, contact: safety.Contact, detection: dict[str, Any]
) -> list[Message]:
    """Rasa's replies, with the escalation first if a detected red flag was not escalated, or
    the safe fallback if Rasa failed or sent no text. `detection` is the one made before Rasa."""
    level, flags = detection["level"], list(detection["flags"])
    replies = replies or []
    answered = any(isinstance(reply.get("text"), str) and reply["text"].strip() for reply in replies)
    if level != NONE and LEVELS.index(_triage_given(replies)) < LEVELS.index(level):
        if replies:
            logger.warning("A %s red flag was not escalated by the dialogue; the channel escalated", level)
        escalation = _texts(guarded.sender, safety.escalation_text(level, contact))
        escalation.append({"recipient_id": guarded.sender, "custom": safety.triage_payload(level, flags)})
        return escalation + (replies if answered else [])
    if not answered:
        logger.warning("Rasa sent no text; sent the safe reply")
        return replies + _texts(guarded.sender, safety.fallback_text(contact))
    return replies


def _route_name(path: str) -> str:
    return "static_" + "".join(ch if ch.isalnum() else "_" for ch in path.strip("/"))


def _static_handler(path: str) -> Callable[[Request], Coroutine[Any, Any, HTTPResponse]]:
    filename, content_type, cache_control = STATIC_FILES[path]
    file = WIDGET_DIR / filename

    async def serve(request: Request) -> HTTPResponse:
        try:
            body = file.read_bytes()
        except OSError:
            logger.error("Widget file missing: %s", filename)
            return response.json({"error": "not_found"}, status=404)
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        headers = {"Cache-Control": cache_control, "ETag": etag, "X-Content-Type-Options": "nosniff"}
        if path == DEMO_PATH:
            headers["Content-Security-Policy"] = DEMO_CSP
        if etag in request.headers.get("if-none-match", ""):
            return HTTPResponse(status=304, headers=headers)
        return HTTPResponse(body=body if request.method != "HEAD" else b"", headers=headers, content_type=content_type)

    return serve
