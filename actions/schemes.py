"""Answers about a scheme: what it is, dates, money, payment, evaluation, procedures."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import role_of, scheme_id, send, territory_of
from bot.answers import schemes as answers
from bot.answers.contacts import contact
from bot.answers.reply import Reply
from bot.clock import today
from bot.knowledge import Scheme, knowledge


class _SchemeAnswer(Action, ABC):
    """Answer about the scheme named (or last talked about); ask which one otherwise."""

    intent = ""

    @abstractmethod
    def name(self) -> str: ...

    def answer(self, scheme: Scheme, role: str | None, tracker: Tracker) -> list[Reply]:
        raise NotImplementedError

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain) -> list[EventType]:
        found = scheme_id(tracker)
        role = role_of(tracker)
        if found is None:
            return send(dispatcher, tracker, [answers.which_scheme(role, self.intent)])
        replies = self.answer(knowledge().scheme(found), role, tracker)
        return [*send(dispatcher, tracker, replies), SlotSet("dispositif", found)]


def _simple(function: Callable[[Scheme, str | None], Reply]) -> Callable[..., list[Reply]]:
    return lambda self, scheme, role, tracker: [function(scheme, role)]


class ActionAnswerSchemeInfo(_SchemeAnswer):
    intent = "ask_scheme_info"
    answer = _simple(answers.scheme_info)

    def name(self) -> str:
        return "action_answer_scheme_info"


class ActionAnswerFunding(_SchemeAnswer):
    intent = "ask_funding"
    answer = _simple(answers.funding)

    def name(self) -> str:
        return "action_answer_funding"


class ActionAnswerPayment(_SchemeAnswer):
    intent = "ask_payment"
    answer = _simple(answers.payment)

    def name(self) -> str:
        return "action_answer_payment"


class ActionAnswerEvaluation(_SchemeAnswer):
    intent = "ask_evaluation"
    answer = _simple(answers.evaluation)

    def name(self) -> str:
        return "action_answer_evaluation"


class _WithContact(_SchemeAnswer, ABC):
    """Young people and professionals also get the entry service's contact on their territory."""

    def answer(self, scheme: Scheme, role: str | None, tracker: Tracker) -> list[Reply]:
        replies = [self.main(scheme, role)]
        territory = territory_of(tracker)
        if role != "structure" and territory is not None:
            replies.append(contact(role, territory, scheme))
        return replies

    @abstractmethod
    def main(self, scheme: Scheme, role: str | None) -> Reply: ...


class ActionAnswerDeadline(_WithContact):
    intent = "ask_deadline"

    def name(self) -> str:
        return "action_answer_deadline"

    def main(self, scheme: Scheme, role: str | None) -> Reply:
        return answers.deadline(scheme, role, today())


class ActionAnswerProcedure(_WithContact):
    intent = "ask_procedure"

    def name(self) -> str:
        return "action_answer_procedure"

    def main(self, scheme: Scheme, role: str | None) -> Reply:
        return answers.procedure(scheme, role)
