"""Every answer of bot/answers/ — each topic for each role and scheme, the orientation result and
verdicts of a grid of profiles, contacts, safety replies — rendered at four dates, says only numbers,
dates, phones and e-mails that knowledge/ holds, and agrees in number.

The facts are checked against the seed elsewhere (test_seed_crosscheck); this test closes the other
gap: a sentence of the code that writes a figure of its own.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

import pytest

from bot.answers import contacts, orientation, safety, topics
from bot.answers.reply import Reply, capitalize
from bot.communes import communes
from bot.eligibility.engine import orient
from bot.eligibility.profile import validate_profile
from bot.knowledge import SCHEME_IDS, knowledge
from bot.paths import KNOWLEDGE_DIR
from bot.reading import topics as reading_topics
from bot.reading.safety import DISTRESS, IMMEDIATE, NO_SHELTER, SUICIDE, VIOLENCE

ROLES = ("jeune", "professionnel", "structure", None)
DATES = (dt.date(2026, 1, 5), dt.date(2026, 4, 15), dt.date(2026, 11, 29), dt.date(2027, 12, 1))
SCHEME_TOPICS = (
    reading_topics.INFO, reading_topics.PUBLIC, reading_topics.CARRIERS, reading_topics.DEADLINE,
    reading_topics.PERIOD, reading_topics.FUNDING, reading_topics.PAYMENT, reading_topics.EVALUATION,
    reading_topics.INDICATORS, reading_topics.PROCEDURE, reading_topics.CONTENTS, reading_topics.VOLUMES,
    reading_topics.CONTACT, reading_topics.COST, reading_topics.ON_BEHALF, reading_topics.PAID,
)
ALL_TOPICS = SCHEME_TOPICS

PHONE = re.compile(r"(?<!\d)0\d(?: \d\d){4}(?!\d)")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
DATE = re.compile(r"(?<!\d)(\d\d)/(\d\d)/(\d{4})(?!\d)")
NUMBER = re.compile(r"(?<![\d/])\d[\d  ]*(?:[.,]\d+)?(?![\d/])")
# A singular verb after a plural subject: "Les CLLAJ démarre", "les actions … dure".
SINGULAR_VERBS = ("démarre", "dure", "se déroule", "s'est déroulée", "est", "a", "peut", "s'adresse", "court")


@lru_cache(maxsize=1)
def knowledge_text() -> str:
    files = [p for p in KNOWLEDGE_DIR.glob("*.yml")] + list((KNOWLEDGE_DIR / "schemes").glob("*.yml"))
    return "\n".join(p.read_text(encoding="utf-8") for p in files)


@lru_cache(maxsize=1)
def known_numbers() -> frozenset[str]:
    """Every number written in knowledge/, digits only ("20 000" → "20000"; a date's parts too)."""
    text = knowledge_text()
    numbers = {re.sub(r"\D", "", n) for n in NUMBER.findall(text)}
    numbers |= {part.lstrip("0") or "0" for iso in re.findall(r"\d{4}-\d\d-\d\d", text) for part in iso.split("-")}
    return frozenset(n.lstrip("0") or "0" for n in numbers if n)


PROFILES = (  # (age, commune, situations): a grid of the engine's cases, outside the 62 included
    (16, "Lens", ("decrochage_scolaire",)), (17, "Arras", ("autre_parcours_insertion",)),
    (17, "Saint-Omer", ("ase_confie",)), (19, "Calais", ("sans_logement", "rupture_familiale")),
    (20, "Lille", ("recherche_logement", "autre_precarite")), (22, "Ardres", ("maintien_logement_difficile",)),
    (23, "Hénin-Beaumont", ("ase_sorti", "recherche_logement")), (19, "Lens", ("neet", "abandon_graine_de")),
    (29, "Berck", ("premiere_demande_logement", "recherche_logement")), (31, "Boulogne-sur-Mer", ()),
)
STRUCTURES = (("mission_locale",), ("association_1901",), ("bailleur_social",), ("association_agreee_fsl",),
              ("cllaj", "association_1901"), ("entreprise",), ())


def _orientation_texts(role: str, today: dt.date) -> list[tuple[str, str]]:
    """The orientation result and every scheme's verdict for the grid of profiles."""
    k = knowledge()
    out: list[tuple[str, str]] = []
    if role == "structure":
        profiles = [{"role": role, **({"structure_types": list(types)} if types else {})} for types in STRUCTURES]
    else:
        profiles = [{"role": role, "age": age, "commune": commune, "situations": list(situations)}
                    for age, commune, situations in PROFILES]
    for raw in profiles:
        found = orient(validate_profile(raw, k), k, communes(), today)
        where = f"orientation/{role}/{today}/{raw.get('commune') or raw.get('structure_types')}"
        replies = orientation.result(found, SCHEME_IDS, frozenset({"sejour_irregulier"}), role,
                                     homeless="sans_logement" in raw.get("situations", ()),
                                     yes=frozenset(raw.get("situations", ())))
        out += [(where, r.text) for r in replies]
        for sid in SCHEME_IDS:
            verdict = (orientation.structure_verdict(found.result(sid)) if role == "structure"
                       else orientation.verdict(sid, found, role))
            out += [(f"{where}/{sid}", verdict.text)] if verdict else []
    return out


def _other_texts(role: str | None) -> list[tuple[str, str]]:
    """Contacts, the SLAI list, and the safety replies in French, English and Arabic."""
    k = knowledge()
    out = [(f"contacts/{role}", r.text) for r in contacts.all_slai()]
    for territory in (k.territory("calaisis"), None):
        for sid in (*SCHEME_IDS, None):
            out.append((f"contact/{role}/{sid}", contacts.contact(role, territory, k.scheme(sid) if sid else None).text))
        for kinds in ((SUICIDE,), (VIOLENCE,), (NO_SHELTER,), (IMMEDIATE,), (DISTRESS,)):
            for age in (15, 17, 22):
                out += [(f"safety/{role}/{kinds}", r.text) for r in safety.distress(kinds, role, age)]
                out += [(f"safety/{lang}/{kinds}", safety.other_language(lang, kinds, age, territory).text)
                        for lang in ("en", "ar")]
    return out


def rendered() -> list[tuple[str, str]]:
    """(where, text) of every answer, for every role, date, scheme and topic (one territory and none),
    the orientation of a grid of profiles at each date, contacts and safety replies."""
    k = knowledge()
    territories = (k.territory("calaisis"), None)
    out: list[tuple[str, str]] = []
    for role in ROLES:
        out += _other_texts(role)
        for today in DATES:
            out += _orientation_texts(role, today) if role else []
    for role in ROLES:
        for today in DATES:
            for territory in territories:
                for topic in ALL_TOPICS:
                    if topic not in (reading_topics.INFO,):
                        out += [(f"tous/{topic}/{role}/{today}", r.text)
                                for r in topics.for_all(topic, role, territory, today)]
                    for sid in SCHEME_IDS:
                        replies: list[Reply] = topics.for_scheme(topic, k.scheme(sid), role, territory, today)
                        out += [(f"{sid}/{topic}/{role}/{today}", r.text) for r in replies]
    return out


@pytest.fixture(scope="module")
def answers() -> list[tuple[str, str]]:
    return rendered()


def test_every_phone_and_email_said_is_in_knowledge(answers) -> None:
    text = knowledge_text()
    phones = {re.sub(r"\D", "", p) for p in PHONE.findall(text)}
    emails = set(EMAIL.findall(text))
    wrong = {(where, p) for where, said in answers for p in PHONE.findall(said) if re.sub(r"\D", "", p) not in phones}
    wrong |= {(where, e) for where, said in answers for e in EMAIL.findall(said) if e not in emails}
    assert not sorted(wrong)[:5]


def test_every_date_said_is_in_knowledge(answers) -> None:
    dates = set(re.findall(r"\d{4}-\d\d-\d\d", knowledge_text()))
    wrong = {(where, "/".join(d)) for where, said in answers for d in DATE.findall(said)
             if f"{d[2]}-{d[1]}-{d[0]}" not in dates}
    assert not sorted(wrong)[:5]


DEPARTMENTS = re.compile(r"\((?:\d[\dAB]|\d{3})(?:, (?:\d[\dAB]|\d{3}))*(?:, …)?\)")  # "Lille (59)"


def test_every_number_said_is_in_knowledge(answers) -> None:
    said_by_people = {str(age) for age, _, _ in PROFILES} | {"15", "17", "22"}  # their own ages
    wrong = set()
    for where, said in answers:
        plain = EMAIL.sub(" ", PHONE.sub(" ", DATE.sub(" ", DEPARTMENTS.sub(" ", said))))
        for number in NUMBER.findall(plain):
            digits = re.sub(r"\D", "", number).lstrip("0") or "0"
            if digits not in known_numbers() | said_by_people:
                wrong.add((where, number.strip()))
    assert not sorted(wrong)[:5]


def test_a_plural_subject_takes_a_plural_verb(answers) -> None:
    subjects = [capitalize(knowledge().scheme(s).the_name) for s in SCHEME_IDS if knowledge().scheme(s).plural]
    subjects += ["Les actions financées pour " + knowledge().scheme(s).the_name for s in SCHEME_IDS]
    wrong = {(where, f"{subject} {verb}") for where, said in answers for subject in subjects
             for verb in SINGULAR_VERBS if re.search(re.escape(subject) + r" " + re.escape(verb) + r"\b", said)}
    assert not sorted(wrong)[:5]


def test_a_date_sentence_says_when_the_funded_actions_run_not_when_a_scheme_starts_for_a_young_person(
    answers,
) -> None:
    young = [said for where, said in answers if "/jeune/" in where and "/deadline/" in where]
    assert young and not [s for s in young if re.search(r"l'action (démarre|se déroule)", s)]
    cllaj = topics.for_scheme(reading_topics.DEADLINE, knowledge().scheme("cllaj"), "jeune", None,
                              dt.date(2026, 11, 29))[0].text
    assert cllaj.index("sans attendre") < cllaj.index("01/09/2026")  # how to go now, then the period


def test_one_deadline_has_one_wording(answers) -> None:
    """The Coordo ASE monthly table: the seed's "dans les délais (10 de chaque mois)", never "avant le 10"
    here and "au plus tard le 10" there."""
    texts = [said for _, said in answers] + [knowledge_text()]
    assert not [t for t in texts if re.search(r"(avant|au plus tard) le 10 de chaque mois", t)]
    assert any("le 10 de chaque mois" in t for _, t in answers)
