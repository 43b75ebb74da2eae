"""Three-valued (Kleene) logic with the facts that leave a value undetermined.

A condition is TRUE, FALSE or UNKNOWN. An UNKNOWN value carries the ids of the unknown
facts it depends on, so that the engine can say which questions could still change a
scheme's status.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum


class Truth(Enum):
    FALSE = 0
    UNKNOWN = 1
    TRUE = 2


@dataclass(frozen=True)
class Value:
    truth: Truth
    unknown_facts: frozenset[str] = frozenset()

    @property
    def is_true(self) -> bool:
        return self.truth is Truth.TRUE

    @property
    def is_false(self) -> bool:
        return self.truth is Truth.FALSE

    @property
    def is_unknown(self) -> bool:
        return self.truth is Truth.UNKNOWN


TRUE = Value(Truth.TRUE)
FALSE = Value(Truth.FALSE)


def unknown(facts: Iterable[str]) -> Value:
    return Value(Truth.UNKNOWN, frozenset(facts))


def known(flag: bool) -> Value:
    return TRUE if flag else FALSE


def all_of(values: Iterable[Value]) -> Value:
    """Kleene AND: false wins, then unknown (with the union of its facts), then true."""
    facts: set[str] = set()
    undetermined = False
    for value in values:
        if value.is_false:
            return FALSE
        if value.is_unknown:
            undetermined = True
            facts |= value.unknown_facts
    return unknown(facts) if undetermined else TRUE


def any_of(values: Iterable[Value]) -> Value:
    """Kleene OR: true wins, then unknown (with the union of its facts), then false."""
    facts: set[str] = set()
    undetermined = False
    for value in values:
        if value.is_true:
            return TRUE
        if value.is_unknown:
            undetermined = True
            facts |= value.unknown_facts
    return unknown(facts) if undetermined else FALSE


def negate(value: Value) -> Value:
    if value.is_unknown:
        return value
    return known(value.is_false)
