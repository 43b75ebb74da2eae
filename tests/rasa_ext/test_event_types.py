"""Events read back find their class by table as Rasa's walk found it (rasa_ext/event_types.py)."""

from __future__ import annotations

import pytest
import rasa.shared.utils.common
from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered

from rasa_ext import event_types


def rasa_walk(type_name: str) -> type[Event] | None:
    return next((c for c in rasa.shared.utils.common.all_subclasses(Event) if c.type_name == type_name), None)


def test_every_event_type_resolves_to_the_class_rasa_finds() -> None:
    event_types.install()
    for cls in rasa.shared.utils.common.all_subclasses(Event):
        assert Event.resolve_by_type(cls.type_name) is rasa_walk(cls.type_name)


def test_a_conversation_reads_back_the_same_events() -> None:
    event_types.install()
    events = [UserUttered("salut", {"name": "greet", "confidence": 1.0}), ActionExecuted("action_listen"),
              SlotSet("age", 19)]
    assert [Event.from_parameters(e.as_dict()) for e in events] == events


def test_unknown_names_answer_as_rasa_does() -> None:
    event_types.install()
    assert Event.resolve_by_type("topic") is None
    assert Event.resolve_by_type("nope", default=SlotSet) is SlotSet
    with pytest.raises(ValueError, match="Unknown event name 'nope'"):
        Event.resolve_by_type("nope")


def test_a_subclass_defined_later_is_found() -> None:
    event_types.install()
    Event.resolve_by_type("slot")

    class LateEvent(SlotSet):
        type_name = "cj62_late_event"

    assert Event.resolve_by_type("cj62_late_event") is LateEvent
