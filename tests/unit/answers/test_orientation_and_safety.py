"""Orientation results, "why not", why we ask; distress, other languages, clarification."""

import datetime as dt
import re

from bot.answers import orientation as answers
from bot.answers import safety
from bot.answers.glossary import explain
from bot.dialogue import OrientationState
from bot.knowledge import knowledge

TODAY = dt.date(2026, 11, 29)
ALL = frozenset(knowledge().vocabulary.situation_ids)


def complete(role="jeune", age=None, commune=None, yes=()):
    return OrientationState(role=role, age=age, commune=commune, yes=frozenset(yes), no=ALL - set(yes))


def test_the_result_lists_what_fits_with_one_reason_and_the_next_step() -> None:
    orientation = complete(age=19, commune="Calais", yes={"ase_sorti"}).orientation(TODAY)
    replies = answers.result(orientation, "jeune")
    text = "\n".join(r.text for r in replies)
    assert "Coordo ASE" in text and "03 21 00 01 96" in text and "Hervé Leplat" in text
    assert replies[-1].buttons[0].payload == "/request_human"


def test_nothing_fits_is_said_kindly_with_the_slai() -> None:
    orientation = complete(age=40, commune="Arras").orientation(TODAY)
    text = answers.result(orientation, "jeune")[0].text
    assert "Ce n'est pas grave" in text and "03 21 15 21 10" in text


def test_why_not_gives_the_engines_reason() -> None:
    orientation = complete(age=17, commune="Lens", yes={"neet"}).orientation(TODAY)
    text = answers.why_not("faj_co", orientation, "jeune").text
    assert "à 17 ans, il faut être en apprentissage, en PACEA ou en CEJ" in text


def test_why_we_ask_names_the_schemes_concerned() -> None:
    orientation = OrientationState(role="jeune", age=17, commune="Lens").orientation(TODAY)
    text = answers.why_we_ask("ase_confie", orientation, "jeune").text
    assert "Coordo ASE" in text and "je ne sais pas" in text.lower()


def test_questions_use_tu_or_vous_and_offer_yes_no_buttons() -> None:
    assert answers.ask_fact("age", "jeune").text == "Quel âge as-tu ?"
    assert answers.ask_fact("age", "professionnel").text == "Quel âge a le ou la jeune ?"
    reply = answers.ask_fact("ase_sorti", "jeune")
    assert [b.payload for b in reply.buttons] == ["/affirm", "/deny", "/dont_know"]
    assert all(len(b.title) <= 20 for b in answers.ask_fact("structure_types", "structure").buttons)


def test_distress_gives_every_emergency_number_then_offers_a_person() -> None:
    first, second = safety.distress("jeune")
    for number in ("115", "119", "3114", "17", "112"):
        assert re.search(rf"(?<!\d){number}(?!\d)", first.text)
    assert second.buttons[0].payload == "/affirm"  # with pending_offer "person": the contact questions follow


def test_other_language_notice_is_in_english_and_arabic_with_the_phone() -> None:
    text = safety.other_language(knowledge().territory("lens_lievin")).text
    assert "I only speak French" in text and "03 21 13 19 35" in text and re.search("[\u0600-\u06FF]", text)


def test_clarify_offers_the_two_likeliest_topics() -> None:
    reply = safety.clarify("jeune", ["ask_deadline", "ask_contact", "greet"])
    assert [b.payload for b in reply.buttons] == ["/ask_deadline", "/ask_contact"]


def test_acronyms_are_explained_once() -> None:
    text, explained = explain("Appelle le SLAI. Le SLAI répond vite.", ())
    assert text.count("(service local allocation insertion du Département)") == 1 and "SLAI" in explained
    again, _ = explain("Le SLAI encore.", explained)
    assert again == "Le SLAI encore."
    kept, _ = explain("L'ASE (aide sociale à l'enfance) t'aide.", ())
    assert kept.count("aide sociale") == 1
