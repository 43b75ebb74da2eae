""""Supprime mes données": confirm, then ask the channel to erase once the turn is saved."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import role_of, send
from bot.answers.reply import Button, Reply, pick

ERASE = "erase"                 # pending_offer: we asked to confirm the erasure
ERASE_MARKER = {"cj62_erase": True}  # read by rasa_ext/channels/erasure.py, never shown


class ActionAskErase(Action):
    def name(self) -> str:
        return "action_ask_erase"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain) -> list[EventType]:
        role = role_of(tracker)
        reply = Reply(pick(role, "Tu veux que j'efface tout : cette conversation, et les fiches et demandes de "
                                 "contact faites ici ?",
                           "Souhaitez-vous que j'efface tout : cette conversation, et les fiches et demandes de "
                           "contact faites ici ?"),
                      (Button("Oui, tout effacer", "/affirm"), Button("Non", "/deny")))
        return [*send(dispatcher, tracker, [reply]), SlotSet("pending_offer", ERASE)]


class ActionEraseData(Action):
    def name(self) -> str:
        return "action_erase_data"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain) -> list[EventType]:
        dispatcher.utter_message(text=pick(role_of(tracker), "C'est fait : tout ce que tu m'as dit ici est effacé, "
                                                             "tes fiches et tes demandes aussi.",
                                           "C'est fait : cette conversation, ses fiches et ses demandes de contact "
                                           "sont effacées."))
        dispatcher.utter_message(json_message=ERASE_MARKER)
        return [SlotSet("pending_offer", None)]
