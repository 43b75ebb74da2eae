"""Questions about the schemes — what, for whom, when, how much, how, whom to call (bot/conversation/turns.py)."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.common import apply, intent_of, reading_of, state_of
from bot.clock import today
from bot.conversation import turns


class ActionAnswer(Action):
    """Every topic the message asks, answered first; then the pending question again, if any."""

    def name(self) -> str:
        return "action_answer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain) -> list[EventType]:
        state = state_of(tracker)
        return apply(dispatcher, turns.answer(state, reading_of(tracker, state), intent_of(tracker), today()))
