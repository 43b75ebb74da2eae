"""Welcome, distress, other languages, misunderstandings, yes/no outside the form, a person."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import (
    ActionExecuted,
    ConversationPaused,
    EventType,
    FollowupAction,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
)
from rasa_sdk.executor import CollectingDispatcher

from actions.common import latest, role_of, send, territory_of
from actions.handoff import adviser_has
from bot.answers import handoff as handoff_answers
from bot.answers import safety as answers
from bot.answers.reply import Button, Reply, pick

PERSON = "person"


class ActionSessionStart(Action):
    """Start each session by saying this is an automatic assistant, what it does, and that a person can
    take over; carry the known facts over. While an adviser has the conversation (a request
    `en_cours`), the new session stays paused (Rasa un-pauses at each new session) and says nothing."""

    def name(self) -> str:
        return "action_session_start"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain) -> list[EventType]:
        carried = [SlotSet(name, value) for name, value in tracker.slots.items()
                   if value is not None and name not in ("requested_slot", "session_started_metadata")]
        events: list[EventType] = [SessionStarted(), *carried]
        if await adviser_has(tracker.sender_id):
            return [*events, ConversationPaused(), ActionExecuted("action_listen")]
        send(dispatcher, tracker, [answers.welcome()])
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
    def name(self) -> str:
        return "action_distress"

    async def run(self, dispatcher, tracker, domain) -> list[EventType]:
        return [*send(dispatcher, tracker, answers.distress(role_of(tracker))), SlotSet("pending_offer", PERSON)]


class ActionOtherLanguage(Action):
    def name(self) -> str:
        return "action_other_language"

    async def run(self, dispatcher, tracker, domain) -> list[EventType]:
        return send(dispatcher, tracker, [answers.other_language(territory_of(tracker))])


def _consecutive_fallbacks(tracker: Tracker) -> int:
    count = 0
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        if ((event.get("parse_data") or {}).get("intent") or {}).get("name") != "nlu_fallback":
            break
        count += 1
    return count


class ActionClarify(Action):
    """Low NLU confidence: offer the two likeliest topics; the second time in a row, offer a person."""

    def name(self) -> str:
        return "action_clarify"

    async def run(self, dispatcher, tracker, domain) -> list[EventType]:
        role = role_of(tracker)
        if _consecutive_fallbacks(tracker) >= 2:
            reply = handoff_answers.offer(role, territory_of(tracker))
            return [*send(dispatcher, tracker, [reply]), SlotSet("pending_offer", PERSON)]
        ranking = (tracker.latest_message or {}).get("intent_ranking") or []
        likely = [r.get("name") for r in ranking if r.get("name") != "nlu_fallback"]
        events = send(dispatcher, tracker, [answers.clarify(role, likely)])
        if latest(tracker).intent != "nlu_fallback":
            # Predicted because no rule covers this turn (RulePolicy's core fallback): forget the
            # message, as Rasa's default fallback does, so that the assistant listens again.
            events.append(UserUtteranceReverted())
        return events


class ActionHandleYesNo(Action):
    """"oui" / "non" / "je sais pas" outside the form: the answer to the last offer, if any."""

    def name(self) -> str:
        return "action_handle_yes_no"

    async def run(self, dispatcher, tracker, domain) -> list[EventType]:
        role = role_of(tracker)
        message = latest(tracker)
        intent = message.intent
        offer = tracker.get_slot("pending_offer")
        if offer is None and {"age", "commune", "situation"} & {e.get("entity") for e in message.entities}:
            # "non en fait j'ai 18 ans": a correction, not an answer: the orientation runs again.
            return [FollowupAction("orientation_form")]
        if intent == "dont_know":
            reply = Reply(pick(role, "Pas de souci. Je peux te poser quelques questions pour trouver ce qui te "
                                     "correspond.", "Pas de souci. Quelques questions suffisent pour trouver ce qui "
                                                    "peut correspondre."),
                          (Button("On y va", "/ask_orientation"),))
        else:
            reply = Reply("D'accord. Autre chose ?", answers.MENU)
        return [*send(dispatcher, tracker, [reply]), SlotSet("pending_offer", None)]
