"""Acronyms are explained the first time they appear in a conversation ("SLAI (service local…)")."""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.knowledge import knowledge
from bot.text import normalize


def explain(text: str, already: Iterable[str]) -> tuple[str, frozenset[str]]:
    """Add the meaning after the first unexplained acronym of the glossary; return the new set.

    An acronym already followed by a parenthesis, or whose meaning the text already spells
    out, counts as explained there.
    """
    explained = set(already)
    plain = normalize(text)
    for term, meaning in knowledge().vocabulary.glossary.items():
        if term in explained:
            continue
        pattern = re.compile(rf"(?<![\w-]){re.escape(term)}(?![\w-])")
        match = pattern.search(text)
        if match is None:
            continue
        explained.add(term)
        if text[match.end():match.end() + 2] == " (" or normalize(meaning) in plain:
            continue
        text = f"{text[:match.end()]} ({meaning}){text[match.end():]}"
    return text, frozenset(explained)
