"""Eligibility conditions as data: one class and one evaluator per condition type.

A condition is written in `knowledge/schemes/*.yml` as `{type, operator, value | values}`,
or combined with `all`, `any` and `not`. `parse_condition` turns the YAML into these
objects and names the faulty field when it cannot.
"""

from __future__ import annotations

import operator as op
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from bot.eligibility.logic import FALSE, TRUE, Value, all_of, any_of, known, negate, unknown


class ConditionError(ValueError):
    """A condition in a knowledge file is malformed; the message names the field."""


@dataclass(frozen=True)
class Facts:
    """What the engine knows about a person or a structure, as conditions see it."""

    age: int | None
    residence_62: Value
    situations: frozenset[str]
    unknown: frozenset[str]
    structure_types: frozenset[str]
    structure_types_given: bool
    denied: frozenset[str] = frozenset()  # structure types said not to apply ("pas d'expertise jeunesse")


_COMPARE: dict[str, Callable[[int, int], bool]] = {
    ">=": op.ge, ">": op.gt, "<=": op.le, "<": op.lt, "==": op.eq,
}


@dataclass(frozen=True)
class AgeCondition:
    operator: str
    low: int
    high: int | None = None  # only for "between" (both ends included)

    def evaluate(self, facts: Facts) -> Value:
        if facts.age is None:
            return unknown({"age"})
        if self.operator == "between":
            assert self.high is not None
            return known(self.low <= facts.age <= self.high)
        return known(_COMPARE[self.operator](facts.age, self.low))

    def thresholds(self) -> tuple[int, ...]:
        return (self.low,) if self.high is None else (self.low, self.high)


@dataclass(frozen=True)
class ResidenceCondition:
    """Lives in the Pas-de-Calais (known from the commune)."""

    def evaluate(self, facts: Facts) -> Value:
        return facts.residence_62


@dataclass(frozen=True)
class SituationCondition:
    operator: str  # "any" | "none" | "all"
    values: tuple[str, ...]

    def evaluate(self, facts: Facts) -> Value:
        present = [v for v in self.values if v in facts.situations]
        undetermined = [v for v in self.values if v in facts.unknown]
        if self.operator == "any":
            if present:
                return TRUE
            return unknown(undetermined) if undetermined else FALSE
        if self.operator == "none":
            if present:
                return FALSE
            return unknown(undetermined) if undetermined else TRUE
        # "all"
        if len(present) + len(undetermined) < len(self.values):
            return FALSE
        return unknown(undetermined) if undetermined else TRUE


@dataclass(frozen=True)
class StructureTypeCondition:
    """The structure is one of `values`; one of `uncertain` leaves it to be confirmed,
    which the fact `settled_by` (another structure type) would decide."""

    values: tuple[str, ...]
    uncertain: tuple[str, ...] = ()
    settled_by: str | None = None

    def evaluate(self, facts: Facts) -> Value:
        if any(v in facts.structure_types for v in self.values):
            return TRUE
        undetermined = {v for v in self.values if v in facts.unknown}
        if any(v in facts.structure_types for v in self.uncertain) and self.settled_by \
                and self.settled_by not in facts.denied:
            undetermined.add(self.settled_by)  # an association whose expertise is still to confirm
        undetermined |= {v for v in self.uncertain if v in facts.unknown}
        if not facts.structure_types_given and not undetermined:
            undetermined.add("structure_types")
        return unknown(undetermined) if undetermined else FALSE


@dataclass(frozen=True)
class AllOf:
    items: tuple[Condition, ...]

    def evaluate(self, facts: Facts) -> Value:
        return all_of(item.evaluate(facts) for item in self.items)


@dataclass(frozen=True)
class AnyOf:
    items: tuple[Condition, ...]

    def evaluate(self, facts: Facts) -> Value:
        return any_of(item.evaluate(facts) for item in self.items)


@dataclass(frozen=True)
class Not:
    item: Condition

    def evaluate(self, facts: Facts) -> Value:
        return negate(self.item.evaluate(facts))


Condition = AgeCondition | ResidenceCondition | SituationCondition | StructureTypeCondition | AllOf | AnyOf | Not


