"""Properties of the engine that must hold for every profile (hypothesis)."""

from __future__ import annotations

import itertools
import json
from collections import Counter

import support
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.eligibility.conditions import AgeCondition, walk
from bot.eligibility.serialize import orientation_json
from bot.knowledge import SCHEME_IDS, knowledge

SITUATIONS = knowledge().vocabulary.situation_ids
STRUCTURE_TYPES = knowledge().vocabulary.structure_type_ids
COMMUNES = [None, "Arras", "Lille", "62000", "Hesdin", "zzzz", "Béthunne"]
DETERMINED = ("eligible", "ineligible")


def _age_probes() -> list[int]:
    """Ages on both sides of every threshold the rules use, plus the extremes."""
    ages = {0, 120}
    for scheme_id in SCHEME_IDS:
        for _, when, require in knowledge().scheme(scheme_id).rules:
            for condition in [c for root in (when, require) if root for c in walk(root)]:
                if isinstance(condition, AgeCondition):
                    for t in condition.thresholds():
                        ages |= {t - 1, t, t + 1}
    return sorted(a for a in ages if 0 <= a <= 120)


AGES = _age_probes()


@st.composite
def young_profiles(draw, max_unknown: int = len(SITUATIONS)):
    """A profile where each situation is true, false or unknown; age and commune maybe unknown."""
    states = draw(st.lists(st.sampled_from(["true", "false", "unknown"]), min_size=len(SITUATIONS),
                           max_size=len(SITUATIONS)))
    unknown = [s for s, state in zip(SITUATIONS, states) if state == "unknown"][:max_unknown]
    situations = [s for s, state in zip(SITUATIONS, states) if state == "true"]
    profile = {"role": draw(st.sampled_from(["jeune", "professionnel"])), "situations": situations,
               "unknown": unknown}
    age = draw(st.one_of(st.none(), st.sampled_from(AGES)))
    if age is not None:
        profile["age"] = age
    commune = draw(st.sampled_from(COMMUNES))
    if commune is not None:
        profile["commune"] = commune
    return profile


def _complete(profile: dict, age: int, commune: str, true_unknowns: set[str]) -> dict:
    done = {k: v for k, v in profile.items() if k != "unknown"}
    done.setdefault("age", age)
    if profile.get("commune") in (None, "zzzz"):
        done["commune"] = commune
    done["situations"] = sorted(set(profile["situations"]) | true_unknowns)
    return done


@given(young_profiles(), st.sampled_from(AGES), st.sampled_from(["Arras", "Lille"]), st.data())
def test_a_determined_status_holds_for_every_completion(profile, age, commune, data) -> None:
    before = support.run(profile)
    true_unknowns = set(data.draw(st.lists(st.sampled_from(profile["unknown"]), unique=True))
                        if profile["unknown"] else [])
    after = support.run(_complete(profile, age, commune, true_unknowns))
    for first, second in zip(before.results, after.results):
        if first.status in DETERMINED:
            assert second.status == first.status, (first.scheme.id, profile)
    assert after.next_question is None  # a complete profile has nothing left to ask


@given(young_profiles(), st.randoms(use_true_random=False))
def test_results_never_depend_on_the_order_of_lists(profile, rnd) -> None:
    shuffled = dict(profile)
    for key in ("situations", "unknown"):
        shuffled[key] = rnd.sample(profile[key], len(profile[key]))
    assert orientation_json(support.run(profile)) == orientation_json(support.run(shuffled))


@given(young_profiles())
def test_reasons_missing_and_next_question_are_consistent(profile) -> None:
    orientation = support.run(profile)
    for result in orientation.results:
        assert bool(result.missing) == (result.status == "incomplete")
        if result.status in DETERMINED:
            assert result.reasons
        assert set(result.missing) <= set(profile["unknown"]) | {"age", "commune"}
    counts = Counter(f for r in orientation.results for f in r.missing)
    if counts:
        assert counts[orientation.next_question] == max(counts.values())
    else:
        assert orientation.next_question is None


@settings(max_examples=60)
@given(young_profiles(max_unknown=3))
def test_every_missing_fact_could_change_the_status(profile) -> None:
    """A fact is listed as missing only if some completion changes the status when it alone changes."""
    orientation = support.run(profile)
    unknown_facts = list(profile["unknown"])
    age_values = AGES if "age" not in profile else [profile["age"]]
    commune_values = ["Arras", "Lille"] if profile.get("commune") in (None, "zzzz") else [profile.get("commune")]

    def statuses(age, commune, true_set):
        return [r.status for r in support.run(_complete(profile, age, commune, true_set)).results]

    table = {
        (age, commune, combo): statuses(age, commune, set(combo))
        for age in age_values for commune in commune_values
        for n in range(len(unknown_facts) + 1) for combo in itertools.combinations(unknown_facts, n)
    }
    for index, result in enumerate(orientation.results):
        for fact in result.missing:
            def varies(key_a, key_b, index=index):
                return table[key_a][index] != table[key_b][index]
            if fact == "age":
                found = any(varies((a, c, s), (b, c, s)) for (a, c, s) in table for b in age_values)
            elif fact == "commune":
                found = any(varies((a, "Arras", s), (a, "Lille", s)) for (a, c, s) in table)
            else:
                found = any(
                    fact not in s and varies((a, c, s), (a, c, tuple(sorted((*s, fact), key=unknown_facts.index))))
                    for (a, c, s) in table
                )
            assert found, (result.scheme.id, fact, profile)


@given(st.lists(st.sampled_from(STRUCTURE_TYPES), unique=True), st.lists(st.sampled_from(STRUCTURE_TYPES), unique=True))
def test_structures_a_determined_status_survives_more_types(types, extra) -> None:
    """Adding a structure type can only open schemes: what was eligible stays eligible."""
    before = support.run({"role": "structure", "structure_types": types})
    after = support.run({"role": "structure", "structure_types": sorted(set(types) | set(extra))})
    for first, second in zip(before.results, after.results):
        if first.status == "eligible":
            assert second.status == "eligible"
    assert json.dumps(orientation_json(before))  # serialisable
