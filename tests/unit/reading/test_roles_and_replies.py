"""Who speaks, short replies, corrections."""

import pytest

from bot.reading import read


@pytest.mark.parametrize(("text", "role"), [
    ("je suis éducatrice, un jeune de 17 ans à Arras a décroché", "professionnel"),
    ("je suis conseiller à la mission locale", "professionnel"),
    ("un jeune que j'accompagne cherche un logement", "professionnel"),
    ("ma fille a 16 ans elle a arrêté l'école", "proche"),
    ("on est une asso à Lens", "structure"),
    ("nous sommes un bailleur social", "structure"),
    ("notre CLLAJ voudrait répondre", "structure"),
    ("jsuis en cej a la mission locale de calais jai 19 ans", "jeune"),
    ("mais non jsuis un jeune", "jeune"),
    ("chui jeune", "jeune"),
    ("j'ai 19 ans et ma fille a 2 ans je cherche un appart", "jeune"),
])
def test_the_role_comes_from_the_words(text: str, role: str) -> None:
    assert read(text).role == role


def test_a_young_parent_has_a_child_and_a_parent_does_not() -> None:
    assert "enfant_a_charge" in read("j'ai 19 ans et ma fille a 2 ans je cherche un appart").yes
    assert "enfant_a_charge" not in read("ma fille a 16 ans elle a arrêté l'école").yes


@pytest.mark.parametrize(("text", "reply"), [
    ("oui", "oui"), ("ouais", "oui"), ("non", "non"), ("nan", "non"), ("jsp", "inconnu"), ("je sais pas", "inconnu"),
    ("ok", "ok"), ("d'accord", "ok"), ("oui à 16 ans", "oui"),
])
def test_short_replies(text: str, reply: str) -> None:
    assert read(text).reply == reply


def test_ok_is_not_yes_and_a_correction_is_seen() -> None:
    assert read("ok").reply != "oui"
    assert read("non en fait j'ai 18 ans").correction and read("non en fait j'ai 18 ans").age == 18
