"""The orientation engine: for a profile, the status of every scheme and why.

Deterministic and explainable: each scheme is `eligible`, `ineligible` or `incomplete`,
with the rule sentences that decided it, the facts still missing, what a human must
confirm, the call window and the measure period at the reference date, and the next
question to ask. Conditions are evaluated in Kleene logic: a known fact that fails a
rule makes the scheme ineligible whatever else is unknown.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from bot.communes import CommuneMatch, Communes
from bot.eligibility.calls import CallStatus, call_status
from bot.eligibility.cases import decide
from bot.eligibility.conditions import Condition, Facts
from bot.eligibility.entry import EntryPoint, entry_point
from bot.eligibility.logic import FALSE, TRUE, Value, unknown
from bot.eligibility.profile import Profile
from bot.knowledge import SCHEME_IDS, Knowledge, Rule, Scheme, Territory

ELIGIBLE, INELIGIBLE, INCOMPLETE = "eligible", "ineligible", "incomplete"
CONFIDENCE_ORDER = ("moyenne", "moyenne-haute", "haute")


@dataclass(frozen=True)
class TerritoryInfo:
    territory: Territory
    confidence: str

    @property
    def to_confirm(self) -> bool:
        """The commune's attachment is an inference at EPCI level, not yet confirmed."""
        return self.confidence != "haute"


@dataclass(frozen=True)
class SchemeResult:
    scheme: Scheme
    status: str
    reasons: tuple[str, ...]
    missing: tuple[str, ...]
    to_check: tuple[str, ...]
    entry: EntryPoint
    call: CallStatus


@dataclass(frozen=True)
class Orientation:
    as_of: dt.date
    role: str
    commune: CommuneMatch
    territory: TerritoryInfo | None
    results: tuple[SchemeResult, ...]
    next_question: str | None

    def result(self, scheme_id: str) -> SchemeResult:
        return next(r for r in self.results if r.scheme.id == scheme_id)

    def with_status(self, status: str) -> tuple[SchemeResult, ...]:
        return tuple(r for r in self.results if r.status == status)


def territory_of(match: CommuneMatch, knowledge: Knowledge) -> TerritoryInfo | None:
    if match.territory is None:
        return None
    communes = (match.commune,) if match.commune else match.candidates
    confidence = min((c.confidence for c in communes if c), key=CONFIDENCE_ORDER.index, default="haute")
    return TerritoryInfo(knowledge.territory(match.territory), confidence)


def _residence(match: CommuneMatch) -> Value:
    if match.status in ("resolved", "ambiguous"):
        return TRUE  # ambiguous candidates are all communes of the 62
    if match.status == "hors_62":
        return FALSE
    return unknown({"commune"})


def _commune_label(match: CommuneMatch) -> str:
    if match.commune is not None:
        return match.commune.name
    if match.status == "hors_62" and match.outside_name:
        return match.outside_name
    return "la commune indiquée"


def _facts(profile: Profile, match: CommuneMatch) -> Facts:
    return Facts(
        age=profile.age,
        residence_62=_residence(match),
        situations=profile.situations,
        unknown=profile.unknown,
        structure_types=profile.structure_types or frozenset(),
        structure_types_given=profile.structure_types is not None,
        denied=profile.structure_denied,
    )


def _fill(template: str, profile: Profile, match: CommuneMatch) -> str:
    return template.replace("{age}", str(profile.age)).replace("{commune}", _commune_label(match))


def _can_fill(template: str, profile: Profile, match: CommuneMatch) -> bool:
    """A sentence that cites the person's age or commune is only said when they are known."""
    if "{age}" in template and profile.age is None:
        return False
    return "{commune}" not in template or match.status in ("resolved", "ambiguous", "hors_62")


def fact_order(knowledge: Knowledge) -> tuple[str, ...]:
    """The order in which facts are asked when they matter equally."""
    vocabulary = knowledge.vocabulary
    return ("age", "commune", *vocabulary.situation_ids, "structure_types", *vocabulary.structure_type_ids)


