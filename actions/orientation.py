"""The orientation form: what to ask next (the engine decides), the questions, the result."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import role_of, scheme_id, send, state_from
from bot.answers import orientation as answers
from bot.answers.contacts import choose_commune, unknown_commune
from bot.answers.reply import Reply, pick
from bot.answers.schemes import which_scheme
from bot.clock import today
from bot.dialogue import NO, UNSURE, YES
from bot.extraction import INFO, resolve_commune

# The form slot that asks each fact; every situation is asked through `fact_answer`.
FACT_SLOT = {"age": "age", "commune": "commune", "structure_types": "structure_types"}


def next_slot(tracker: Tracker) -> str | None:
    state = state_from(tracker)
    if not state.role:
        return "role"
    fact = state.next_fact(state.orientation(today()))
    return None if fact is None else FACT_SLOT.get(fact, "fact_answer")


class ValidateOrientationForm(FormValidationAction):
    def name(self) -> str:
        return "validate_orientation_form"

    async def required_slots(self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: dict[str, Any]) -> list[str]:
        slot = next_slot(tracker)
        return [slot] if slot else []

    def validate_age(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                     domain: dict[str, Any]) -> dict[str, Any]:
        if isinstance(value, int) and not isinstance(value, bool):
            return {"age": value}
        send(dispatcher, tracker, [Reply(pick(role_of(tracker), "Je n'ai pas compris ton âge : écris-le en chiffres, "
                                              "par exemple 17.", "Je n'ai pas compris l'âge : écrivez-le en chiffres, "
                                              "par exemple 17."))])
        return {"age": None}

    def validate_commune(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                         domain: dict[str, Any]) -> dict[str, Any]:
        match = resolve_commune(str(value or ""))
        role = role_of(tracker)
        if match.status in ("inconnue", "absente"):
            send(dispatcher, tracker, [unknown_commune(role)])
            return {"commune": None}
        if match.status == "ambiguous" and match.territory is None:
            send(dispatcher, tracker, [choose_commune(match, role)])
            return {"commune": None}
        return {"commune": value}

    def validate_fact_answer(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: dict[str, Any]) -> dict[str, Any]:
        pending = tracker.get_slot("pending_fact")
        if value not in (YES, NO, UNSURE) or not pending or value == INFO:
            return {"fact_answer": None}
        state = state_from(tracker).answer(pending, value)
        return {
            "situations": sorted(state.yes), "situations_no": sorted(state.no), "facts_unsure": sorted(state.unsure),
            "structure_types": sorted(state.structure_types) if state.structure_types else None,
            "structure_no": sorted(state.structure_no), "fact_answer": None,
        }


class ActionAskRole(Action):
    def name(self) -> str:
        return "action_ask_role"

    async def run(self, dispatcher, tracker, domain) -> list[EventType]:
        return send(dispatcher, tracker, [answers.ask_role()])


class _AskFact(Action, ABC):
    """Ask one fact; subclasses name the action and the fact."""

    fact = ""

    @abstractmethod
    def name(self) -> str: ...

    async def run(self, dispatcher, tracker, domain) -> list[EventType]:
        return send(dispatcher, tracker, [answers.ask_fact(self.fact, role_of(tracker))])


class ActionAskAge(_AskFact):
    fact = "age"

    def name(self) -> str:
        return "action_ask_age"


class ActionAskCommune(_AskFact):
    fact = "commune"

    def name(self) -> str:
        return "action_ask_commune"


class ActionAskStructureTypes(_AskFact):
    fact = "structure_types"

    def name(self) -> str:
        return "action_ask_structure_types"


class ActionAskFactAnswer(Action):
    """Ask the engine's next question (a situation, or a structure's expertise)."""

    def name(self) -> str:
        return "action_ask_fact_answer"

    async def run(self, dispatcher, tracker, domain) -> list[EventType]:
        state = state_from(tracker)
        fact = state.next_fact(state.orientation(today()))
        if fact is None:
            return []
        return [*send(dispatcher, tracker, [answers.ask_fact(fact, role_of(tracker))]), SlotSet("pending_fact", fact)]


class ActionShowOrientation(Action):
    def name(self) -> str:
        return "action_show_orientation"

    async def run(self, dispatcher, tracker, domain) -> list[EventType]:
        state = state_from(tracker)
        replies = answers.result(state.orientation(today()), state.role)
        return [*send(dispatcher, tracker, replies), SlotSet("pending_fact", None)]


class ActionExplainQuestion(Action):
    """"Pourquoi tu me demandes ça ?" — answered without leaving the form."""

    def name(self) -> str:
        return "action_explain_question"

    async def run(self, dispatcher, tracker, domain) -> list[EventType]:
        state = state_from(tracker)
        requested = tracker.get_slot("requested_slot")
        fact = tracker.get_slot("pending_fact") if requested == "fact_answer" else requested
        if not fact or fact == "role":
            reply = Reply(pick(state.role, "Je pose seulement les questions utiles pour trouver le bon dispositif et "
                                           "le bon contact. Je ne garde ni ton nom ni ton adresse.",
                               "Je pose seulement les questions utiles pour trouver le bon dispositif et le bon "
                               "contact. Je ne demande ni nom ni adresse."))
            return send(dispatcher, tracker, [reply])
        return send(dispatcher, tracker, [answers.why_we_ask(fact, state.orientation(today()), state.role)])


class ActionAnswerEligibility(Action):
    """"Est-ce que j'ai droit au CLLAJ ?", "et pourquoi pas le FAJ Co ?": the engine's reasons."""

    def name(self) -> str:
        return "action_answer_eligibility"

    async def run(self, dispatcher, tracker, domain) -> list[EventType]:
        state = state_from(tracker)
        scheme = scheme_id(tracker)
        if scheme is None:
            return send(dispatcher, tracker, [which_scheme(state.role, "ask_eligibility")])
        reply = answers.why_not(scheme, state.orientation(today()), state.role)
        return [*send(dispatcher, tracker, [reply]), SlotSet("dispositif", scheme)]
