"""Acronyms are explained once, never twice in the same question."""

import pytest

from bot.answers.glossary import explain
from bot.knowledge import knowledge
from bot.text import normalize

QUESTIONS = [(t.id, q) for t in knowledge().vocabulary.situations for q in (t.question, t.question_pro) if q]


@pytest.mark.parametrize(("situation", "question"), QUESTIONS)
def test_no_question_explains_an_acronym_twice(situation: str, question: str) -> None:
    text, _ = explain(question, ())
    plain = normalize(text)
    for term, meaning in knowledge().vocabulary.glossary.items():
        words = normalize(meaning).split()
        head = " ".join(words[:3])  # the start of a meaning, e.g. "parcours d accompagnement contractualise"
        assert plain.count(head) <= 1, (situation, term, text)


def test_an_acronym_is_explained_the_first_time_only() -> None:
    first, explained = explain("Appelle le SLAI.", ())
    assert "(" in first and "SLAI" in explained
    again, _ = explain("Appelle le SLAI.", explained)
    assert again == "Appelle le SLAI."
