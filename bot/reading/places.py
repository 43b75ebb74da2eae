"""Communes named in free text: the longest whole span that is a commune's name.

"j'habite aire sur la lys" gives Aire-sur-la-Lys, never Lys; "Boulogne s/ Mer" gives
Boulogne-sur-Mer, never Mer. Each clause is scanned from its longest spans down, over every
commune name of the 62 (current, former, and the whole-word beginnings locals use, "Boulogne",
"Hénin") and of the rest of France, and a word belongs to one place at most.

Where a name also means something else, it needs a word that introduces a place ("à", "de",
"j'habite"…) or must be the whole message:
- names of communes outside the 62 ("Rue", "Mer", "Job" are everyday words, "Lille" is not);
- names of the 62 that are everyday French words ("Avion", "Campagne", "Marquise": the list is
  knowledge/communes/noms_courants.csv, built by scripts/build_common_names.py);
- whole-word beginnings shared by several communes.
A place right after "pas", "plus" or "non" is denied ("pas Arras, Lens"). A five-digit code counts
after such a word or in a short message. Typos are for `bare_place`: a message that is only a
place, typed where the dialogue asks for one.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from bot.communes import AMBIGUOUS, DATA_DIR, OUTSIDE, RESOLVED, UNKNOWN, VIA_APPROX, CommuneMatch, communes
from bot.reading.words import Words, words_of

# Words after which a name is a place.
CUES = frozenset(
    "a au aux sur de d du vers pres habite vis viens originaire commune ville secteur cote region "
    "in from near at live lives living slai mds".split()
)
NEGATIONS = frozenset({"pas", "plus", "non", "jamais"})
# "Pas-de-Calais" is the department, not Calais; "mission locale de" and such are kept (cue).
_NOT_PLACES = (("pas", "de", "calais"), ("pas", "calais"))
_CODE_LENGTH = 5
_SHORT_MESSAGE = 6
_RESIDENCE_CUES = frozenset({"habite", "vis", "viens", "originaire"})
_SETTLING_CUES = frozenset({"installer", "demenager", "emmenager", "arriver"})  # where one moves to


@dataclass(frozen=True)
class Place:
    """A commune found in the text."""

    match: CommuneMatch
    start: int          # word index in the whole message
    clause: int
    denied: bool = False
    residence: bool = False  # introduced by "j'habite", "je vis", "je viens de"
    settling: bool = False   # introduced by "m'installer à", "déménager à": where the person moves to
    typo: bool = False       # read with one typo ("Béthnue")

    @property
    def approximate(self) -> bool:
        """Whether the person should confirm it ("Tu veux dire Hénin-Beaumont ?"): a typo, or
        several communes in different territories. "Boulogne" alone is Boulogne-sur-Mer: locals
        shorten names, and a beginning shared by one commune of the 62 is not asked back."""
        return self.typo or (self.match.status == AMBIGUOUS and self.match.territory is None)


@lru_cache(maxsize=1)
def everyday_names() -> frozenset[str]:
    with (DATA_DIR / "noms_courants.csv").open(encoding="utf-8", newline="") as handle:
        return frozenset(row["nom"] for row in csv.DictReader(handle))


def _needs_cue(key: str, match: CommuneMatch) -> bool:
    if match.status == OUTSIDE:
        return True
    if key in everyday_names():
        return True
    return match.via == VIA_APPROX and match.territory is None


def _only_alone(key: str, match: CommuneMatch) -> bool:
    """An everyday word that names no commune of the 62 ("place", "rue"): never after a mere "à"."""
    return match.status == OUTSIDE and key in everyday_names()


def _blocked(words: Sequence[str], start: int, end: int) -> bool:
    for phrase in _NOT_PLACES:
        size = len(phrase)
        for i in range(max(0, start - size + 1), min(end, len(words) - size + 1)):
            if tuple(words[i:i + size]) == phrase and i < end and i + size > start:
                return True
    return False


def _clause_places(words: Sequence[str], clause: int, offset: int, bare: bool, codes: bool,
                   expecting: bool) -> list[Place]:
    index = communes()
    longest = index.longest_name_words
    taken = [False] * len(words)
    found: list[Place] = []
    for size in range(min(longest, len(words)), 0, -1):
        for start in range(len(words) - size + 1):
            end = start + size
            if any(taken[start:end]) or _blocked(words, start, end):
                continue
            key = " ".join(words[start:end])
            if key.isdigit():
                continue
            match = index.named(key)
            if match is None:
                continue
            alone = bare and _alone(words, start, end)
            before = words[start - 1] if start else ""
            if key in everyday_names() and not (expecting and alone) and before not in CUES:
                continue  # "aucun", "place", "campagne": a place only where one is asked, or after "à"
            if not alone and (_only_alone(key, match) or (_needs_cue(key, match) and before not in CUES)):
                continue
            taken[start:end] = [True] * size
            window = words[max(0, start - 3):start]
            found.append(Place(match, offset + start, clause, denied=bool(NEGATIONS & set(window)),
                               residence=bool(_RESIDENCE_CUES & set(window)),
                               settling=bool(_SETTLING_CUES & set(window))))
    if not found:
        found += _home_with_typo(words, clause, offset)
    for start, word in enumerate(words if codes else ()):
        if taken[start] or len(word) != _CODE_LENGTH or not word.isdigit():
            continue
        before = words[start - 1] if start else ""
        if before in CUES or len(words) <= _SHORT_MESSAGE:
            match = index.resolve(word)
            if match.status not in (UNKNOWN,):
                window = set(words[max(0, start - 3):start])
                found.append(Place(match, offset + start, clause, denied=bool(NEGATIONS & window)))
    return found


def places_in(message: Words, expecting: bool = False) -> list[Place]:
    """Every commune the message names, in text order; `expecting`: the dialogue asks for one, so
    that a bare everyday word that is also a commune ("Rue") counts."""
    bare = len(message.clauses) == 1
    found: list[Place] = []
    offset = 0
    for number, clause in enumerate(message.clauses):
        found += _clause_places(clause, number, offset, bare and _is_bare(clause), codes="€" not in message.text,
                                expecting=expecting)
        offset += len(clause)
    return sorted(found, key=lambda p: p.start)


def _is_bare(words: Sequence[str]) -> bool:
    return len(words) <= communes().longest_name_words + 4


# Words around a place in a message that says nothing else: "j'habite à Rue", "Avion 62".
_FILLERS = frozenset("j je habite vis suis a au aux de d du en moi c est ville commune secteur".split())
_AFTER = frozenset({"62", "pas", "de", "calais", "france"})


def _alone(words: Sequence[str], start: int, end: int) -> bool:
    """Whether the span is the whole clause but for filler words before it and a department after."""
    return all(w in _FILLERS for w in words[:start]) and all(
        w in _AFTER or (w.isdigit() and len(w) == _CODE_LENGTH) for w in words[end:])


def chosen(places: Sequence[Place]) -> Place | None:
    """The commune the person says they live in: one they did not deny, introduced as their home
    if one is, else the last one named (a correction comes last). Someone who lives outside the 62
    and moves to a commune of it ("je vis à Amiens, je veux m'installer à Arras") is served there."""
    kept = [p for p in places if not p.denied]
    if not kept:
        return None
    homes = [p for p in kept if p.residence]
    home = (homes or kept)[-1]
    moving_to = [p for p in kept if p.settling and p.match.status != OUTSIDE]
    return moving_to[-1] if moving_to and home.match.status == OUTSIDE else home


_HOME_CUES = frozenset({"habite", "vis"})
_LINKS = frozenset({"a", "au", "en", "sur", "dans", "vers"})
_MIN_TYPO_LENGTH = 6  # shorter words are one typo away from too many communes


def _home_with_typo(words: Sequence[str], clause: int, offset: int) -> list[Place]:
    """ "j'habite à fauquembergue": a home named right after "j'habite", one typo away from a
    commune; the dialogue confirms it ("Tu veux dire Fauquembergues ?")."""
    index = communes()
    for i, word in enumerate(words):
        if word not in _HOME_CUES:
            continue
        start = i + 1 + (i + 1 < len(words) and words[i + 1] in _LINKS)
        for size in range(min(index.longest_name_words, len(words) - start), 0, -1):
            span = words[start:start + size]
            key = " ".join(span)
            if len(key) < _MIN_TYPO_LENGTH or span[0] in _FILLERS or key in everyday_names():
                continue
            match = index.resolve(key)
            if match.status == RESOLVED and match.via == VIA_APPROX:
                return [Place(match, offset + start, clause, residence=True, typo=True)]
    return []


def bare_place(text: str) -> Place | None:
    """A short message that is only a place, typos allowed ("Béthnue", "62300", "Lens 62").

    For the answer to "dans quelle commune ?": the full resolution, which also reads one typo
    and a code. A word one typo from a commune ("menu" → Hénu) comes back as a typo: the
    dialogue confirms it.
    """
    words = words_of(text)
    if not words or len(words) > communes().longest_name_words + 3:
        return None
    match = communes().resolve(text)
    if match.status not in (RESOLVED, AMBIGUOUS, OUTSIDE):
        return None
    typo = match.via == VIA_APPROX and communes().named(" ".join(w for w in words if w not in _FILLERS)) is None
    return Place(match, 0, 0, typo=typo)
