"""What every action shares: reading the orientation state from slots, sending replies."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.answers.glossary import explain
from bot.answers.reply import Reply
from bot.dialogue import OrientationState
from bot.extraction import Message, resolve_commune
from bot.knowledge import SCHEME_IDS, TERRITORY_IDS, Territory, knowledge
from bot.lexicon import find_in_text, to_id

EXPLAINED = "explained_terms"


def state_from(tracker: Tracker) -> OrientationState:
    """The orientation facts kept in slots (an age that is not a number counts as unknown)."""
    age = tracker.get_slot("age")
    unsure = frozenset(tracker.get_slot("facts_unsure") or ())
    types = tracker.get_slot("structure_types")
    return OrientationState(
        role=tracker.get_slot("role"),
        age=age if isinstance(age, int) and not isinstance(age, bool) else None,
        commune=tracker.get_slot("commune") or None,
        yes=frozenset(tracker.get_slot("situations") or ()),
        no=frozenset(tracker.get_slot("situations_no") or ()),
        unsure=unsure,
        structure_types=frozenset(types) if types else None,
        structure_no=frozenset(tracker.get_slot("structure_no") or ()),
    )


def latest(tracker: Tracker) -> Message:
    message = tracker.latest_message or {}
    intent = (message.get("intent") or {}).get("name")
    return Message(intent=intent, entities=message.get("entities") or (), text=message.get("text") or "")


def role_of(tracker: Tracker) -> str | None:
    return tracker.get_slot("role")


def scheme_id(tracker: Tracker) -> str | None:
    """The scheme named in this message, else the one the conversation is about."""
    message = latest(tracker)
    named = [n for n in (to_id("dispositif", v) for v in message.values("dispositif")) if n]
    if named:
        return named[-1]
    spelled = find_in_text("dispositif", message.text)
    if len(spelled) == 1:
        return spelled[0]
    current = tracker.get_slot("dispositif")
    return current if current in SCHEME_IDS else None


def territory_of(tracker: Tracker) -> Territory | None:
    """The territory named or implied in this message, else the one known from the conversation."""
    message = latest(tracker)
    for value in reversed(message.values("territoire")):
        found = to_id("territoire", value)
        if found:
            return knowledge().territory(found)
    for value in reversed(message.values("commune")):
        match = resolve_commune(str(value))
        if match.territory:
            return knowledge().territory(match.territory)
    current = tracker.get_slot("territoire")
    return knowledge().territory(current) if current in TERRITORY_IDS else None


def send(dispatcher: CollectingDispatcher, tracker: Tracker, replies: Iterable[Reply]) -> list[EventType]:
    """Send replies, explaining each acronym the first time the conversation meets it."""
    explained = frozenset(tracker.get_slot(EXPLAINED) or ())
    before = explained
    for reply in replies:
        text, explained = explain(reply.text, explained)
        kwargs: dict[str, Any] = {"text": text}
        if reply.buttons:
            kwargs["buttons"] = [b.as_dict() for b in reply.buttons]
        dispatcher.utter_message(**kwargs)
    return [SlotSet(EXPLAINED, sorted(explained))] if explained != before else []
