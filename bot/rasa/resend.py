"""A resent chat message is answered once: replayed when it was handled, handled when it was not.

The widget resends a message ("Prøv igen") when its reply did not arrive: the network dropped it,
or the Rasa instance that had it died (several instances behind nginx). The message may have been
handled and stored all the same, and handling it twice would be unsafe: a second "Nej" would answer
the next screening question without the patient having seen it. So every message carries a random
message id, which Rasa stores with it (UserUttered.message_id), and a resend says so. Under the
conversation's lock (Redis when several instances run, so a turn still in flight on another
instance finishes first) the channel looks for the id in the stored conversation: found, the bot's
stored replies to it are sent again, as Rasa sent them; not found, the message is handled now.
"""

from __future__ import annotations

import logging
from typing import Any, Optional, Sequence

from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.shared.core.events import BotUttered, Event, UserUttered

logger = logging.getLogger(__name__)


def replies_to(events: Sequence[Event], message_id: str) -> Optional[list[BotUttered]]:
    """The bot's utterances that answered the user message `message_id`, or None when that message
    is not among `events`."""
    replies: Optional[list[BotUttered]] = None
    for event in events:
        if isinstance(event, UserUttered):
            if replies is not None:
                break
            if event.message_id == message_id:
                replies = []
        elif replies is not None and isinstance(event, BotUttered):
            replies.append(event)
    return replies


async def handle_resend(agent: Any, message: UserMessage) -> None:
    """Rasa's `agent.handle_message` for a resent message: the stored replies to it when it was
    handled already (sent to `message.output_channel`), else the message handled now."""
    async with agent.lock_store.lock(message.sender_id):
        tracker = await agent.tracker_store.retrieve(message.sender_id)
        replies = replies_to(tracker.events if tracker else (), message.message_id)
        if replies is None:
            await agent.processor.handle_message(message)
            return
        logger.info("A resent message had been answered; sent the same replies again")
        await _send(replies, message.sender_id, message.output_channel)


async def _send(replies: Sequence[BotUttered], recipient_id: str, output_channel: OutputChannel) -> None:
    for reply in replies:
        await output_channel.send_response(recipient_id, reply.message())
