"""Find an event's class by its type name in a table instead of walking Event's subclasses.

Rasa 3.6's `Event.resolve_by_type` walks `all_subclasses(Event)` (a recursive list of some forty
classes) for every event it reads: reading a conversation of a few hundred events did it a few
hundred times, 5 % of the Rasa process's CPU under load (py-spy, issue 15). `install()` replaces it
with a lookup in a table of the same classes, rebuilt when a name is missing (a subclass defined
later), so the answers are Rasa's: the first subclass with that `type_name`, `None` for the old
"topic", `default` or Rasa's ValueError otherwise. It runs when Rasa imports our channels.
"""

from __future__ import annotations

import rasa.shared.utils.common
from rasa.shared.core.events import Event

_by_name: dict[str, type[Event]] = {}


def _table() -> dict[str, type[Event]]:
    table: dict[str, type[Event]] = {}
    for cls in rasa.shared.utils.common.all_subclasses(Event):
        table.setdefault(cls.type_name, cls)  # the first one wins, as in Rasa's loop
    return table


def resolve_by_type(type_name: str, default: type[Event] | None = None) -> type[Event] | None:
    """Rasa's `Event.resolve_by_type`, from a table (see the module doc)."""
    cls = _by_name.get(type_name)
    if cls is None:
        _by_name.clear()
        _by_name.update(_table())
        cls = _by_name.get(type_name)
    if cls is not None:
        return cls
    if type_name == "topic":
        return None  # Rasa's backwards compatibility with the old TopicSet events
    if default is not None:
        return default
    raise ValueError(f"Unknown event name '{type_name}'.")


def install() -> None:
    """Replace `Event.resolve_by_type` (idempotent)."""
    Event.resolve_by_type = staticmethod(resolve_by_type)  # type: ignore[method-assign]
