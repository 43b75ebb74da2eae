"""action_extract_facts: fills the prescription sheet's and the contact request's answers
(custom slot mappings in domain.yml). The orientation's facts are read by each action itself
(bot/conversation/facts.py), in every state."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.conversation.facts import commune_slots
from bot.extraction import (
    SHEET_INTERRUPTION_CONFIDENCE,
    SHEET_INTERRUPTIONS,
    Message,
    extract_handoff,
    extract_sheet,
)
from bot.reading import COMMUNE, read


def _message(tracker: Tracker) -> Message:
    latest = tracker.latest_message or {}
    intent = (latest.get("intent") or {}).get("name")
    return Message(intent=intent, entities=latest.get("entities") or (), text=latest.get("text") or "")


class ActionExtractFacts(Action):
    def name(self) -> str:
        return "action_extract_facts"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        loop = (tracker.active_loop or {}).get("name")
        requested = tracker.get_slot("requested_slot") if loop else None
        confidence = ((tracker.latest_message or {}).get("intent") or {}).get("confidence") or 0.0
        if loop == "sheet_form":
            updates = extract_sheet(_message(tracker), requested, confidence)
        elif loop == "handoff_form" and requested == COMMUNE:
            message = _message(tracker)
            interrupts = message.intent in SHEET_INTERRUPTIONS and confidence >= SHEET_INTERRUPTION_CONFIDENCE
            updates = {} if interrupts else commune_slots(read(message.text, expecting=COMMUNE).place)
        elif loop == "handoff_form":
            updates = extract_handoff(_message(tracker), requested, confidence)
        else:
            updates = {}
        return [SlotSet(k, v) for k, v in updates.items()]
