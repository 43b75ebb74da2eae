"""Reading what people type: ages ("g 17 ans", "dix-sept") and yes/no answers."""

from __future__ import annotations

import re

from bot.text import normalize

_UNITS = {
    "zero": 0, "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7,
    "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "treize": 13, "quatorze": 14,
    "quinze": 15, "seize": 16,
}
_TENS = {"vingt": 20, "trente": 30, "quarante": 40, "cinquante": 50, "soixante": 60}
_DIGITS = re.compile(r"(?<!\d)(\d{1,3})(?!\d)")
AGE_MIN, AGE_MAX = 0, 120


def _words_to_number(words: list[str]) -> int | None:
    """French number words up to 69 ("dix sept", "vingt et un", "trente-deux")."""
    words = [w for w in words if w != "et"]
    if not words:
        return None
    total = 0
    for i, word in enumerate(words):
        if word in _TENS and i == 0:
            total += _TENS[word]
        elif word == "dix" and i > 0 and total < 10:
            total = total + 10 if total else 10
        elif word in _UNITS:
            total += _UNITS[word]
        else:
            return None
    return total


def parse_age(text: str | None) -> int | None:
    """The age in a short answer, or None: "17", "g 17 ans", "17ans", "dix-sept ans"."""
    if not text:
        return None
    key = normalize(text)
    numbers = _DIGITS.findall(key.replace(" ans", " ").replace("ans", " "))
    if len(numbers) == 1:
        age = int(numbers[0])
        return age if AGE_MIN <= age <= AGE_MAX else None
    if numbers:
        return None  # several numbers: do not guess
    words = [w for w in key.split() if w in _UNITS or w in _TENS or w == "et"]
    age = _words_to_number(words)
    return age if age is not None and AGE_MIN < age <= AGE_MAX else None