def walk(condition: Condition) -> Iterator[Condition]:
    """Every condition inside `condition`, itself included."""
    yield condition
    if isinstance(condition, (AllOf, AnyOf)):
        for item in condition.items:
            yield from walk(item)
    elif isinstance(condition, Not):
        yield from walk(condition.item)


# --- parsing ---------------------------------------------------------------------------

def parse_condition(raw: Any, where: str, situation_ids: frozenset[str]) -> Condition:
    """Build a condition from its YAML form; `where` names the field in error messages."""
    if not isinstance(raw, Mapping):
        raise ConditionError(f"{where} : une condition doit être un objet, pas {type(raw).__name__}")
    combinators = [k for k in ("all", "any", "not") if k in raw]
    if combinators:
        if len(raw) != 1:
            raise ConditionError(f"{where} : « {combinators[0]} » doit être la seule clé de la condition")
        key = combinators[0]
        if key == "not":
            return Not(parse_condition(raw["not"], f"{where}.not", situation_ids))
        items = raw[key]
        if not isinstance(items, list) or not items:
            raise ConditionError(f"{where}.{key} : une liste non vide de conditions est attendue")
        parsed = tuple(parse_condition(x, f"{where}.{key}[{i}]", situation_ids) for i, x in enumerate(items))
        return AllOf(parsed) if key == "all" else AnyOf(parsed)
    kind = raw.get("type")
    parser = _PARSERS.get(kind)
    if parser is None:
        raise ConditionError(f"{where}.type : type de condition inconnu {kind!r} (attendu : {', '.join(_PARSERS)})")
    return parser(raw, where, situation_ids)


def _check_keys(raw: Mapping[str, Any], allowed: set[str], where: str) -> None:
    extra = set(raw) - allowed
    if extra:
        raise ConditionError(f"{where} : clé(s) inconnue(s) {', '.join(sorted(extra))}")


def _int(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConditionError(f"{where} : un nombre entier est attendu, pas {value!r}")
    return value


def _parse_age(raw: Mapping[str, Any], where: str, _: frozenset[str]) -> AgeCondition:
    _check_keys(raw, {"type", "operator", "value", "values"}, where)
    operator = raw.get("operator")
    if operator == "between":
        values = raw.get("values")
        if not isinstance(values, list) or len(values) != 2:
            raise ConditionError(f"{where}.values : « between » attend deux bornes [min, max]")
        low, high = _int(values[0], f"{where}.values[0]"), _int(values[1], f"{where}.values[1]")
        if low > high:
            raise ConditionError(f"{where}.values : la borne basse dépasse la borne haute")
        return AgeCondition("between", low, high)
    if operator not in _COMPARE:
        raise ConditionError(f"{where}.operator : opérateur d'âge inconnu {operator!r}")
    return AgeCondition(operator, _int(raw.get("value"), f"{where}.value"))


def _parse_residence(raw: Mapping[str, Any], where: str, _: frozenset[str]) -> ResidenceCondition:
    _check_keys(raw, {"type", "operator", "value"}, where)
    if raw.get("operator") != "in" or str(raw.get("value")) != "62":
        raise ConditionError(f"{where} : seule la condition {{operator: in, value: \"62\"}} est prise en charge")
    return ResidenceCondition()


def _parse_situation(raw: Mapping[str, Any], where: str, situation_ids: frozenset[str]) -> SituationCondition:
    _check_keys(raw, {"type", "operator", "values"}, where)
    operator = raw.get("operator")
    if operator not in ("any", "none", "all"):
        raise ConditionError(f"{where}.operator : attendu any, none ou all, pas {operator!r}")
    values = raw.get("values")
    if not isinstance(values, list) or not values:
        raise ConditionError(f"{where}.values : une liste non vide de situations est attendue")
    for i, value in enumerate(values):
        if value not in situation_ids:
            raise ConditionError(f"{where}.values[{i}] : situation inconnue {value!r}")
    return SituationCondition(operator, tuple(values))


_PARSERS: dict[str, Callable[[Mapping[str, Any], str, frozenset[str]], Condition]] = {
    "age": _parse_age,
    "residence": _parse_residence,
    "situation": _parse_situation,
}
