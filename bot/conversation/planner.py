"""What to ask next, or when to answer: an orientation in three questions at most.

The engine (bot/eligibility/) says, for every scheme, whether it fits and which facts could
still change that. The planner looks only at the schemes of the person's need ("je suis à la
rue": the housing ones), asks the question that settles the most of them — age and commune
together, a group of situations in one tap — and stops as soon as one of them fits, or after
three questions: a person who gives up after ten questions gets nothing. It never asks what
cannot change the answer for this person, nor what they said already, nor:
- whether someone under 25 receives the RSA (it starts at 25: knowledge/external.yml);
- whether someone's papers are in order (a condition the result states; a human checks it);
- whether a first housing request is one, from someone who is not looking for housing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.conversation import protocol as p
from bot.conversation.questions import (
    AGE,
    AGE_COMMUNE,
    COMMUNE,
    EXPERTISE,
    GROUP,
    NEED,
    SITUATION,
    STRUCTURE_TYPES,
    Question,
)
from bot.conversation.state import State
from bot.eligibility.conditions import SituationCondition, walk
from bot.eligibility.engine import ELIGIBLE, INCOMPLETE, Orientation, SchemeResult
from bot.knowledge import SCHEME_IDS, knowledge

MAX_QUESTIONS = 3
# With no need said: individual support first, the collective project last (it fits almost every
# 18-25-year-old of the 62, and is seldom what a person who asks for help is looking for).
DEFAULT_ORDER = ("graine_de", "coordo_ase", "cllaj", "accompagnement_logement", "solutions_logement",
                 "logement_primo_locataires", "faj_co")
NEVER_ASKED = frozenset({"sejour_irregulier", "abandon_graine_de"})  # said by the person, never asked
SLAI = "slai"
SLAI_ONLY = frozenset({SLAI})
TERRITORIAL = frozenset({SLAI, "logement"})  # entry services whose contact depends on the territory


@dataclass(frozen=True)
class Plan:
    orientation: Orientation
    candidates: tuple[str, ...]       # the schemes of the person's need, the best fit first
    presumed: frozenset[str]          # situations taken as absent without asking
    question: Question | None = None  # None: time to give the result

    def results(self, status: str) -> list[SchemeResult]:
        found = {r.scheme.id: r for r in self.orientation.results if r.status == status}
        return [found[s] for s in self.candidates if s in found]

    @property
    def others(self) -> list[str]:
        """Schemes outside the need that may still fit: "je peux vérifier d'autres aides"."""
        return [r.scheme.id for r in self.orientation.results
                if r.scheme.id not in self.candidates and r.status != "ineligible"]


def presumed_absent(state: State) -> frozenset[str]:
    presumed = set(NEVER_ASKED)
    if state.age is not None and state.age < knowledge().external.rsa.age_min:
        presumed.add("rsa")
    if "recherche_logement" in state.no and "sans_logement" not in state.yes:
        presumed.add("premiere_demande_logement")
    return frozenset(presumed) - state.yes


def candidates(state: State) -> tuple[str, ...]:
    """The schemes of the person's needs, ranked by fit; every scheme when no need is known, and for
    a structure, whose question is which calls it may answer."""
    vocabulary = knowledge().vocabulary
    ordered: list[str] = []
    for need in state.needs:
        if need in SCHEME_IDS:
            ordered.append(need)
        elif need in vocabulary.need_ids:
            ordered += vocabulary.need(need).schemes
    if state.engine_role == p.STRUCTURE:  # "un projet sportif avec 12 jeunes": the FAJ Co
        return tuple(dict.fromkeys(ordered)) or SCHEME_IDS
    ordered = list(dict.fromkeys(ordered)) or list(DEFAULT_ORDER)
    return tuple(sorted(ordered, key=lambda s: (-_specificity(s, state), ordered.index(s))))


def _specificity(scheme_id: str, state: State) -> int:
    """How many of the person's situations the scheme's rules name: "du mal à payer le loyer"
    puts the housing support first, "première demande" the first-home offer."""
    named: set[str] = set()
    for _, when, require in knowledge().scheme(scheme_id).rules:
        for condition in (when, require):
            if condition is None:
                continue
            for node in walk(condition):
                if isinstance(node, SituationCondition) and node.operator in ("any", "all"):
                    named |= set(node.values)
    return len(named & state.yes)


def _needs_contact(results: list[SchemeResult], services: frozenset[str] = SLAI_ONLY) -> bool:
    return any(r.scheme.entry.service in services for r in results)


def _need_unknown(state: State) -> bool:
    """Nothing says what the person looks for: no need named, no situation that shows one."""
    return not state.needs


def plan(state: State, today: dt.date) -> Plan:
    presumed = presumed_absent(state)
    orientation = state.orientation(today, presumed)
    ranked = candidates(state)
    if state.engine_role == p.STRUCTURE:
        return _structure_plan(state, orientation, ranked)
    result = Plan(orientation, ranked, presumed)
    eligible, incomplete = result.results(ELIGIBLE), result.results(INCOMPLETE)
    left = MAX_QUESTIONS - len(state.asked)
    if left <= 0:
        return result
    if _need_unknown(state) and NEED not in state.asked:
        return Plan(orientation, ranked, presumed, Question(NEED))
    commune_unknown = state.commune is None and "commune" not in state.unsure
    if eligible:
        if commune_unknown and _needs_contact(eligible) and COMMUNE not in state.asked:
            return Plan(orientation, ranked, presumed, Question(COMMUNE))
        return result
    if not incomplete:
        return result
    missing = {fact for r in incomplete for fact in r.missing} - state.unsure - presumed
    question = _next_question(state, missing, incomplete)
    return Plan(orientation, ranked, presumed, question) if question else result


def _next_question(state: State, missing: set[str], incomplete: list[SchemeResult]) -> Question | None:
    asked = set(state.asked)
    age_missing = "age" in missing and state.age is None
    # Asked with the age, the commune also gives a housing result its MDS (no housing scheme requires
    # living in the 62); asked alone, only for a contact that needs it: the SLAI.
    commune_missing = state.commune is None and "commune" not in state.unsure and (
        "commune" in missing or _needs_contact(incomplete, TERRITORIAL if age_missing else SLAI_ONLY))
    if age_missing and commune_missing and AGE_COMMUNE not in asked:
        return Question(AGE_COMMUNE)
    if age_missing and AGE not in asked:
        return Question(AGE)
    situations = [f for f in missing if f in knowledge().vocabulary.situation_ids]
    group = _best_group(situations, asked, incomplete)
    if group is not None:
        return group
    counts = {s: sum(s in r.missing for r in incomplete) for s in situations}
    order = knowledge().vocabulary.situation_ids
    for situation in sorted(counts, key=lambda s: (-counts[s], order.index(s))):
        question = Question(SITUATION, situation)
        if question.slot_value not in asked:
            return question
    if commune_missing and COMMUNE not in asked:
        return Question(COMMUNE)
    return None


def _best_group(situations: list[str], asked: set[str], incomplete: list[SchemeResult]) -> Question | None:
    """The group question that settles the most incomplete schemes, when it asks two situations or
    more (one situation is asked on its own, in plainer words)."""
    best: Question | None = None
    best_score = (0, 1)
    for group in knowledge().vocabulary.question_groups:
        question = Question(GROUP, group.id)
        covered = set(group.situations) & set(situations)
        if question.slot_value in asked:
            continue
        score = (sum(bool(covered & set(r.missing)) for r in incomplete), len(covered))
        if score[1] >= 2 and score > best_score:
            best, best_score = question, score
    return best


def _structure_plan(state: State, orientation: Orientation, ranked: tuple[str, ...]) -> Plan:
    presumed: frozenset[str] = frozenset()
    if state.structure_types is None and STRUCTURE_TYPES not in state.asked:
        return Plan(orientation, ranked, presumed, Question(STRUCTURE_TYPES))
    settled = [r for r in orientation.results if r.status == INCOMPLETE and r.scheme.id in ranked
               and "structure_accompagnement_jeunes" in r.missing]
    expertise = Question(EXPERTISE, "structure_accompagnement_jeunes")
    if len(settled) > 1 and expertise.slot_value not in state.asked:
        # "À quels appels pouvons-nous répondre ?": one tap settles two calls. For one call (a
        # collective project: the FAJ Co), the result says what the SLAI will check.
        return Plan(orientation, ranked, presumed, expertise)
    return Plan(orientation, ranked, presumed)
