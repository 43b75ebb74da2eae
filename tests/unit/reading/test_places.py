"""Communes in free text: the longest whole name, cues for everyday words, denials, typos."""

import pytest

from bot.reading import read
from bot.reading.places import bare_place, places_in
from bot.reading.words import Words


def name(text: str, expecting: str | None = None) -> str | None:
    place = read(text, expecting=expecting).place
    if place is None:
        return None
    match = place.match
    return match.commune.name if match.commune else match.outside_name or "|".join(c.name for c in match.candidates)


@pytest.mark.parametrize(("text", "expected"), [
    ("aire sur la lys", "Aire-sur-la-Lys"),
    ("j'habite aire sur la lys", "Aire-sur-la-Lys"),
    ("bully les mines", "Bully-les-Mines"),
    ("jhabite a frevent cest quoi mon slai", "Frévent"),
    ("Boulogne s/ Mer", "Boulogne-sur-Mer"),
    ("je suis de boulogne sur mer", "Boulogne-sur-Mer"),
    ("st omer", "Saint-Omer"),
    ("jsuis a la rue a lievin", "Liévin"),
    ("jsuis en cej a la mission locale de calais jai 19 ans", "Calais"),
    ("j'habite à Avion", "Avion"),
    ("Lille", "Lille (59)"),
    ("62300", "Lens|Éleu-dit-Leauwette"),
])
def test_the_whole_name_is_found(text: str, expected: str) -> None:
    assert name(text) == expected


@pytest.mark.parametrize("text", [
    "je suis a la rue",          # Rue (80)
    "je suis sur place",         # Placé (53)
    "je prends l'avion demain",  # Avion (62) without "à"
    "je vis dans le pas de calais",
    "20000€ par an",             # an amount, not a postal code of Corsica
    "mon num c'est 0321131935",
    "ok",
])
def test_everyday_words_are_not_places(text: str) -> None:
    assert name(text) is None


def test_a_name_is_never_cut_into_a_shorter_one() -> None:
    found = places_in(Words.of("je vis à boulogne sur mer depuis 2 ans"))
    assert [p.match.commune.name for p in found if p.match.commune] == ["Boulogne-sur-Mer"]


def test_a_denied_commune_gives_way_to_the_corrected_one() -> None:
    reading = read("pas Arras, Lens")
    assert reading.place.match.commune.name == "Lens"
    assert [p.match.commune.name for p in reading.denied_places] == ["Arras"]


def test_a_short_name_is_the_town_it_begins_when_the_others_are_villages() -> None:
    place = read("je suis de henin").place  # Hénin-Beaumont, not Hénin-sur-Cojeul: not asked back
    assert not place.approximate and place.match.commune.name == "Hénin-Beaumont"
    shared = read("je suis d'auchy").place  # Auchy-les-Mines, Auchy-lès-Hesdin…: several territories
    assert shared.approximate and [c.name for c in shared.match.candidates][0] == "Auchy-les-Mines"


def test_a_typo_is_read_only_as_an_answer_and_then_confirmed() -> None:
    assert name("Béthnue") is None
    place = bare_place("Béthnue")
    assert place.match.commune.name == "Béthune" and place.approximate
    assert not bare_place("Lens").approximate


def test_a_home_with_a_typo_after_j_habite_is_to_confirm() -> None:
    place = read("slt jhabite a fauquembergue g 19 ans jcherche un apart").place
    assert place is not None and place.typo and place.match.commune.name == "Fauquembergues"
    assert read("j'habite à côté de la gare").place is None



def test_someone_moving_to_the_62_is_served_where_they_settle() -> None:
    assert read("je vis a amiens je veux m'installer a arras").place.match.commune.name == "Arras"
    assert read("je vis à Lille et je vais déménager à Lens").place.match.commune.name == "Lens"
    assert read("j'habite à Lens, je voudrais m'installer à Lille").place.match.commune.name == "Lens"
