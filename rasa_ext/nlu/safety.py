"""Danger in any words makes the intent `distress`, in every dialogue state.

Runs after the intent classifier, on every message. When bot/reading/safety.py finds suicidal
words, violence, immediate danger or a night without shelter — in French with SMS spellings, in
English or in Arabic — the intent becomes `distress` with full confidence, whatever the model
said ("jen ai marre de tout jai envie de crever" came out as `inform`; "I'm 17, my dad hits me"
as `other_language`). The rules then give the emergency number first, and every form (prescription
sheet, contact request) gives way: they all have a rule for `distress`. The model's ranking is
kept below it, for the logs of the evaluation.

Not trainable: the words are in bot/reading/safety.py, reviewed like the rest of the code.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.reading.safety import danger_in
from bot.reading.words import Words
from rasa_ext.nlu.promote import promote

DISTRESS = "distress"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class SafetyOverride(GraphComponent):
    """Sets the intent to `distress` when the message speaks of danger (see the module docstring)."""

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> SafetyOverride:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if text.startswith("/") or danger_in(Words.of(text)) is None:
                continue
            promote(message, DISTRESS)  # "I'm 17…" was other_language at 0.999
        return messages
