"""Contacts: right number, at most three per message, no invented SLISL number."""

import re

from bot.answers import contacts as answers
from bot.communes import communes
from bot.knowledge import knowledge

PHONE = re.compile(r"0\d(?: \d\d){4}")


def test_lens_gives_the_lens_lievin_slai() -> None:
    text = answers.contact("jeune", knowledge().territory("lens_lievin"), None).text
    assert "Karine Crepel, 03 21 13 19 35" in text and text.startswith("Ton contact")
    assert answers.contact("professionnel", knowledge().territory("lens_lievin"), None).text.startswith("Votre contact")


def test_henin_carvin_has_a_phone_and_no_name() -> None:
    assert "SLAI d'Hénin-Carvin : 03 91 83 80 00" in answers.contact("jeune", knowledge().territory("henin_carvin"), None).text


def test_all_slai_never_more_than_three_numbers_a_message() -> None:
    replies = answers.all_slai()
    assert sum(len(PHONE.findall(r.text)) for r in replies) == 9
    assert all(len(PHONE.findall(r.text)) <= 3 for r in replies)


def test_unknown_territory_asks_the_commune_first() -> None:
    reply = answers.contact("jeune", None, None)
    assert "commune" in reply.text and reply.buttons[0].payload == '/ask_contact{"territoire": "tous"}'


def test_housing_entry_points_say_there_is_no_slisl_number() -> None:
    text = answers.contact("jeune", knowledge().territory("artois"), knowledge().scheme("cllaj")).text
    assert "SLISL" in text and "ne donne pas de numéro" in text and not PHONE.search(text)


def test_structures_get_the_departement_contacts_and_the_mandatory_slai() -> None:
    text = answers.contact("structure", knowledge().territory("calaisis"), knowledge().scheme("faj_co")).text
    assert "03 21 21 65 05" in text and "03 21 00 01 96" in text and "obligatoire" in text
    housing = answers.contact("structure", None, knowledge().scheme("solutions_logement")).text
    assert "thomas.marianne@pasdecalais.fr" in housing and "03 21 21 67 23" in housing


def test_an_inferred_territory_is_flagged_to_professionals_not_to_young_people() -> None:
    match = communes().resolve("Ardres")  # CC Pays d'Opale: attachment "moyenne-haute"
    territory = knowledge().territory(match.territory)
    assert "à confirmer" in answers.contact("professionnel", territory, None, match).text
    young = answers.contact("jeune", territory, None, match).text
    assert "à confirmer" not in young and "03 21 00 01 96" in young
    sure = communes().resolve("Calais")
    assert "à confirmer" not in answers.contact("professionnel", knowledge().territory("calaisis"), None, sure).text


def test_outside_and_ambiguous_communes() -> None:
    assert "Lille" in answers.outside(communes().resolve("Lille"), "jeune").text
