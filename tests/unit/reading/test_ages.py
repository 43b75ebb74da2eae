"""Ages only from age expressions."""

import pytest

from bot.reading import read


@pytest.mark.parametrize(("text", "age"), [
    ("j'ai 19 ans", 19), ("19ans", 19), ("g 17 ans", 17), ("dix-neuf ans", 19), ("j'ai vingt et un ans", 21),
    ("un jeune de 17 ans", 17), ("ma fille a 16 ans", 16), ("il a 20 ans", 20), ("âgée de 19 ans", 19),
    ("jai 19", 19), ("jsuis en cej a la mission locale de calais jai 19 ans", 19),
    ("je suis sorti de l'ase à 18 ans et j'ai 20 ans", 20),
    ("I'm 17, my dad hits me", 17), ("عمري 16", 16),
    ("un séjour avec un groupe de 6 jeunes de 18 à 22 ans", 22),
])
def test_age_expressions(text: str, age: int) -> None:
    assert read(text).age == age


@pytest.mark.parametrize("text", [
    "en 2019", "0321131935", "CEJ depuis 3 mois", "depuis 2 ans", "sortie à 18 ans", "oui à 16 ans",
    "jusqu'à 25 ans", "les moins de 25 ans", "de 18 à 25 ans", "c'est pour les jeunes de 18 à 25 ans ?", "il y a 3 ans", "plus de 18 ans", "j'ai 2 enfants",
])
def test_other_numbers_are_not_ages(text: str) -> None:
    assert read(text).age is None


def test_a_bare_number_is_an_age_only_when_one_is_asked() -> None:
    assert read("19").age is None
    assert read("19", expecting="age").age == 19
    both = read("19 calais", expecting="age_commune")
    assert both.age == 19 and both.place.match.commune.name == "Calais"


@pytest.mark.parametrize(("text", "age"), [("g 17a jvai plu o lycee", 17), ("jeune 19A a arras", 19),
                                          ("j habite au 12a rue victor hugo", None)])
def test_an_age_with_a_glued_a_is_an_age_of_our_public_only(text: str, age: int | None) -> None:
    assert read(text).age == age
