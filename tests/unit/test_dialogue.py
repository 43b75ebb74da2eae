"""The orientation conversation state: the next question, and recording answers."""

import datetime as dt

from bot.dialogue import NO, UNSURE, YES, OrientationState
from bot.knowledge import knowledge

TODAY = dt.date(2026, 11, 29)
SITUATIONS = knowledge().vocabulary.situation_ids


def test_the_first_question_for_a_young_person_is_the_engines() -> None:
    state = OrientationState(role="jeune")
    assert state.next_fact(state.orientation(TODAY)) == "age"


def test_answers_are_recorded_and_never_asked_again() -> None:
    state = OrientationState(role="jeune", age=17, commune="Lens")
    asked = []
    for _ in range(len(SITUATIONS) + 2):
        fact = state.next_fact(state.orientation(TODAY))
        if fact is None:
            break
        assert fact not in asked
        asked.append(fact)
        state = state.answer(fact, NO)
    assert state.next_fact(state.orientation(TODAY)) is None
    assert len(asked) < len(SITUATIONS)  # only the facts that matter at 17 in Lens


def test_dont_know_is_not_asked_again() -> None:
    state = OrientationState(role="jeune", age=17, commune="Lens")
    fact = state.next_fact(state.orientation(TODAY))
    state = state.answer(fact, UNSURE)
    assert state.next_fact(state.orientation(TODAY)) != fact


def test_an_inverted_question_records_the_opposite() -> None:
    state = OrientationState(role="jeune").answer("sejour_irregulier", YES)  # "tes papiers sont en règle ?" "oui"
    assert "sejour_irregulier" in state.no


def test_a_structure_is_asked_its_type_then_its_expertise() -> None:
    state = OrientationState(role="structure")
    assert state.next_fact(state.orientation(TODAY)) == "structure_types"
    state = OrientationState(role="structure", structure_types=frozenset({"association_1901"}))
    assert state.next_fact(state.orientation(TODAY)) == "structure_accompagnement_jeunes"
    state = state.answer("structure_accompagnement_jeunes", YES)
    assert state.orientation(TODAY).result("faj_co").status == "eligible"


def test_when_nothing_fits_the_commune_is_still_asked_to_give_the_right_contact() -> None:
    state = OrientationState(role="jeune", age=35)
    assert state.next_fact(state.orientation(TODAY)) == "commune"
    skipped = OrientationState(role="jeune", age=35, unsure=frozenset({"commune"}))
    assert skipped.next_fact(skipped.orientation(TODAY)) is None


def test_a_structure_that_says_no_to_the_expertise_question_is_not_asked_again() -> None:
    state = OrientationState(role="structure", structure_types=frozenset({"association_1901"}))
    state = state.answer("structure_accompagnement_jeunes", NO)
    assert state.next_fact(state.orientation(TODAY)) is None
    assert state.orientation(TODAY).result("faj_co").status == "incomplete"  # the SLAI confirms
