"""Emergency replies, other languages, clarification, acronyms."""

import re

from bot.answers import safety
from bot.answers.glossary import explain
from bot.knowledge import knowledge
from bot.reading.safety import DISTRESS, IMMEDIATE, NO_SHELTER, SUICIDE, VIOLENCE


def test_the_number_that_fits_leads() -> None:
    assert safety.numbers_for([SUICIDE], 20)[0] == "prevention_suicide"
    assert safety.numbers_for([VIOLENCE], 16)[0] == "enfance_en_danger"
    assert safety.numbers_for([VIOLENCE], None)[0] == "enfance_en_danger"
    assert safety.numbers_for([VIOLENCE], 22)[0] == "police"
    assert safety.numbers_for([NO_SHELTER], 19) == ["urgence_sociale"]
    assert safety.numbers_for([IMMEDIATE], 30)[:2] == ["police", "urgence_europeenne"]
    assert safety.numbers_for([DISTRESS], 30)[0] == "prevention_suicide"


def test_distress_leads_with_the_number_then_offers_a_person() -> None:
    first, second = safety.distress([SUICIDE], "jeune", 17)
    assert first.text.startswith("Appelle le 3114") and second.buttons[0].payload == "/affirm"


def test_the_urgent_line_is_the_emergency_number() -> None:
    line = safety.urgent_line([SUICIDE], 19, "jeune")
    assert "3114" in line and "03 " not in line


def test_other_languages_get_numbers_and_the_slai_in_their_language() -> None:
    lens = knowledge().territory("lens_lievin")
    english = safety.other_language("en", (), None, lens).text
    assert "I can only answer in French" in english and "03 21 13 19 35" in english and "115" in english
    arabic = safety.other_language("ar", [VIOLENCE], 15, None).text
    assert re.search("[\u0600-\u06FF]", arabic) and "119" in arabic.splitlines()[0]
    # The SLAI by its name, a service of the Département (seed), not a "youth service".
    for text in (english, arabic):
        assert "Service Local Allocation Insertion" in text and "youth service" not in text
    assert all(line[0].isupper() or line[0].isdigit() for line in english.splitlines())


def test_clarify_offers_the_two_likeliest_topics() -> None:
    reply = safety.clarify("jeune", ["ask_deadline", "ask_contact", "greet"])
    assert [b.payload for b in reply.buttons] == ["/ask_deadline", "/ask_contact"]


def test_acronyms_are_explained_once_and_never_in_a_parenthesis() -> None:
    text, explained = explain("Appelle le SLAI. Le SLAI répond vite.", ())
    assert text.count("(service local allocation insertion du Département)") == 1 and "SLAI" in explained
    again, _ = explain("Le SLAI encore.", explained)
    assert again == "Le SLAI encore."
    kept, _ = explain("L'ASE (aide sociale à l'enfance) t'aide.", ())
    assert kept.count("aide sociale") == 1
    nested, done = explain("Dès 16 ans avec un parcours (apprentissage, PACEA, CEJ…).", ())
    assert nested == "Dès 16 ans avec un parcours (apprentissage, PACEA, CEJ…)." and "PACEA" not in done
    spelled, done = explain("Direction des Politiques d'Inclusion Durable (DPID) : Alizé Martin", ())
    assert spelled.count("(") == 1 and "DPID" in done