def _evaluate_young(scheme: Scheme, facts: Facts, profile: Profile, match: CommuneMatch,
                    order: tuple[str, ...]) -> tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    passed: list[str] = []
    failed: list[str] = []
    undetermined: list[tuple[Rule, Condition | None, Condition]] = []
    unknown_facts: set[str] = set()
    for rule, when, require in scheme.rules:
        applies = TRUE if when is None else when.evaluate(facts)
        holds = require.evaluate(facts)
        if applies.is_false or (holds.is_true and not applies.is_true):
            continue  # the rule does not concern this person, or holds whatever the unknown
        if holds.is_false and applies.is_true:
            failed.append(_fill(rule.fail, profile, match))
        elif holds.is_true:
            if rule.pass_:
                passed.append(_fill(rule.pass_, profile, match))
        else:
            # The Kleene implication "when -> require" is undetermined.
            undetermined.append((rule, when, require))
            unknown_facts |= holds.unknown_facts | applies.unknown_facts
    if failed:
        return INELIGIBLE, tuple(failed), (), ()
    checks = tuple(
        check.text for check, when in scheme.checks if when is None or when.evaluate(facts).is_true
    )
    if not undetermined:
        return ELIGIBLE, tuple(passed), (), checks
    # Kleene logic cannot decide: split on the unknown facts these rules depend on.
    reachable, missing, failing = decide(undetermined, facts, unknown_facts, order)
    if reachable == {True}:
        return ELIGIBLE, tuple(passed) or (scheme.public.text,), (), checks
    if reachable == {False}:
        return INELIGIBLE, _reasons_in_every_case(scheme, failing, profile, match), (), ()
    return INCOMPLETE, tuple(passed), missing, checks


def _reasons_in_every_case(scheme: Scheme, failing: set[str], profile: Profile,
                           match: CommuneMatch) -> tuple[str, ...]:
    """Why the scheme fails whatever the unknown facts: the rules failed across the cases."""
    reasons = tuple(
        _fill(rule.fail, profile, match) for rule, _, _ in scheme.rules
        if rule.id in failing and _can_fill(rule.fail, profile, match)
    )
    return reasons or (f"{scheme.short_title} : {scheme.public.text}",)


def _evaluate_structure(scheme: Scheme, facts: Facts, knowledge: Knowledge,
                        order: tuple[str, ...]) -> tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    vocabulary = knowledge.vocabulary
    condition = scheme.carrier_condition
    value = condition.evaluate(facts)
    eligible_labels = ", ".join(vocabulary.structure_type(t).label for t in scheme.carriers.eligible)
    uncertain_labels = [vocabulary.structure_type(t).label for t in scheme.carriers.to_confirm]
    if uncertain_labels:
        eligible_labels += f" ; sous condition : {', '.join(uncertain_labels)}"
    given = [vocabulary.structure_type(t).label for t in vocabulary.structure_type_ids if t in facts.structure_types]
    if value.is_false:
        reason = (f"Porteurs possibles pour {scheme.short_title} : {eligible_labels}. "
                  f"Une structure de type « {' / '.join(given)} » n'en fait pas partie.")
        return INELIGIBLE, (reason,), (), ()
    if value.is_true:
        matching = [vocabulary.structure_type(t).label for t in scheme.carriers.eligible if t in facts.structure_types]
        reason = (f"Porteurs possibles pour {scheme.short_title} : {eligible_labels}. "
                  f"Votre structure en fait partie ({', '.join(matching)}).")
        return ELIGIBLE, (reason,), (), ()
    checks = ()
    if any(t in facts.structure_types for t in scheme.carriers.to_confirm):
        checks = (scheme.carriers.to_confirm_note or "",)
    return INCOMPLETE, (), tuple(sorted(value.unknown_facts, key=order.index)), checks


def next_question(results: tuple[SchemeResult, ...], order: tuple[str, ...],
                  skip: frozenset[str] = frozenset()) -> str | None:
    """The fact missing for the most schemes (ties: `order`), leaving out `skip`."""
    counts = Counter(fact for result in results for fact in result.missing if fact not in skip)
    if not counts:
        return None
    return min(counts, key=lambda fact: (-counts[fact], order.index(fact)))


def orient(profile: Profile, knowledge: Knowledge, communes: Communes, today: dt.date) -> Orientation:
    """Evaluate every scheme for `profile` at `profile.as_of`, else `today`."""
    as_of = profile.as_of or today
    match = communes.resolve(profile.commune)
    territory = territory_of(match, knowledge)
    facts = _facts(profile, match)
    order = fact_order(knowledge)
    results = []
    for scheme_id in SCHEME_IDS:
        scheme = knowledge.scheme(scheme_id)
        if profile.role == "structure":
            status, reasons, missing, checks = _evaluate_structure(scheme, facts, knowledge, order)
        else:
            status, reasons, missing, checks = _evaluate_young(scheme, facts, profile, match, order)
        results.append(SchemeResult(
            scheme=scheme, status=status, reasons=reasons, missing=missing, to_check=checks,
            entry=entry_point(scheme, profile.role, territory.territory if territory else None, knowledge),
            call=call_status(scheme.call, as_of),
        ))
    frozen = tuple(results)
    return Orientation(as_of=as_of, role=profile.role, commune=match, territory=territory,
                       results=frozen, next_question=next_question(frozen, order))
