"""A ResponseSelector that chooses a response only for the messages of its retrieval intent.

Rasa's ResponseSelector runs its transformer on every message, whatever the intent: our two
(`chitchat`, `out_of_scope`) took about half of `/model/parse` (37 of 71 ms, cProfile over the
bench's messages), for answers used only when the intent is theirs — the rules say `utter_chitchat`
or `utter_out_of_scope` for those intents alone. This one passes the other messages on untouched.
It runs after the classifier and both overrides (config.yml), so the intent it checks is final but
for the FallbackClassifier, which answers with action_clarify, not with a response.

Trained as Rasa's own: the same component, configuration and weights.
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import RESPONSE_SELECTOR_PROPERTY_NAME, RESPONSE_SELECTOR_RETRIEVAL_INTENTS
from rasa.nlu.selectors.response_selector import ResponseSelector
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY
from rasa.shared.nlu.training_data.message import Message


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class GatedResponseSelector(ResponseSelector):
    """Predicts a response only when the message's intent is the retrieval intent (see the module docstring)."""

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            if (message.get(INTENT) or {}).get(INTENT_NAME_KEY) == self.retrieval_intent:
                super().process([message])
            else:  # the parse keeps Rasa's shape: the selectors' intents, no prediction
                properties = message.get(RESPONSE_SELECTOR_PROPERTY_NAME, {})
                properties[RESPONSE_SELECTOR_RETRIEVAL_INTENTS] = self.all_retrieval_intents
                message.set(RESPONSE_SELECTOR_PROPERTY_NAME, properties, add_to_output=True)
        return messages
