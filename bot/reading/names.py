"""Names from knowledge/ spelled in a message: schemes, territories, structure types, needs."""

from __future__ import annotations

from functools import lru_cache

from bot.knowledge import SCHEME_IDS, TERRITORY_IDS, knowledge
from bot.reading.words import PhraseTable, Words, contains, negated, words_of


@lru_cache(maxsize=1)
def _schemes() -> PhraseTable:
    k = knowledge()
    pairs = []
    for scheme_id in SCHEME_IDS:
        scheme = k.scheme(scheme_id)
        for text in (scheme.short_title, scheme.title, scheme.button_title, *scheme.aliases):
            pairs.append((text, scheme_id))
    return PhraseTable.build(pairs)


@lru_cache(maxsize=1)
def _territories() -> PhraseTable:
    k = knowledge()
    return PhraseTable.build(
        (text, t) for t in TERRITORY_IDS for text in (k.territory(t).name, *k.territory(t).aliases))


# "Département" and "région" name the funders far more often than the speaker's own structure.
_NOT_TYPES = frozenset({"departement", "region"})


@lru_cache(maxsize=1)
def _structure_types() -> PhraseTable:
    return PhraseTable.build(
        (text, term.id) for term in knowledge().vocabulary.structure_types for text in (term.label, *term.aliases)
        if " ".join(words_of(text)) not in _NOT_TYPES)


@lru_cache(maxsize=1)
def _needs() -> PhraseTable:
    return PhraseTable.build(
        (text, need.id) for need in knowledge().vocabulary.needs for text in (need.label, need.button, *need.aliases))


@lru_cache(maxsize=1)
def _slai_people() -> dict[tuple[str, ...], tuple[str, ...]]:
    """The SLAI advisers' names (whole, and the family name alone) → their territories: one adviser
    may serve two territories, with a number for each."""
    k = knowledge()
    people: dict[tuple[str, ...], list[str]] = {}
    for territory_id in TERRITORY_IDS:
        name = k.territory(territory_id).slai.name
        for key in (name, name.split()[-1]) if name else ():
            people.setdefault(tuple(words_of(key)), []).append(territory_id)
    return {key: tuple(dict.fromkeys(ids)) for key, ids in people.items()}


def slai_people_in(message: Words) -> list[str]:
    """Territories whose adviser the message names: "Hervé Leplat" is the Audomarois and the Calaisis."""
    found = [t for key, ids in _slai_people().items() if contains(message.all, key) for t in ids]
    return list(dict.fromkeys(found))


def schemes_in(message: Words) -> list[str]:
    return _schemes().values(message.all)


def territories_in(message: Words) -> list[str]:
    return _territories().values(message.all)


def structure_types_in(message: Words) -> list[str]:
    return _structure_types().values(message.all)


def needs_in(message: Words, situations: frozenset[str]) -> list[str]:
    """Needs named ("un appart", "une formation") or shown by a situation ("je suis à la rue")."""
    named = [value for clause in message.clauses for start, _, value in _needs().matches(clause)
             if not negated(clause, start)]  # "il ne cherche pas de logement"
    if "projet" in named and (message.has("appel a projets") or message.has("appels a projets")):
        named.remove("projet")  # a call for projects, the structures' business
    shown = [n.id for n in knowledge().vocabulary.needs if set(n.situations) & situations]
    return list(dict.fromkeys([*shown, *named]))
