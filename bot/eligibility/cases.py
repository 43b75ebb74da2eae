"""Exact decision by cases, where Kleene logic alone cannot decide.

Kleene evaluation is sound but not complete: for "(confié ou MNA) et âge ≤ 21" with MNA
unknown at 22 years old, each rule is undetermined while every completion fails. When a
scheme's rules are undetermined, we evaluate them on every completion of the unknown
facts they depend on at once, as a truth table packed in a Python integer (bit i is
completion i; ages are reduced to one value per interval the thresholds cut). The exact
status, and the facts that can still change it, are read off that table with a few
integer operations.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from bot.eligibility.conditions import (
    AgeCondition,
    AllOf,
    AnyOf,
    Condition,
    Facts,
    Not,
    ResidenceCondition,
    SituationCondition,
    walk,
)
from bot.knowledge import Rule

AGE_RANGE = (0, 120)
RuleTriple = tuple[Rule, Condition | None, Condition]


def age_representatives(conditions: Iterable[Condition]) -> tuple[int, ...]:
    """One age per interval of [0, 120] that the age thresholds of `conditions` cut out."""
    cuts = {AGE_RANGE[0]}
    for condition in conditions:
        for node in walk(condition):
            if isinstance(node, AgeCondition):
                if node.operator == "between":
                    assert node.high is not None
                    cuts |= {node.low, node.high + 1}
                elif node.operator in (">=", "<"):
                    cuts.add(node.low)
                elif node.operator in (">", "<="):
                    cuts.add(node.low + 1)
                else:  # "=="
                    cuts |= {node.low, node.low + 1}
    return tuple(sorted(c for c in cuts if AGE_RANGE[0] <= c <= AGE_RANGE[1]))


@lru_cache(maxsize=4096)
def _value_mask(size: int, stride: int, radix: int, index: int) -> int:
    """Bits i in [0, size) where digit (i // stride) % radix equals `index`."""
    block = ((1 << stride) - 1) << (index * stride)
    period = stride * radix
    repeat = ((1 << size) - 1) // ((1 << period) - 1)  # 1 every `period` bits
    return block * repeat


@dataclass(frozen=True)
class Table:
    """The completions of `variables`, in mixed radix (the first variable varies fastest)."""

    facts: Facts
    variables: tuple[str, ...]
    domains: tuple[tuple[object, ...], ...]

    @property
    def size(self) -> int:
        size = 1
        for domain in self.domains:
            size *= len(domain)
        return size

    @property
    def full(self) -> int:
        return (1 << self.size) - 1

    def _stride(self, position: int) -> int:
        stride = 1
        for domain in self.domains[:position]:
            stride *= len(domain)
        return stride

    def where(self, variable: str, value: object) -> int:
        """The completions in which `variable` has `value`."""
        position = self.variables.index(variable)
        domain = self.domains[position]
        return _value_mask(self.size, self._stride(position), len(domain), domain.index(value))

    def mask(self, condition: Condition) -> int:
        """The completions in which `condition` holds."""
        if isinstance(condition, AllOf):
            result = self.full
            for item in condition.items:
                result &= self.mask(item)
            return result
        if isinstance(condition, AnyOf):
            result = 0
            for item in condition.items:
                result |= self.mask(item)
            return result
        if isinstance(condition, Not):
            return self.full & ~self.mask(condition.item)
        if isinstance(condition, AgeCondition):
            if "age" not in self.variables:
                return self.full if condition.evaluate(self.facts).is_true else 0
            result = 0
            for age in self.domains[self.variables.index("age")]:
                if condition.evaluate(_with_age(self.facts, age)).is_true:  # type: ignore[arg-type]
                    result |= self.where("age", age)
            return result
        if isinstance(condition, ResidenceCondition):
            if "commune" in self.variables:
                return self.where("commune", True)
            return self.full if self.facts.residence_62.is_true else 0
        if isinstance(condition, SituationCondition):
            masks = [self._situation(v) for v in condition.values]
            if condition.operator == "all":
                result = self.full
                for m in masks:
                    result &= m
                return result
            result = 0
            for m in masks:
                result |= m
            return result if condition.operator == "any" else self.full & ~result
        raise TypeError(f"condition non prise en charge ici : {condition!r}")

    def _situation(self, situation: str) -> int:
        if situation in self.facts.situations:
            return self.full
        if situation in self.variables:
            return self.where(situation, True)
        return 0

    def matters(self, mask: int, variable: str) -> bool:
        """Changing `variable` alone changes membership in `mask` for some completion."""
        position = self.variables.index(variable)
        stride, domain = self._stride(position), self.domains[position]
        slices = [(mask & self.where(variable, v)) >> (i * stride) for i, v in enumerate(domain)]
        return any(s != slices[0] for s in slices[1:])


def _with_age(facts: Facts, age: int) -> Facts:
    return Facts(age, facts.residence_62, facts.situations, facts.unknown, facts.structure_types,
                 facts.structure_types_given, facts.denied)


def decide(rules: Sequence[RuleTriple], facts: Facts, unknown_facts: Iterable[str],
           order: Sequence[str]) -> tuple[set[bool], tuple[str, ...], set[str]]:
    """(statuses reached over the completions — True for eligible —, facts that can change
    the status, ids of the rules that fail in some completion)."""
    variables = tuple(sorted(unknown_facts, key=order.index))
    ages = age_representatives(c for _, w, r in rules for c in (w, r) if c is not None)
    domains = tuple(ages if v == "age" else (False, True) for v in variables)
    table = Table(facts, variables, domains)
    eligible = table.full
    failing = set()
    for rule, when, require in rules:
        holds = table.mask(require)
        if when is not None:
            holds |= table.full & ~table.mask(when)
        if holds != table.full:
            failing.add(rule.id)
        eligible &= holds
    if eligible == table.full:
        return {True}, (), failing
    if eligible == 0:
        return {False}, (), failing
    return {True, False}, tuple(v for v in variables if table.matters(eligible, v)), failing
