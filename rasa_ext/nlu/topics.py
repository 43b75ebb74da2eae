"""A question about a scheme or a word of the glossary is not small talk.

Runs after the intent classifier. When the model reads chit-chat, off-topic, a greeting or another
language in a message that names a scheme or a term of the glossary and asks about it (bot/reading/:
"la DPID c'est quel service ?", "c koi le CLLAJ"), the intent becomes the question's own
(`ask_scheme_info`, `ask_funding`…), with full confidence: the rules then answer it instead of a
fixed line about the weather (rasa_ext/nlu/promote.py). Off-topic that says a need or a situation
becomes `inform`, and a question a sentence of the knowledge answers `ask_procedure`.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.answers import passages
from bot.knowledge import SCHEME_IDS
from bot.reading import Reading, read
from bot.reading.language import FRENCH
from rasa_ext.nlu.promote import promote

# Intents a question about the schemes may be mistaken for.
SMALL_TALK = frozenset({"chitchat", "out_of_scope", "greet", "goodbye", "thanks", "bot_challenge", "other_language"})
# The intent that asks each topic of bot/reading/topics.py.
INTENT_OF_TOPIC = {
    "info": "ask_scheme_info", "contents": "ask_scheme_info", "volumes": "ask_scheme_info",
    "public": "ask_eligibility", "eligibility": "ask_eligibility", "carriers": "ask_eligibility",
    "deadline": "ask_deadline", "period": "ask_deadline", "funding": "ask_funding", "payment": "ask_payment",
    "evaluation": "ask_evaluation", "indicators": "ask_evaluation", "procedure": "ask_procedure",
    "contact": "ask_contact", "cost": "ask_funding", "paid": "ask_funding", "on_behalf": "ask_contact",
}


# Small talk that, with a need or a question the knowledge answers, is the conversation's business:
# "on veut monter un projet pour nettoyer le terril, on peut avoir des sous ?", "qui participe à ce
# rendez-vous ?". Not a greeting or thanks that also says a place.
OFF_TOPIC = frozenset({"chitchat", "out_of_scope", "bot_challenge"})


def question_intent(text: str, intent: str | None) -> str | None:
    """The intent a small-talk reading of `text` should have been, or None."""
    if intent not in SMALL_TALK or text.startswith("/"):
        return None
    reading = read(text)
    if reading.language != FRENCH:
        return None
    if reading.topics and (reading.schemes or reading.terms or (intent in OFF_TOPIC and reading.needs)):
        return INTENT_OF_TOPIC.get(reading.topics[0])
    if intent not in OFF_TOPIC:
        return None
    if _says_own_facts(reading):  # "il pleut à Arras ?", "excellent travail" stay off-topic
        return "inform"
    if reading.question and passages.answering([text], SCHEME_IDS, any_scheme=True):
        return "ask_procedure"
    return None


def _says_own_facts(reading: Reading) -> bool:
    """Facts of the person, not a place alone; a need only when the person speaks of their own
    ("je cherche du travail"): "excellent travail" is a compliment."""
    if not reading.speaks_of_person:
        return False
    return bool(reading.age is not None or reading.yes or reading.no or reading.role or reading.first_person)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class TopicOverride(GraphComponent):
    """Turns small talk that asks about a scheme or a term into that question (see the module docstring)."""

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> TopicOverride:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
            asked = question_intent(message.get(TEXT) or "", intent)
            if asked is None:
                continue
            promote(message, asked)
        return messages
