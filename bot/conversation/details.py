"""Questions finer than the topics, answered with the knowledge's own sentences.

"Le premier rendez-vous, c'est sous quel délai ?" after a Coordo ASE result, "qui décide de
l'entrée dans la mesure ?", "que doit contenir le dossier ?": bot/answers/passages.py finds the
sentence of knowledge/schemes/ that answers each part of the question the topics leave open,
among the schemes the conversation is about. A passage that names the SLAI comes with the SLAI
of the person's territory when it is known.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.answers import passages, topics
from bot.answers.reply import Reply
from bot.conversation import protocol as p
from bot.conversation.state import State
from bot.knowledge import knowledge
from bot.reading import Reading
from bot.reading.topics import CARRIERS, CONTENTS, ELIGIBILITY, EVALUATION, INFO, PROCEDURE, PUBLIC, parts_beyond
from bot.reading.words import words_of

# Topics whose parts a precise sentence may answer better than their general answer (every procedure,
# every report). A structure's reports are the evaluation topic; a professional's "bilan de fin" is
# the young person's.
_REPLACEABLE = frozenset({PROCEDURE, CONTENTS})
_NOT_HERE = frozenset({ELIGIBILITY, PUBLIC, INFO, CARRIERS})
_NOT_FOR = frozenset({"ask_eligibility", "ask_orientation"})  # the engine's questions
MARGIN = 0.1  # how much better than the topics' answers a sentence must answer the question
_STEPS = frozenset({"etape", "etapes", "phase", "phases"})


def context_schemes(state: State, reading: Reading) -> tuple[str, ...]:
    """The schemes the conversation is about: named now, named or shown before, or the need's."""
    if reading.schemes:
        return reading.schemes
    if state.scheme:
        return (state.scheme,)
    if state.engine_role == p.STRUCTURE and state.structure_types:  # the calls it may answer
        return tuple(s.id for s in knowledge().schemes.values()
                     if set(s.carriers.eligible) & state.structure_types)
    return need_schemes(state)


# A structure's housing or insertion words say what it does, not which call it asks about; a
# project with young people is the FAJ Co's call only.
_STRUCTURE_NEEDS = frozenset({"projet"})


def need_schemes(state: State) -> tuple[str, ...]:
    """The schemes of the person's need, for a question that names none ("quel financement ?" about a
    group trip: the FAJ Co)."""
    vocabulary = knowledge().vocabulary
    needs = [n for n in state.needs if n in vocabulary.need_ids
             and (state.engine_role != p.STRUCTURE or n in _STRUCTURE_NEEDS)]
    return tuple(dict.fromkeys(s for n in needs for s in vocabulary.need(n).schemes))


def replaceable_topics(view: str | None) -> frozenset[str]:
    """The topics a sentence found here answers instead of their general answer."""
    return _REPLACEABLE | ({EVALUATION} if view != p.STRUCTURE else frozenset())


def engine_asked(reading: Reading, intent: str | None, view: str | None) -> bool:
    """Whether the message asks "am I eligible?" or "what is it?", which the engine and the
    presentation answer. "Que devons-nous faire maintenant ?" of a landlord about the scheme it runs
    is not the engine's."""
    engine_question = intent in _NOT_FOR and not (view == p.STRUCTURE and reading.schemes)
    return engine_question or bool(set(reading.topics) & _NOT_HERE)


def details(state: State, reading: Reading, intent: str | None, view: str | None,
            against: Sequence[Reply] = (), beside_engine: bool = False) -> list[Reply]:
    """The knowledge's sentences that answer the question better than the replies `against` (the
    topics' answers) do. For a question the engine answers, nothing, unless `beside_engine`: then
    the sentences for its other parts ("le Coordo ASE c'est possible, et quel délai pour le premier
    rendez-vous ?": the 15 days), `against` holding the engine's answer."""
    if not reading.question or reading.button or (engine_asked(reading, intent, view) and not beside_engine):
        return []
    if CONTENTS in reading.topics and set(words_of(reading.text)) & _STEPS:
        return []  # "quelles étapes ?": the contents answer lists them all, one step's sentence would not
    replaceable = replaceable_topics(view)
    schemes = context_schemes(state, reading)
    given = "\n".join(r.text for r in against)
    found: list[passages.Passage] = []
    # The question itself; for a structure's "que devons-nous faire ?" or a question about a named scheme
    # ("… a abandonné graine de. Vers qui l'orienter ?"), what the message says just before.
    for context in (False, True) if view == p.STRUCTURE or reading.schemes else (False,):
        parts = parts_beyond(reading.text, replaceable, context)
        found = passages.answering(parts, schemes or tuple(knowledge().schemes), any_scheme=not schemes,
                                   given=given) if parts else []
        if found:
            break
    rival = max((passages.score(reading.text, r.text) for r in against), default=0.0)
    found = [f for f in found if passages.score(reading.text, f.text) >= rival + MARGIN]
    if not found:
        return []
    lines = []
    for passage in found:
        scheme = knowledge().scheme(passage.scheme_id)
        named = schemes == (passage.scheme_id,)  # the one scheme the conversation is about: no need to name it
        lead = f"Pour {scheme.the_name} :"
        if named or any(line.startswith(lead) for line in lines):
            lines.append(passage.text)
        else:
            lines.append(f"{lead} {passage.text}")
    replies = [Reply("\n".join(lines))]
    territory = state.territory_info()
    first = knowledge().scheme(found[0].scheme_id)
    if territory is not None and "SLAI" in replies[0].text and first.entry.service == "slai":
        replies.append(topics.scheme_contact(first, view, territory, with_departement=False))
    return replies
