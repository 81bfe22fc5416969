"""bot/rasa/resend.py: which stored replies answer a resent message."""

from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered

from bot.rasa.resend import replies_to


def _conversation():
    return [
        UserUttered("/greet", message_id="first"),
        ActionExecuted("utter_welcome"),
        BotUttered("Hej, jeg er rygbot."),
        UserUttered("nej", message_id="second"),
        SlotSet("screening_answer", "nej"),
        BotUttered("Har du feber?", {"buttons": [{"title": "Ja", "payload": "/affirm"}]}),
        BotUttered(None, {"custom": {"content_id": "x"}}),
        UserUttered("nej", message_id="third"),
    ]


def test_the_replies_to_a_stored_message_are_the_bot_utterances_up_to_the_next_message():
    replies = replies_to(_conversation(), "second")
    assert [reply.text for reply in replies] == ["Har du feber?", None]
    assert replies[0].message()["buttons"][0]["payload"] == "/affirm"
    assert replies[1].message()["custom"] == {"content_id": "x"}


def test_a_stored_message_still_without_replies_has_none():
    assert replies_to(_conversation(), "third") == []


def test_a_message_that_was_never_stored_is_unknown():
    assert replies_to(_conversation(), "never") is None
    assert replies_to([], "first") is None
