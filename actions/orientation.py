"""The orientation: facts, answers to its questions, "trouver une aide" (bot/conversation/turns.py)."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.common import apply, intent_of, reading_of, state_of
from bot.clock import today
from bot.conversation import turns


class ActionOrient(Action):
    """Facts given, a reply to the pending question, or a request for help: the next question or the result."""

    def name(self) -> str:
        return "action_orient"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain) -> list[EventType]:
        state = state_of(tracker)
        return apply(dispatcher, turns.orient(state, reading_of(tracker, state), intent_of(tracker), today()))


class ActionExplainQuestion(Action):
    """ "Pourquoi tu me demandes ça ?" """

    def name(self) -> str:
        return "action_explain_question"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain) -> list[EventType]:
        state = state_of(tracker)
        return apply(dispatcher, turns.explain_question(state, reading_of(tracker, state), today()))


class ActionCancel(Action):
    """ "Laisse tomber": the pending question is dropped."""

    def name(self) -> str:
        return "action_cancel"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain) -> list[EventType]:
        state = state_of(tracker)
        return apply(dispatcher, turns.cancel(state, reading_of(tracker, state)))
