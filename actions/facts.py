"""action_extract_facts: runs after every user message (custom slot mappings in domain.yml)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import latest
from actions.contacts import CONTACT
from bot.extraction import extract

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
        updates = extract(slots, message, requested, form_active)
        events = [SlotSet(name, value) for name, value in updates.items()]
        if tracker.get_slot("pending_offer") == CONTACT and message.intent != "inform":
            events.append(SlotSet("pending_offer", None))  # the user moved on: a later commune starts an orientation
        return events
