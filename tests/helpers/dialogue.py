"""The conversation's turns without Rasa: the test names each message's intent, as the NLU would.

`Chat().say("j'ai arrêté le lycée", "inform")` runs the same bot/ function the action would
(bot/conversation/turns.py), keeps the slots between messages as Rasa does, and returns the
replies' text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from bot.answers.reply import Reply
from bot.conversation import turns
from bot.conversation.protocol import QUESTION_INTENTS, SMALL_TALK
from bot.conversation.questions import parse_question
from bot.conversation.state import State
from bot.reading import read

TODAY = dt.date(2026, 11, 29)
EXPECTING = {"age": "age", "commune": "commune", "age_commune": "age_commune", "commune?": "commune"}


@dataclass
class Chat:
    slots: dict[str, Any] = field(default_factory=dict)
    today: dt.date = TODAY
    replies: list[Reply] = field(default_factory=list)
    questions: int = 0  # orientation questions asked so far

    @property
    def state(self) -> State:
        return State.from_slots(self.slots)

    def say(self, text: str, intent: str = "inform", entities: list[dict] | None = None) -> str:
        state = self.state
        question = parse_question(state.pending) if state.offer == "question" else None
        reading = read(text, intent, entities or [], EXPECTING.get(question.kind) if question else None)
        if intent in QUESTION_INTENTS:
            turn = turns.answer(state, reading, intent, self.today)
        elif intent == "distress":
            turn = turns.distress(state, reading, self.today)
        elif intent == "nlu_fallback":
            turn = turns.clarify(state, reading, [], 1, self.today)
        elif intent == "other_language":
            turn = turns.foreign(state, reading, self.today)
        elif intent in SMALL_TALK:
            turn = turns.small_talk(state, reading, intent)
        elif intent == "cancel":
            turn = turns.cancel(state, reading)
        elif intent == "ask_why":
            turn = turns.explain_question(state, reading, self.today)
        else:
            turn = turns.orient(state, reading, intent, self.today)
        before = len(self.state.asked)
        self.slots.update(turn.slots)
        if len(self.state.asked) > before:
            self.questions += 1
        self.replies = list(turn.replies)
        return self.text

    @property
    def text(self) -> str:
        return "\n".join(r.text for r in self.replies)

    @property
    def payloads(self) -> list[str]:
        return [b.payload for r in self.replies for b in r.buttons]

    @property
    def asking(self) -> str | None:
        return self.state.pending if self.state.offer == "question" else None
