"""Ages as people type them."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.parsing import parse_age


@pytest.mark.parametrize("text, age", [
    ("17", 17), ("g 17 ans", 17), ("17ans", 17), ("j'ai 19 ans", 19), ("dix-sept", 17), ("dix sept ans", 17),
    ("vingt et un", 21), ("vingt-deux ans", 22), ("quinze", 15), ("trente", 30), ("dix-neuf", 19),
])
def test_ages_people_type(text: str, age: int) -> None:
    assert parse_age(text) == age


@pytest.mark.parametrize("text", ["", "abc", "16 ou 17", "150", "-", "🙂", "<b>17</b> et 18"])
def test_no_guess(text: str) -> None:
    assert parse_age(text) is None


@given(st.text(max_size=200))
def test_never_raises_and_stays_in_range(text: str) -> None:
    age = parse_age(text)
    assert age is None or 0 <= age <= 120
