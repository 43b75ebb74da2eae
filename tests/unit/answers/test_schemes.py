"""What the assistant says about dates, money, payment, evaluation and procedures."""

import datetime as dt

import pytest

from bot.answers import schemes as answers
from bot.answers import topics
from bot.knowledge import SCHEME_IDS, knowledge

TODAY = dt.date(2026, 11, 29)


def scheme(sid):
    return knowledge().scheme(sid)


def test_a_structure_is_told_the_faj_co_call_is_closed_with_its_dates() -> None:
    text = answers.deadline(scheme("faj_co"), "structure", TODAY).text
    assert "L'appel à projets FAJ Co était ouvert du 12/01/2026 au 15/09/2026 : il est clos." in text


def test_open_and_upcoming_calls() -> None:
    assert "est ouvert jusqu'au 30/04/2026 inclus" in answers.deadline(scheme("cllaj"), "structure",
                                                                         dt.date(2026, 4, 30)).text
    assert "ouvre le 01/04/2026" in answers.deadline(scheme("graine_de"), "structure", dt.date(2026, 3, 31)).text
    assert "E partenaire" in answers.deadline(scheme("graine_de"), "structure", dt.date(2026, 3, 31)).text


@pytest.mark.parametrize("role", ["jeune", "professionnel"])
def test_a_running_scheme_is_never_said_closed_to_young_people(role) -> None:
    text = answers.deadline(scheme("graine_de"), role, TODAY).text
    assert "du 01/07/2026 au 30/06/2027" in text and "en cours" in text
    assert "clos" not in text
    assert "fiche de prescription" in text and "SLAI" in text


def test_before_and_after_the_period_of_the_funded_actions_after_how_to_enter() -> None:
    before = answers.deadline(scheme("solutions_logement"), "jeune", dt.date(2026, 9, 1)).text
    assert before.startswith("Le SLISL") and "Les actions financées pour « Solutions logement » démarrent le 01/10/2026" in before
    after = answers.deadline(scheme("cllaj"), "jeune", dt.date(2027, 9, 1)).text
    assert after.startswith("Le CLLAJ est un guichet unique")
    assert "Les actions financées pour les CLLAJ ont couru du 01/09/2026 au 31/08/2027" in after


def test_when_the_role_is_unknown_the_window_comes_with_a_line_for_young_people() -> None:
    text = answers.deadline(scheme("graine_de"), None, TODAY).text
    assert "était ouvert du 01/04/2026 au 30/04/2026 : il est clos" in text
    assert "Pour les jeunes" in text and "01/07/2026 au 30/06/2027" in text


def test_schemes_without_dates_tell_young_people_what_happens() -> None:
    assert "15 jours" in answers.deadline(scheme("coordo_ase"), "jeune", TODAY).text
    assert "calendrier" in answers.deadline(scheme("faj_co"), "jeune", TODAY).text


def test_funding_amounts_for_structures() -> None:
    assert "52 000 €" in answers.funding(scheme("coordo_ase"), "structure").text
    text = answers.funding(scheme("accompagnement_logement"), "structure").text
    assert "2 500 €" in text and "5 000 €" in text and "25 %" in text and "350 000 €" in text
    assert "2 ans" in answers.funding(scheme("faj_co"), "structure").text
    assert "20 000 €" in answers.funding(scheme("cllaj"), "structure").text


def test_young_people_are_told_the_money_goes_to_structures() -> None:
    text = answers.funding(scheme("cllaj"), "jeune").text
    assert "pas directement aux jeunes" in text and "€" not in text


def test_payment_and_evaluation() -> None:
    assert "60 %" in answers.payment(scheme("faj_co"), "structure").text
    assert "80 %" in answers.payment(scheme("solutions_logement"), "structure").text
    assert "une seule fois" not in answers.payment(scheme("cllaj"), "structure").text
    assert "unique" in answers.payment(scheme("logement_primo_locataires"), "structure").text
    assert "3 mois" in topics.evaluation(scheme("graine_de")).text
    charter = topics.indicators(scheme("coordo_ase")).text
    assert "100 points" in charter and "Accompagner autrement 30 points" in charter
    item = topics.indicators(scheme("coordo_ase"), "le délai de 15 jours rapporte combien de points ?").text
    assert "15 jours" in item and "5 points" in item


def test_procedures() -> None:
    assert "obligatoire" in answers.procedure(scheme("faj_co"), "structure").text.lower()
    assert "SLAI" in answers.procedure(scheme("faj_co"), "structure").text
    assert "1er du mois" in answers.procedure(scheme("accompagnement_logement"), "jeune").text


@pytest.mark.parametrize("sid", SCHEME_IDS)
def test_every_scheme_answers_every_topic_with_short_buttons(sid) -> None:
    for role in ("jeune", "professionnel", "structure", None):
        for reply in (answers.scheme_info(scheme(sid), role), answers.deadline(scheme(sid), role, TODAY),
                      answers.funding(scheme(sid), role), answers.payment(scheme(sid), role),
                      topics.evaluation(scheme(sid)), answers.procedure(scheme(sid), role)):
            assert reply.text.strip()
            assert all(len(b.title) <= 20 for b in reply.buttons)
