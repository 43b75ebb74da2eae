"""Danger in any words; topics and languages."""

import pytest

from bot.reading import read
from bot.reading.safety import DISTRESS, IMMEDIATE, MISSING, NO_SHELTER, SHELTER_FULL, SUICIDE, VIOLENCE


@pytest.mark.parametrize(("text", "kind"), [
    ("jen ai marre de tout jai envie de crever", SUICIDE),
    ("je veux me tuer", SUICIDE),
    ("jpp de tout franchement jvois plus l'interet de rien", SUICIDE),  # said without a danger word
    ("I want to kill myself", SUICIDE),
    ("بدي موت", SUICIDE),
    ("mon père me frappe", VIOLENCE),
    ("I'm 17, my dad hits me", VIOLENCE),
    ("أبي يضربني", VIOLENCE),
    ("il va me tuer", IMMEDIATE),
    ("jsuis enceinte mon copain ma mise dehors", NO_SHELTER),
    ("je dors dehors ce soir", NO_SHELTER),
    ("I'm sleeping on the street", NO_SHELTER),
    ("ما عندي وين نام", NO_SHELTER),
    ("le 115 est plein", SHELTER_FULL),
    ("et ce soir jdors ou moi", NO_SHELTER),
    ("jsui a aire sur la lys ya un endroit ou aller ?", NO_SHELTER),
    ("je veux pas dormir dehors ce soir", NO_SHELTER),  # a fear for tonight, not a denial
    ("je suis pas bien je suis à la rue", NO_SHELTER),
    ("personne peut maider de tte facon", DISTRESS),
    ("jsuis fatigué de tout personne m'aime", DISTRESS),
    ("jsp jai plus envie de rien, meme de me lever", DISTRESS),
    ("ma mere boit et elle me crie dessus tout le temps jai 16 ans", VIOLENCE),
    ("ma fille de 15 ans n'est pas rentrée depuis hier soir", MISSING),
    ("vous ne comprenez pas, ma fille a disparu !", MISSING),
])
def test_danger_in_french_english_and_arabic(text: str, kind: str) -> None:
    danger = read(text).danger
    assert danger is not None and kind in danger


@pytest.mark.parametrize("text", ["je cherche une aide", "aidez moi a trouver un logement", "c'est quoi le 115",
                                  "je vais crever de faim", "date limite du FAJ Co ?",
                                  # the answer to "es-tu sans logement ?", not a night outside
                                  "non je suis pas à la rue", "non j'ai jamais été SDF", "je suis plus à la rue"])
def test_no_false_alarm_on_ordinary_messages(text: str) -> None:
    assert read(text).danger is None


@pytest.mark.parametrize(("text", "topics"), [
    ("le montant et la date limite ?", ("funding", "deadline")),
    ("Quel est l'âge minimum pour le FAJ Co ?", ("public",)),
    ("qui peut porter un projet FAJ Co ?", ("carriers",)),
    ("c'est quoi le montant du CLLAJ", ("funding",)),
    ("combien de temps dure l'accompagnement logement", ("period",)),
    ("et on doit payer quelque chose ?", ("cost",)),
    ("il doit appeler lui-même ou je peux le faire à sa place ?", ("on_behalf",)),
    ("jsais pas ou aller", ()),  # a need for a roof, not "where do I turn?"
    ("je sais pas où aller, je dois appeler qui ?", ("contact",)),
    ("et c ou", ("contact",)),  # "c'est où ?" in SMS spelling
    ("et le versement, ça se passe comment ?", ("payment",)),  # "how does it go" about the payment named
    ("comment ça se passe graine de ?", ("contents",)),
    ("c'est finançable et il faut déposer quand ?", ("funding", "deadline")),
    ("c payé ou pas ?", ("paid",)),
    ("cb on touche avec graine de", ("funding", "paid")),  # the dialogue keeps the finer one
])
def test_topics_in_the_order_asked(text: str, topics: tuple[str, ...]) -> None:
    assert read(text).topics == topics


def test_terms_to_define() -> None:
    reading = read("c quoi rsa")
    assert reading.terms == ("RSA",) and reading.topics == ("info",)


@pytest.mark.parametrize(("text", "language"), [
    ("hello I need help", "en"), ("مرحبا أحتاج مساعدة", "ar"), ("hola necesito ayuda", "autre"),
    ("blablou", "aucune"), ("bjr jcherche un appart", "fr"), ("Lille", "fr"),
])
def test_language(text: str, language: str) -> None:
    assert read(text).language == language
