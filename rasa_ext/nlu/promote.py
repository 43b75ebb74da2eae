"""Put an intent first in a parsed message, with full confidence, the model's ranking halved below it.

Halved so that the FallbackClassifier, which asks to rephrase when the two best intents are
close, never does so because of an intent the words settled (rasa_ext/nlu/safety.py, topics.py).
"""

from __future__ import annotations

from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY
from rasa.shared.nlu.training_data.message import Message

SECOND_SCALE = 0.5
RANKING_LENGTH = 10


def promote(message: Message, intent: str) -> None:
    top = {INTENT_NAME_KEY: intent, PREDICTED_CONFIDENCE_KEY: 1.0}
    ranking = [{**r, PREDICTED_CONFIDENCE_KEY: r.get(PREDICTED_CONFIDENCE_KEY, 0.0) * SECOND_SCALE}
               for r in (message.get(INTENT_RANKING_KEY) or []) if r.get(INTENT_NAME_KEY) != intent]
    message.set(INTENT, top, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [top, *ranking][:RANKING_LENGTH], add_to_output=True)
