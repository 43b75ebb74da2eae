"""What every action shares: the state and the reading of the latest message, and applying a turn."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.answers.reply import Reply
from bot.conversation.protocol import STATE_SLOTS, Turn
from bot.conversation.questions import parse_question
from bot.conversation.state import State
from bot.conversation.turns import say
from bot.knowledge import Territory, knowledge
from bot.reading import Reading, read

_EXPECTING = {"age": "age", "commune": "commune", "age_commune": "age_commune", "commune?": "commune"}


def state_of(tracker: Tracker) -> State:
    return State.from_slots({name: tracker.get_slot(name) for name in STATE_SLOTS})


def intent_of(tracker: Tracker) -> str | None:
    return ((tracker.latest_message or {}).get("intent") or {}).get("name")


def reading_of(tracker: Tracker, state: State | None = None) -> Reading:
    """The latest message, read whole; a bare "19" or "Béthnue" counts when the pending question asks it."""
    state = state or state_of(tracker)
    message = tracker.latest_message or {}
    question = parse_question(state.pending) if state.offer == "question" else None
    expecting = _EXPECTING.get(question.kind) if question else None
    return read(message.get("text") or "", intent_of(tracker), message.get("entities") or (), expecting)


def apply(dispatcher: CollectingDispatcher, turn: Turn) -> list[EventType]:
    """Say the turn's replies; return its slot changes as events."""
    for reply in turn.replies:
        kwargs: dict[str, Any] = {"text": reply.text}
        if reply.buttons:
            kwargs["buttons"] = [b.as_dict() for b in reply.buttons]
        dispatcher.utter_message(**kwargs)
    return [SlotSet(name, value) for name, value in turn.slots.items()]


def send(dispatcher: CollectingDispatcher, tracker: Tracker, replies: Iterable[Reply],
         **changes: Any) -> list[EventType]:
    """Fixed replies (offer of a person, sheet, erasure), finished as every turn is: the notice on the
    first turn, each acronym explained once."""
    return apply(dispatcher, say(state_of(tracker), list(replies), **changes))


def role_of(tracker: Tracker) -> str | None:
    return state_of(tracker).role


def territory_of(tracker: Tracker) -> Territory | None:
    """The territory named in this message, else the one known from the conversation."""
    state = state_of(tracker)
    reading = reading_of(tracker, state)
    if reading.place is not None and reading.place.match.territory:
        return knowledge().territory(reading.place.match.territory)
    if reading.territories:
        return knowledge().territory(reading.territories[-1])
    return state.territory_info()
