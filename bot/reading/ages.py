"""Ages, from age expressions only.

"j'ai 19 ans", "19ans", "g 17 ans", "dix-neuf ans", "un jeune de 17 ans", "ma fille a 16 ans",
"il a 20 ans" are ages. Other numbers are not: years ("en 2019"), phone numbers, durations
("CEJ depuis 3 mois", "depuis 2 ans", "pendant 3 ans"), and an age said of an event ("sortie à
18 ans", "oui à 16 ans", "jusqu'à 25 ans", "les moins de 25 ans", "de 18 à 25 ans"). A bare
number ("19") is an age only where the dialogue asks for one (`bare_age`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.parsing import AGE_MAX, parse_age
from bot.reading.words import Words

_YEARS = frozenset({"ans", "an"})
# Words before "N ans" that make it something else than the person's age.
_NOT_AN_AGE = frozenset(
    "depuis pendant dans avant apres des jusqu jusque moins plus entre mes ses tes nos vos leurs ces les "
    "environ quelques premiers derniers prochains deja il y".split()
)
# "a" written without its accent is the verb avoir ("elle a 16 ans", "une jeune que j'accompagne a
# 17 ans") unless it follows one of these: then it is "à" ("sortie a 18 ans", "oui a 16 ans").
_EVENTS = frozenset(
    "oui non sorti sortie sortis parti partie partis arrive arrivee arrives quitte quittee place placee "
    "entre entree entres majeur majeure mineur mineure jusqu jusque depuis des avant apres vers".split()
)
_PREPOSITION_A = re.compile(r"(?<![\w'’])à\s*(\d{1,3})\s*ans", re.IGNORECASE)
_NUMBER_WORDS = frozenset(
    "un une deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze quinze seize "
    "vingt trente quarante cinquante soixante et".split()
)
MIN_AGE, MAX_AGE = 5, AGE_MAX


def _number_before(words: Sequence[str], end: int) -> tuple[int, int] | None:
    """The number that ends just before `end` (digits, or French number words): (value, start)."""
    if end <= 0:
        return None
    if words[end - 1].isdigit():
        if len(words[end - 1]) > 3:
            return None
        return int(words[end - 1]), end - 1
    start = end
    while start > 0 and words[start - 1] in _NUMBER_WORDS:
        start -= 1
    if start == end:
        return None
    value = parse_age(" ".join(words[start:end]))
    return (value, start) if value is not None else None


def _is_age_context(words: Sequence[str], start: int) -> bool:
    before = words[start - 1] if start > 0 else ""
    if before in _NOT_AN_AGE:
        return False
    if before == "a":
        # "il a 20 ans", "ma fille a 16 ans" (avoir) — not "sortie à 18 ans", "oui a 16 ans".
        return start > 1 and words[start - 2] not in _EVENTS
    if before == "de":
        # "un jeune de 17 ans", "âgée de 19 ans" — not "plus de 18 ans", "de 18 à 25 ans" (range start has no "ans").
        return (words[start - 2] if start > 1 else "") not in _NOT_AN_AGE
    return True


def _group_range(words: Sequence[str], end: int) -> bool:
    """ "un groupe de 6 jeunes de 18 à 22 ans": the ages of the group a professional speaks of —
    not "c'est pour les jeunes de 18 à 25 ans ?", a scheme's public. `end` is the range's last number."""
    start = end - 2
    if start < 2 or not words[start].isdigit() or words[start - 1] != "de" or words[start - 2] != "jeunes":
        return False
    return "groupe" in words[:start] or (start >= 3 and words[start - 3].isdigit())


# Words that ask about the young people's ages without a number ("et pour les mineurs ?").
_AGE_WORDS = frozenset({"mineur", "mineure", "mineurs", "mineures", "majeur", "majeure", "majeurs", "majeures",
                        "age", "ages"})


def speaks_of_ages(message: Words, ages: Sequence[int]) -> bool:
    """Whether the message speaks of the young people's ages: "et pour les mineurs ?", "quel âge ?",
    "y en a 2 qui ont 17 ans" (`ages`: those ages_in found). Not "mineur non accompagné" (a situation)."""
    words = message.all
    named = any(w in _AGE_WORDS and not (w.startswith("mineur") and words[i + 1:i + 2] == ("non",))
                for i, w in enumerate(words))
    return named or bool(ages)


def ages_in(message: Words) -> list[int]:
    """Ages stated in the message, in text order."""
    prepositions = [int(n) for n in _PREPOSITION_A.findall(message.text)]  # "à 18 ans", with its accent
    found: list[int] = []
    for clause in message.clauses:
        for i, word in enumerate(clause):
            if word not in _YEARS:
                continue
            number = _number_before(clause, i)
            if number is None:
                continue
            value, start = number
            after_a = start > 0 and clause[start - 1] == "a"
            if after_a and value in prepositions and not _group_range(clause, start):  # "sorti à 18 ans"
                prepositions.remove(value)
                continue
            if MIN_AGE <= value <= MAX_AGE and _is_age_context(clause, start):
                found.append(value)
        found += _ages_without_years(clause)
    return found


def _ages_without_years(words: Sequence[str]) -> list[int]:
    """ "j'ai 19" at the end of a clause or before "et", "je"…: an SMS age without "ans"."""
    found = []
    for i in range(len(words) - 2):
        if words[i] == "j" and words[i + 1] == "ai" and words[i + 2].isdigit():
            after = words[i + 3] if i + 3 < len(words) else ""
            value = int(words[i + 2]) if len(words[i + 2]) <= 2 else -1
            said_again = tuple(words[i + 3:i + 5]) == ("en", "fait")  # a correction: "non j'ai 19 en fait"
            if (after in ("", "et", "je", "j", "moi", "ou", "bientot") or said_again) and 12 <= value <= 35:
                found.append(value)
    return found


def own_age(message: Words) -> int | None:
    """An age the speaker gives as their own ("j'ai 19 ans", "moi 17 ans", "jai 19")."""
    for clause in message.clauses:
        for i, word in enumerate(clause):
            own = word == "moi" or (word == "ai" and i > 0 and clause[i - 1] == "j")
            if not own:
                continue
            end = i + 1
            while end < len(clause) and (clause[end].isdigit() or clause[end] in _NUMBER_WORDS):
                end += 1
            after = clause[end] if end < len(clause) else ""
            number = _number_before(clause, end) if end > i + 1 else None
            if number is not None and after in ("ans", "an", "", "et", "je", "j") and MIN_AGE <= number[0] <= MAX_AGE:
                return number[0]
    return None


_FOREIGN_AGES = (
    re.compile(r"\b(?:i'?m|i am|im)\s+(\d{1,2})\b", re.IGNORECASE),
    re.compile(r"\b(\d{1,2})\s*(?:years?\s*old|yo|y/o|yrs)\b", re.IGNORECASE),
    re.compile(r"عمري\s*([0-9٠-٩]{1,2})"),
    re.compile(r"([0-9٠-٩]{1,2})\s*(?:سنة|سنه|عام)"),
)
_ARABIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789")


def foreign_age(text: str) -> int | None:
    """An age said in English or Arabic ("I'm 17", "17 years old", "عمري 16")."""
    for pattern in _FOREIGN_AGES:
        found = pattern.search(text)
        if found:
            value = int(found.group(1).translate(_ARABIC_DIGITS))
            return value if MIN_AGE <= value <= MAX_AGE else None
    return None


def bare_age(text: str) -> int | None:
    """The answer to "quel âge ?": "19", "19 ans", "g 19", "dix-neuf"."""
    words = Words.of(text).all
    if not words or len(words) > 5:
        return None
    ages = ages_in(Words.of(text))
    if ages:
        return ages[-1]
    numbers = [w for w in words if w.isdigit()]
    if len(numbers) == 1 and all(w.isdigit() or w in ("j", "ai", "moi", "ans", "an", "bientot") for w in words):
        value = int(numbers[0])
        return value if MIN_AGE <= value <= MAX_AGE else None
    value = parse_age(" ".join(words))
    return value if value is not None and MIN_AGE <= value <= MAX_AGE else None
