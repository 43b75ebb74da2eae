"""action_extract_facts: runs after every user message (custom slot mappings in domain.yml)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import latest
from bot.extraction import extract, extract_handoff, extract_sheet

# What answers each pending offer; any other message makes it lapse (a later "oui" must not erase).
OFFER_ANSWERS = {"contact": ("inform",), "erase": ("affirm",), "person": ("affirm",)}
FACT_SLOTS = ("role", "age", "commune", "territoire", "dispositif", "situations", "situations_no",
              "facts_unsure", "structure_types", "structure_no", "fact_answer")


class ActionExtractFacts(Action):
    def name(self) -> str:
        return "action_extract_facts"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        slots = {name: tracker.get_slot(name) for name in FACT_SLOTS}
        form_active = bool((tracker.active_loop or {}).get("name"))
        requested = tracker.get_slot("requested_slot") if form_active else None
        message = latest(tracker)
        loop = (tracker.active_loop or {}).get("name")
        confidence = ((tracker.latest_message or {}).get("intent") or {}).get("confidence") or 0.0
        if loop == "sheet_form":
            return [SlotSet(k, v) for k, v in extract_sheet(message, requested, confidence).items()]
        if loop == "handoff_form" and requested == "handoff_answer":
            return [SlotSet(k, v) for k, v in extract_handoff(message, requested, confidence).items()]
        updates = extract(slots, message, requested, form_active)
        events = [SlotSet(name, value) for name, value in updates.items()]
        offer = tracker.get_slot("pending_offer")
        if offer and message.intent not in OFFER_ANSWERS.get(offer, ()):
            events.append(SlotSet("pending_offer", None))  # the user moved on: the offer lapses
        return events
