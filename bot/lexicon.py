"""Entity text → knowledge ids: "foyer" → ase_confie, "FAJCO" → faj_co, "Lens-Liévin" → lens_lievin.

The NLU maps known spellings through synonyms generated from knowledge/; this is the same
mapping on normalised text, so that a spelling the synonyms miss still finds its id.
"""

from __future__ import annotations

from functools import lru_cache

from bot.knowledge import ROLES, SCHEME_IDS, TERRITORY_IDS, knowledge
from bot.text import normalize

ROLE_ALIASES = {
    "jeune": "jeune", "moi": "jeune", "pour moi": "jeune",
    "professionnel": "professionnel", "professionnelle": "professionnel", "pro": "professionnel",
    "structure": "structure",
}


@lru_cache(maxsize=1)
def _tables() -> dict[str, dict[str, str]]:
    k = knowledge()
    tables: dict[str, dict[str, str]] = {"situation": {}, "structure_type": {}, "dispositif": {}, "territoire": {}}
    for term in k.vocabulary.situations:
        for text in (term.id, term.label, *term.aliases):
            tables["situation"].setdefault(normalize(text), term.id)
    for term in k.vocabulary.structure_types:
        for text in (term.id, term.label, *term.aliases):
            tables["structure_type"].setdefault(normalize(text), term.id)
    for scheme_id in SCHEME_IDS:
        scheme = k.scheme(scheme_id)
        for text in (scheme_id, scheme.short_title, scheme.title, scheme.button_title, *scheme.aliases):
            tables["dispositif"].setdefault(normalize(text), scheme_id)
    for territory_id in TERRITORY_IDS:
        territory = k.territory(territory_id)
        for text in (territory_id, territory.name, *territory.aliases):
            tables["territoire"].setdefault(normalize(text), territory_id)
    return tables


# Words an entity span may start with ("en foyer", "à la rue", "le FAJ Co").
_LEADING = frozenset("a au aux en dans le la les l un une des de d du mon ma mes".split())


def _without_leading_words(key: str) -> str:
    words = key.split()
    while words and words[0] in _LEADING:
        words = words[1:]
    return " ".join(words)


def to_id(entity: str, value: object) -> str | None:
    """The knowledge id an entity value stands for, or None."""
    if not isinstance(value, str) or not value.strip():
        return None
    key = normalize(value)
    if entity == "role":
        return value if value in ROLES else ROLE_ALIASES.get(key)
    table = _tables().get(entity, {})
    return table.get(key) or table.get(_without_leading_words(key))
