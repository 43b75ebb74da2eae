"""A message as the readers see it: clauses of normalised words, SMS spellings expanded.

"Jsuis à la rue, g 19ans." becomes two clauses, ("je suis a la rue") and ("j ai 19 ans"): every
reader matches phrases on these words, so that one spelling table serves them all. Clauses
stop at sentence punctuation and at "mais": a negation never reaches across them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property

from bot.text import normalize

# SMS and spoken spellings → the words the phrase tables use. One word may become several.
_SPELLINGS = {
    "jsuis": "je suis", "jsui": "je suis", "chui": "je suis", "chuis": "je suis", "jss": "je suis",
    "shui": "je suis", "jai": "j ai", "g": "j ai", "jhabite": "j habite", "jvis": "je vis", "jveux": "je veux",
    "jvx": "je veux", "jvoudrais": "je voudrais", "jcherche": "je cherche", "jsais": "je sais", "jsai": "je sais",
    "chai": "je sais", "jen": "j en", "jme": "je me", "jvais": "je vais", "jdors": "je dors", "jdort": "je dors",
    "jpeux": "je peux", "jpx": "je peux", "jetais": "j etais", "jtais": "j etais", "jais": "j ai",
    "jpp": "j en peux plus", "jvois": "je vois",
    "jsp": "je sais pas", "jpense": "je pense", "jfais": "je fais", "jtravaille": "je travaille",
    "jaccompagne": "j accompagne", "jarrive": "j arrive", "jcomprends": "je comprends", "ya": "il y a",
    "yavait": "il y avait", "pa": "pas", "koi": "quoi", "kwa": "quoi", "quoa": "quoi", "pr": "pour", "ds": "dans",
    "ke": "que", "ki": "qui", "kan": "quand", "qd": "quand", "cb": "combien", "cmb": "combien", "cmt": "comment",
    "cmnt": "comment", "pk": "pourquoi", "pq": "pourquoi", "pkoi": "pourquoi", "mm": "meme", "tt": "tout",
    "bcp": "beaucoup", "tjrs": "toujours", "tjs": "toujours", "mn": "mon", "appt": "appart", "apart": "appart",
    "logt": "logement", "log": "logement", "boulo": "boulot", "taff": "taf", "vx": "veux", "veu": "veux",
    "c": "c est", "cest": "c est", "ct": "c etait", "stp": "s il te plait", "svp": "s il vous plait",
    "tkt": "t inquiete", "slt": "salut", "bjr": "bonjour", "bsr": "bonsoir", "dacc": "d accord", "dac": "d accord",
    "daccord": "d accord", "okay": "ok", "oki": "ok", "oke": "ok", "ouais": "oui", "ouai": "oui", "ui": "oui",
    "wi": "oui", "nn": "non", "nan": "non", "educ": "educateur", "assmat": "assistante maternelle", "jeun": "jeune",
    "chomdu": "chomage", "kel": "quel", "kelle": "quelle", "kels": "quels",
    "koman": "comment", "cmmt": "comment", "bb": "bebe", "ajd": "aujourd hui", "auj": "aujourd hui",
    "lase": "l ase", "lecole": "l ecole", "daccueil": "d accueil", "dla": "de la", "dlase": "de l ase",
    "lassistante": "l assistante", "leduc": "l educateur", "lappart": "l appart", "dappart": "d appart",
    "jusqua": "jusqu a", "jusko": "jusqu a", "maider": "m aider", "maide": "m aide", "mappeler": "m appeler",
    "mapeler": "m appeler", "jdisparais": "je disparais", "darons": "parents", "daronne": "mere", "daron": "pere",
    "jsrai": "je serai", "jserai": "je serai", "jvoudrai": "je voudrais",
    "jveu": "je veux", "fo": "faut",
    "jvai": "je vais", "jpaye": "je paye", "jpaie": "je paie", "plu": "plus", "o": "au", "dpui": "depuis",
    "dpuis": "depuis",
    "tte": "toute", "jdor": "je dors", "jdoi": "je dois", "jdois": "je dois", "jcrois": "je crois", "jsens": "je sens",
}
_DIGITS_THEN_LETTERS = re.compile(r"(\d)([^\W\d_])")
# "g 17a", "jeune 19a": SMS for "ans" glued to an age of our public (14-30), not "le 12a rue…".
_AGE_GLUED_A = re.compile(r"\b(1[4-9]|2\d|30)a\b", re.IGNORECASE)
_LETTERS_THEN_DIGITS = re.compile(r"([^\W\d_])(\d)")
_CLAUSE_BREAKS = re.compile(r"[.!?;\n]+|,|\bmais\b", re.IGNORECASE)
# "Boulogne s/ Mer", "Aire s/la Lys": "s/" is "sur" before the slash disappears as a word break.
_SUR = re.compile(r"(?<![\w])s\s*/\s*", re.IGNORECASE)


def expand(words: Iterable[str]) -> list[str]:
    out: list[str] = []
    for word in words:
        out.extend(_SPELLINGS.get(word, word).split())
    return out


def words_of(text: str) -> list[str]:
    """Normalised words of `text` with SMS spellings expanded and numbers split from letters."""
    text = _AGE_GLUED_A.sub(r"\1 ans", _SUR.sub("sur ", text))
    text = _LETTERS_THEN_DIGITS.sub(r"\1 \2", _DIGITS_THEN_LETTERS.sub(r"\1 \2", text))
    return expand(normalize(text).split())


@dataclass(frozen=True)
class Words:
    """The message, cut into clauses of words."""

    text: str
    clauses: tuple[tuple[str, ...], ...]

    @classmethod
    def of(cls, text: str) -> Words:
        parts = (words_of(part) for part in _CLAUSE_BREAKS.split(_SUR.sub("sur ", text or "")))
        return cls(text or "", tuple(tuple(p) for p in parts if p))

    @cached_property
    def all(self) -> tuple[str, ...]:
        return tuple(w for clause in self.clauses for w in clause)

    @cached_property
    def joined(self) -> str:
        return " ".join(self.all)

    def __len__(self) -> int:
        return len(self.all)

    def has(self, phrase: str) -> bool:
        return contains(self.all, phrase.split())


def find(words: Sequence[str], phrase: Sequence[str]) -> Iterator[int]:
    """Every start index of `phrase` in `words` (whole words)."""
    size = len(phrase)
    if not size:
        return
    for i in range(len(words) - size + 1):
        if words[i] == phrase[0] and tuple(words[i:i + size]) == tuple(phrase):
            yield i


def contains(words: Sequence[str], phrase: Sequence[str]) -> bool:
    return next(find(words, phrase), None) is not None


@dataclass(frozen=True)
class PhraseTable:
    """Phrases (already normalised) → a value, matched as whole words, longest first."""

    entries: tuple[tuple[tuple[str, ...], str], ...]

    @classmethod
    def build(cls, pairs: Iterable[tuple[str, str]]) -> PhraseTable:
        seen: dict[tuple[str, ...], str] = {}
        for phrase, value in pairs:
            key = tuple(words_of(phrase))
            if key:
                seen.setdefault(key, value)
        return cls(tuple(sorted(seen.items(), key=lambda item: -len(item[0]))))

    @cached_property
    def _by_first_word(self) -> dict[str, list[tuple[int, tuple[str, ...], str]]]:
        """(rank, phrase, value) of the entries by their first word: a message's words find their
        candidates directly instead of every phrase being searched for (a table holds thousands)."""
        index: dict[str, list[tuple[int, tuple[str, ...], str]]] = {}
        for rank, (phrase, value) in enumerate(self.entries):
            index.setdefault(phrase[0], []).append((rank, phrase, value))
        return index

    def matches(self, words: Sequence[str]) -> list[tuple[int, int, str]]:
        """(start, end, value) of non-overlapping matches, longest phrases first, in text order."""
        words = tuple(words)
        candidates = [(rank, start, start + len(phrase), value)
                      for start, word in enumerate(words) for rank, phrase, value in self._by_first_word.get(word, ())
                      if words[start:start + len(phrase)] == phrase]
        taken = [False] * len(words)
        found = []
        for _, start, end, value in sorted(candidates):  # the entries' order, then the text's
            if not any(taken[start:end]):
                taken[start:end] = [True] * (end - start)
                found.append((start, end, value))
        return sorted(found)

    def values(self, words: Sequence[str]) -> list[str]:
        return list(dict.fromkeys(value for _, _, value in self.matches(words)))


NEGATIONS = frozenset({"pas", "plus", "jamais", "ni", "aucun", "aucune"})


def negated(words: Sequence[str], start: int) -> bool:
    """A negation in the three words before `start`: "je cherche pas de logement"."""
    return bool(NEGATIONS & set(words[max(0, start - 3):start]))
