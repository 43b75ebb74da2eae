"""Acronyms are explained the first time they appear in a conversation ("SLAI (service local…)")."""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.knowledge import knowledge
from bot.text import normalize


def explain(text: str, already: Iterable[str]) -> tuple[str, frozenset[str]]:
    """Add the meaning after the first unexplained acronym of the glossary; return the new set.

    An acronym already followed by a parenthesis, or whose meaning the text already spells
    out, counts as explained there. Inside a parenthesis ("Direction … (DPID)", "(apprentissage,
    PACEA, CEJ…)") nothing is added — never a parenthesis in a parenthesis: the name is either
    spelled out just before, or explained the next time it appears in the open.
    """
    explained = set(already)
    plain = normalize(text)
    for term, meaning in knowledge().vocabulary.glossary.items():
        if term in explained:
            continue
        pattern = re.compile(rf"(?<![\w-]){re.escape(term)}(?![\w-])")
        for match in pattern.finditer(text):
            before = text[:match.start()]
            if before.count("(") > before.count(")"):
                if normalize(meaning).split(" du ")[0] in normalize(before):
                    explained.add(term)
                    break
                continue
            explained.add(term)
            if text[match.end():match.end() + 2] != " (" and normalize(meaning) not in plain:
                text = f"{text[:match.end()]} ({meaning}){text[match.end():]}"
            break
    return text, frozenset(explained)
