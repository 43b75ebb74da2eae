"""Every fact a message gives goes into the state, whatever the dialogue is doing.

`absorb(state, reading)` is the one place where the state learns: a role, an age, a commune, a
situation said in passing ("sinon jsuis à la rue") count as much as an answer to a question. A
later statement replaces an earlier one ("non en fait j'ai 18 ans", "pas Arras, Lens"). The
answer to the pending question is read here too: "oui", "non", "je sais pas", a button, or the
facts themselves. A mere "ok" answers nothing (`Absorbed.unanswered`).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.communes import OUTSIDE, RESOLVED
from bot.conversation import protocol as p
from bot.conversation.questions import (
    AGE,
    AGE_COMMUNE,
    COMMUNE,
    CONFIRM_COMMUNE,
    EXPERTISE,
    GROUP,
    NEED,
    ROLE,
    SITUATION,
    STRUCTURE_TYPES,
    Question,
    parse_question,
)
from bot.conversation.state import State
from bot.knowledge import SCHEME_IDS, knowledge
from bot.reading import Reading
from bot.reading.places import Place
from bot.reading.replies import ACK, NO, UNSURE, YES

OTHER_SCHEMES = "autres"  # the "other schemes" button: widen the orientation to every scheme


@dataclass(frozen=True)
class Absorbed:
    state: State
    answered: bool = False     # the message answered the pending question
    unanswered: bool = False   # it tried to ("ok", an unknown commune) without answering
    guess: Place | None = None  # a commune to confirm ("Tu veux dire Hénin-Beaumont ?")
    learned: bool = False      # the message gave at least one new fact


def _commune_value(place: Place) -> tuple[str, str | None]:
    """(what the commune slot keeps, the territory id) for a place the person confirmed or typed."""
    match = place.match
    if match.status == RESOLVED and match.commune:
        return match.commune.name, match.territory
    if match.status == OUTSIDE:
        return str(match.query), None
    if match.territory and match.candidates:
        return str(match.query), match.territory
    return str(match.query), match.territory


def commune_slots(place: Place | None) -> dict[str, str | None]:
    """The commune and territory slots for a place typed where a form asks it (contact request);
    a message with no commune clears it, and the form says so."""
    if place is None:
        return {p.COMMUNE: None}
    commune, territory = _commune_value(place)
    return {p.COMMUNE: commune, p.TERRITORY: territory}


def _with_place(state: State, place: Place) -> State:
    commune, territory = _commune_value(place)
    return state.replace(commune=commune, territory=territory, unsure=state.unsure - {"commune"})


def _situations(state: State, reading: Reading) -> State:
    for situation in sorted(reading.no):
        state = state.with_situation(situation, False)
    for situation in sorted(reading.yes):
        state = state.with_situation(situation, True)
    return state


def _needs(state: State, reading: Reading) -> State:
    needs = [n for n in reading.needs if n != OTHER_SCHEMES]
    if OTHER_SCHEMES in reading.needs:
        return state.replace(needs=(), asked=())
    vocabulary = knowledge().vocabulary
    focus = [n for n in needs if n in SCHEME_IDS]
    if focus:  # "Vérifier" under a scheme's rule: this scheme's questions only
        return state.replace(needs=tuple(focus), asked=())
    # A need the person says they do not have ("je cherche pas de logement") is not one.
    needs = [n for n in needs if not (set(vocabulary.need(n).situations) & state.no
                                      and not set(vocabulary.need(n).situations) & state.yes)]
    return state.replace(needs=tuple(dict.fromkeys((*state.needs, *needs))))


def _answer(state: State, question: Question, reading: Reading) -> tuple[State, bool, bool]:
    """(state, answered, unanswered) for the reply to `question`."""
    reply = reading.reply
    vocabulary = knowledge().vocabulary
    if question.kind == SITUATION:
        situation = question.key
        found = situation in reading.yes or situation in reading.no
        if found:
            return state, True, False
        if reply in (YES, NO):
            applies = (reply == YES) != vocabulary.situation(situation).inverted
            return state.with_situation(situation, applies), True, False
        if reply == UNSURE:
            return state.replace(unsure=state.unsure | {situation}), True, False
        return state, False, reply == ACK
    if question.kind == GROUP:
        group = vocabulary.group(question.key)
        picked = [s for s in group.situations if s in reading.yes]
        if picked:
            for other in group.situations:
                if other not in picked and other not in state.yes:
                    state = state.with_situation(other, False)
            return state, True, False
        if reply == NO or (reading.no and set(reading.no) & set(group.situations)):
            for situation in group.situations:
                if situation not in state.yes:
                    state = state.with_situation(situation, False)
            return state, True, False
        if reply == YES:
            return state.with_situation(group.yes_means, True), True, False
        if reply == UNSURE:
            return state.replace(unsure=state.unsure | set(group.situations)), True, False
        return state, False, reply == ACK
    if question.kind == EXPERTISE:
        if reply == YES:
            types = (state.structure_types or frozenset()) | {question.key}
            return state.replace(structure_types=types), True, False
        if reply == NO:
            return state.replace(structure_no=state.structure_no | {question.key}), True, False
        return state, False, reply == ACK
    if question.kind in (AGE, AGE_COMMUNE, COMMUNE):
        if reply == UNSURE:
            unsure = {"age", "commune"} if question.kind == AGE_COMMUNE else {question.kind}
            return state.replace(unsure=state.unsure | unsure), True, False
        return state, False, reply == ACK or bool(reading.text.strip())
    return state, False, reply == ACK


def absorb(state: State, reading: Reading) -> Absorbed:
    """The state with everything the message says (see the module docstring)."""
    before = state
    question = parse_question(state.pending)
    if reading.role:
        state = state.replace(role=reading.role)
    if reading.age is not None:
        state = state.replace(age=reading.age, unsure=state.unsure - {"age"})
    guess = None
    place = reading.place
    if question is not None and question.kind == CONFIRM_COMMUNE and place is None:
        if reading.reply == YES:
            place = question.place()
        elif reading.reply == NO:
            state = state.replace(commune=None, territory=None)
    if place is not None:
        if place.approximate:
            guess = place
        else:
            state = _with_place(state, place)
    elif any(d.match.status == RESOLVED and d.match.commune and d.match.commune.name == state.commune
             for d in reading.denied_places):
        state = state.replace(commune=None, territory=None)
    if reading.territories and not state.commune:
        state = state.replace(territory=reading.territories[-1])
    if reading.schemes:
        state = state.replace(scheme=reading.schemes[-1])
        if not state.needs and not reading.needs:  # "il a abandonné graine de, vers qui l'orienter ?"
            vocabulary = knowledge().vocabulary
            named = [n.id for n in vocabulary.needs if set(n.schemes) & set(reading.schemes)]
            state = state.replace(needs=tuple(named[:1]))
    state = _situations(state, reading)
    state = _needs(state, reading)
    if state.role == p.STRUCTURE and reading.structure_types:
        state = state.replace(structure_types=(state.structure_types or frozenset()) | set(reading.structure_types))
    answered = unanswered = False
    if question is not None:
        if question.kind == ROLE:
            answered = reading.role is not None or reading.reply == UNSURE
        elif question.kind == NEED:
            answered = bool(reading.needs or reading.role in (p.PRO, p.STRUCTURE, p.PROCHE) or reading.yes
                            or reading.reply in (UNSURE, NO))
        elif question.kind == STRUCTURE_TYPES:
            answered = bool(reading.structure_types) or reading.reply == UNSURE
            if answered and state.role != p.STRUCTURE:
                state = state.replace(role=p.STRUCTURE, structure_types=frozenset(reading.structure_types))
        elif question.kind == CONFIRM_COMMUNE:
            answered = reading.reply in (YES, NO) or place is not None
        else:
            state, answered, unanswered = _answer(state, question, reading)
        if question.kind in (AGE, AGE_COMMUNE, COMMUNE):
            answered = answered or state.age != before.age or state.commune != before.commune
            unanswered = unanswered and not answered
    learned = state.replace(pending=before.pending, offer=before.offer) != before
    return Absorbed(state, answered=answered, unanswered=unanswered, guess=guess, learned=learned)
