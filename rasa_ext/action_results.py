"""Validate the action server's answers with validators built once, one per event type.

Rasa 3.6 checks every answer of the action server against its JSON schema with
`jsonschema.validate(result, schema)`, which first re-checks the schema itself against the
meta-schema, then tries each event against the 23 branches of a `oneOf`. Measured on this
machine: 136 ms per call under load (8 ms with a validator built once); two calls per turn made
it the largest cost of a turn (profile in docs/nlu.md, "Latency").

The branches of that `oneOf` are told apart by a distinct `event` constant, so checking an event
against the one branch its `event` names accepts and rejects exactly the same answers; `install()`
replaces `RemoteAction._validate_action_result` with that check and keeps Rasa's error message.
It runs when Rasa imports our code (`rasa_ext/__init__.py`), before any action is called.
"""

from __future__ import annotations

import copy
from functools import lru_cache
from typing import Any

from jsonschema import Draft7Validator, ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL

HINT = (
    ". Failed to validate Action server response from API, make sure your response from the Action "
    f"endpoint is valid. For more information about the format visit {DOCS_BASE_URL}/custom-actions"
)


class ResultValidator:
    """Rasa's action-response schema, with the events' `oneOf` split by event type."""

    def __init__(self, schema: dict[str, Any]) -> None:
        schema = copy.deepcopy(schema)
        items = schema["properties"]["events"]["items"]
        branches = items.pop("oneOf")
        self.envelope = Draft7Validator(schema)  # the answer's shape and each event's common fields
        self.by_event: dict[str, Draft7Validator] = {}
        for branch in branches:
            name = branch["properties"]["event"]["const"]
            if name in self.by_event:
                raise ValueError(f"two schema branches for the event {name!r}")
            self.by_event[name] = Draft7Validator(branch)

    def validate(self, result: Any) -> None:
        """Raise `ValidationError` as `jsonschema.validate(result, schema)` would."""
        self.envelope.validate(result)
        for event in (result or {}).get("events") or []:
            validator = self.by_event.get(event["event"])
            if validator is None:
                raise ValidationError(f"{event['event']!r} is not a known event type")
            validator.validate(event)


@lru_cache(maxsize=1)
def result_validator() -> ResultValidator:
    return ResultValidator(RemoteAction.action_response_format_spec())


def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    try:
        result_validator().validate(result)
        return True
    except ValidationError as error:
        error.message += HINT
        raise


def install() -> None:
    """Make Rasa's remote actions use `ResultValidator` (idempotent)."""
    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]
