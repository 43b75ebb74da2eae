"""The action server's answers are validated as Rasa does, with validators built once."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    AllSlotsReset,
    BotUttered,
    FollowupAction,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUttered,
)

import rasa_ext.channels  # noqa: F401 — what every Rasa server imports: installs the validator
from rasa_ext import action_results
from rasa_ext.action_results import result_validator

SPEC = RemoteAction.action_response_format_spec()
VALID_EVENTS = [event.as_dict() for event in (
    SlotSet("age", 17), SlotSet("situations", ["sortie_ase"]), ActiveLoop("orientation_form"), ActiveLoop(None),
    FollowupAction("action_listen"), AllSlotsReset(), Restarted(), SessionStarted(),
    ActionExecuted("action_listen"), BotUttered("Bonjour", {"buttons": []}),
    UserUttered("g 17 ans", {"name": "inform", "confidence": 0.9}),
)]
INVALID_ANSWERS: list[Any] = [
    [],
    {"events": {"event": "slot"}},
    {"events": [{"name": "age", "value": 17}]},
    {"events": [{"event": "slot", "name": 3, "value": 17}]},
    {"events": [{"event": "no_such_event"}]},
    {"events": [{"event": "slot", "name": "age", "metadata": "x"}]},
    {"events": [{"event": "slot", "name": "age", "timestamp": "hier"}]},
    {"events": [], "responses": ["texte"]},
    {"events": [{"event": "user", "text": "salut", "parse_data": "inform"}]},
]


def rasa_accepts(answer: Any) -> bool:
    try:
        jsonschema.validate(answer, SPEC)
        return True
    except jsonschema.ValidationError:
        return False


def ours_accepts(answer: Any) -> bool:
    try:
        result_validator().validate(answer)
        return True
    except jsonschema.ValidationError:
        return False


@pytest.mark.parametrize("event", VALID_EVENTS, ids=lambda event: event["event"])
def test_every_event_rasa_accepts_is_accepted(event: dict[str, Any]) -> None:
    answer = {"events": [event], "responses": [{"text": "Salut !"}]}
    assert rasa_accepts(answer)
    assert ours_accepts(answer)


@pytest.mark.parametrize("answer", INVALID_ANSWERS)
def test_every_answer_rasa_rejects_is_rejected(answer: Any) -> None:
    assert not rasa_accepts(answer)
    assert not ours_accepts(answer)


def test_rasas_remote_actions_use_it_and_keep_rasas_error_message() -> None:
    assert RemoteAction._validate_action_result is action_results._validate_action_result
    action = RemoteAction("action_extract_facts", None)
    assert action._validate_action_result({"events": VALID_EVENTS, "responses": []}) is True
    with pytest.raises(jsonschema.ValidationError, match="Failed to validate Action server response"):
        action._validate_action_result({"events": [{"event": "slot", "name": 3}]})
