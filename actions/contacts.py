"""action_answer_contact: the right phone number for a territory, a commune or a scheme."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import latest, role_of, scheme_id, send, territory_of
from bot.answers import contacts as answers
from bot.extraction import resolve_commune
from bot.knowledge import knowledge

CONTACT = "contact"  # pending_offer: we asked the commune to give a contact


class ActionAnswerContact(Action):
    def name(self) -> str:
        return "action_answer_contact"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain) -> list[EventType]:
        role = role_of(tracker)
        message = latest(tracker)
        if answers.ALL in [str(v).lower() for v in message.values("territoire")]:
            return send(dispatcher, tracker, answers.all_slai())
        named = [str(v) for v in message.values("commune") if str(v).strip()]
        match = resolve_commune(named[-1]) if named else None
        if match is not None and match.status == "hors_62":
            return send(dispatcher, tracker, [answers.outside(match, role)])
        if match is not None and match.status == "ambiguous" and match.territory is None:
            return send(dispatcher, tracker, [answers.choose_commune(match, role, intent="ask_contact")])
        if match is None and tracker.get_slot("commune"):
            match = resolve_commune(str(tracker.get_slot("commune")))
        found = scheme_id(tracker)
        scheme = knowledge().scheme(found) if found else None
        territory = territory_of(tracker)
        events = send(dispatcher, tracker, [answers.contact(role, territory, scheme, match)])
        asked_commune = territory is None and not (scheme and scheme.entry.service == "logement")
        form_active = bool((tracker.active_loop or {}).get("name"))
        offer = CONTACT if asked_commune and not form_active else None
        return [*events, SlotSet("pending_offer", offer)]
