"""rasa_ext.nlu.gated_response_selector: a response is chosen for small talk only, not for every message."""

from __future__ import annotations

import pytest
from rasa.nlu.selectors.response_selector import ResponseSelector
from rasa.shared.nlu.training_data.message import Message

from rasa_ext.nlu.gated_response_selector import GatedResponseSelector


def message(text: str, intent: str) -> Message:
    return Message(data={"text": text, "intent": {"name": intent, "confidence": 0.99}})


def test_only_the_messages_of_its_retrieval_intent_reach_the_transformer(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []

    def predict(self: ResponseSelector, messages: list[Message]) -> list[Message]:
        for m in messages:
            seen.append(m.get("text"))
            m.set("response_selector", {"chitchat": "chosen"})
        return messages

    monkeypatch.setattr(ResponseSelector, "process", predict)
    selector = GatedResponseSelector.__new__(GatedResponseSelector)  # no model: the gate alone is tested
    selector.retrieval_intent = "chitchat"
    selector.all_retrieval_intents = ["chitchat", "out_of_scope"]
    messages = [message("tu t'appelles comment", "chitchat"), message("numéro du SLAI de Lens", "ask_contact"),
                message("il fait beau ?", "out_of_scope")]
    out = selector.process(messages)
    assert seen == ["tu t'appelles comment"]
    assert out == messages and out[0].get("response_selector") == {"chitchat": "chosen"}
    # the others keep the parse's shape, without a prediction
    assert out[1].get("response_selector") == {"all_retrieval_intents": ["chitchat", "out_of_scope"]}
