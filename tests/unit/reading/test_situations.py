"""Situations said, with their negations, and the needs they show."""

import pytest

from bot.reading import read


@pytest.mark.parametrize(("text", "yes", "no"), [
    ("je cherche pas de logement", set(), {"recherche_logement"}),
    ("je ne cherche pas de logement", set(), {"recherche_logement"}),
    ("jsuis a la rue", {"sans_logement"}, set()),
    ("je suis plus en foyer", {"ase_sorti"}, set()),
    ("jsuis sorti de l'ase jsais pas koi faire", {"ase_sorti"}, set()),
    ("je suis en cej", {"cej"}, set()),
    ("j'ai arrêté le lycée", {"decrochage_scolaire"}, set()),
    ("je suis en rupture avec mes parents et je cherche un appart", {"rupture_familiale", "recherche_logement"}, set()),
    ("je suis sans emploi et sans logement", {"neet", "sans_logement"}, set()),
    ("j'arrive pas à payer mon loyer", {"maintien_logement_difficile"}, set()),
    ("je touche pas le rsa", set(), {"rsa"}),
    ("jai 18 ans je sors de foyer en janvier jsais pas ou aller", {"ase_confie", "recherche_logement"}, set()),
    ("jai nulle part ou aller ce soir", {"sans_logement"}, set()),
    ("jsuis enceinte mon copain ma mise dehors jsais pas ou aller cette nuit",
     {"rupture_familiale", "sans_logement"}, set()),
    ("jai 16 ans jsuis en e2c a boulogne", {"autre_parcours_insertion"}, set()),
    ("jsuis a l'epide depuis septembre", {"autre_parcours_insertion"}, set()),
    ("nous sommes l'école de la deuxième chance de Boulogne", set(), set()),
])
def test_situations(text: str, yes: set[str], no: set[str]) -> None:
    reading = read(text)
    assert set(reading.yes) == yes and set(reading.no) == no


@pytest.mark.parametrize("text", ["c quoi rsa", "c'est quoi le CEJ ?", "le CLLAJ aide les jeunes à la rue ?"])
def test_a_question_about_a_word_or_a_scheme_states_no_situation(text: str) -> None:
    assert not read(text).yes


def test_a_question_about_a_scheme_for_one_young_person_states_their_situation() -> None:
    text = "un jeune sorti de l'ASE à 19 ans, 23 ans aujourd'hui, le coordo ASE est-il encore possible ?"
    assert read(text).yes == {"ase_sorti"}


def test_needs_come_from_situations_and_words_but_not_from_a_denial() -> None:
    assert read("jsuis a la rue").needs == ("logement",)
    assert read("j'ai arrêté le lycée").needs == ("formation",)
    assert read("on voudrait monter un projet").needs == ("projet",)


@pytest.mark.parametrize(("text", "yes", "no"), [
    ("bonjour ma fille a 19 ans elle voudrait prendre un petit appartement", {"recherche_logement"}, set()),
    ("non elle vit chez nous", set(), {"sans_logement"}),
    ("mon petit-fils sort du foyer de l'enfance le mois prochain", {"ase_confie"}, set()),
    ("un résident de 23 ans va faire sa première demande de logement social",
     {"premiere_demande_logement", "recherche_logement"}, set()),
    ("un jeune de 19 ans vient d'abandonner son parcours graine de", {"abandon_graine_de"}, set()),
])
def test_how_relatives_and_professionals_say_situations(text: str, yes: set[str], no: set[str]) -> None:
    reading = read(text)
    assert yes <= set(reading.yes) and no <= set(reading.no)


@pytest.mark.parametrize(("text", "needs"), [
    ("il ne cherche pas de logement", ()),
    ("il reste enfermé dans sa chambre", ()),
    ("on veu monter un tournoi de foot avec les jeunes du quartier", ("projet",)),
])
def test_a_need_is_named_not_denied_nor_a_room(text: str, needs: tuple[str, ...]) -> None:
    assert read(text).needs == needs


@pytest.mark.parametrize("text", ["jpaye plus mon loyer", "je paie pas mon loyer ce mois ci"])
def test_not_paying_the_rent_is_trouble_keeping_the_home(text: str) -> None:
    assert "maintien_logement_difficile" in read(text).yes
