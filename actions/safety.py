"""Session start, restart, danger, other languages, misunderstandings and small talk."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import (
    ActionExecuted,
    ConversationPaused,
    EventType,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
)
from rasa_sdk.executor import CollectingDispatcher

from actions.common import apply, intent_of, reading_of, state_of
from actions.handoff import adviser_has
from bot.answers import safety as answers
from bot.clock import today
from bot.conversation import turns
from bot.conversation.protocol import FALLBACK, HANDOFF_FORM, WELCOMED

# Not carried into a new session: the welcome is said again, the form and its question are gone.
NOT_CARRIED = frozenset({"requested_slot", "session_started_metadata", WELCOMED})


class ActionSessionStart(Action):
    """Start each session, carrying the known facts over. The welcome comes with the first reply
    (bot/conversation/turns.py), after an emergency number when the first message speaks of danger.
    While an adviser has the conversation (a request `en_cours`), the new session stays paused
    (Rasa un-pauses at each new session) and says nothing."""

    def name(self) -> str:
        return "action_session_start"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain) -> list[EventType]:
        carried = [SlotSet(name, value) for name, value in tracker.slots.items()
                   if value is not None and name not in NOT_CARRIED]
        events: list[EventType] = [SessionStarted(), *carried]
        if await adviser_has(tracker.sender_id):
            return [*events, ConversationPaused(), ActionExecuted("action_listen")]
        return [*events, ActionExecuted("action_listen")]


class ActionRestart(Action):
    """"Recommencer": forget everything (Rasa's default action_restart, with our French message)."""

    def name(self) -> str:
        return "action_restart"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain) -> list[EventType]:
        dispatcher.utter_message(text="C'est reparti de zéro : j'ai tout oublié de cette conversation.",
                                 buttons=[b.as_dict() for b in answers.MENU])
        return [Restarted()]


class ActionDistress(Action):
    """The emergency number that fits, first, whatever the conversation was doing."""

    def name(self) -> str:
        return "action_distress"

    async def run(self, dispatcher, tracker, domain) -> list[EventType]:
        state = state_of(tracker)
        in_handoff = (tracker.active_loop or {}).get("name") == HANDOFF_FORM
        return apply(dispatcher, turns.distress(state, reading_of(tracker, state), today(), in_handoff))


class ActionOtherLanguage(Action):
    def name(self) -> str:
        return "action_other_language"

    async def run(self, dispatcher, tracker, domain) -> list[EventType]:
        state = state_of(tracker)
        return apply(dispatcher, turns.foreign(state, reading_of(tracker, state), today()))


def _consecutive_fallbacks(tracker: Tracker) -> int:
    count = 0
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        if ((event.get("parse_data") or {}).get("intent") or {}).get("name") != FALLBACK:
            break
        count += 1
    return count


class ActionClarify(Action):
    """Low NLU confidence: read the message anyway; otherwise offer the two likeliest topics, and a
    person the second time in a row."""

    def name(self) -> str:
        return "action_clarify"

    async def run(self, dispatcher, tracker, domain) -> list[EventType]:
        state = state_of(tracker)
        ranking = (tracker.latest_message or {}).get("intent_ranking") or []
        likely = [r.get("name") for r in ranking if r.get("name") != FALLBACK]
        turn = turns.clarify(state, reading_of(tracker, state), likely, _consecutive_fallbacks(tracker), today())
        events = apply(dispatcher, turn)
        if intent_of(tracker) != FALLBACK:
            # Predicted because no rule covers this turn (RulePolicy's core fallback): forget the
            # message, as Rasa's default fallback does, so that the assistant listens again.
            events.append(UserUtteranceReverted())
        return events


class ActionSmallTalk(Action):
    """After hello, thanks, "t'es un robot ?", chit-chat or out-of-scope (whose fixed response the rule
    says first): the welcome on the first turn, the facts of the message, and the pending question again."""

    def name(self) -> str:
        return "action_small_talk"

    async def run(self, dispatcher, tracker, domain) -> list[EventType]:
        state = state_of(tracker)
        return apply(dispatcher, turns.small_talk(state, reading_of(tracker, state), intent_of(tracker) or ""))
