"""Every phone number, date, amount and percentage of the knowledge base is found in the seed.

The seed (`../shared/seeds/`) is the ground truth. When it is absent, these tests skip with a
message. `external.yml` is not checked here (its facts are not in the seed).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.knowledge import SCHEME_IDS
from bot.paths import KNOWLEDGE_DIR, SEEDS_DIR
from bot.text import normalize

MONTHS = {m: i for i, m in enumerate(
    ["janvier", "fevrier", "mars", "avril", "mai", "juin", "juillet", "aout", "septembre", "octobre",
     "novembre", "decembre"], start=1)}
CHECKED_FILES = [*sorted((KNOWLEDGE_DIR / "schemes").glob("*.yml")), KNOWLEDGE_DIR / "territories.yml",
                 KNOWLEDGE_DIR / "departement.yml"]
PHONE = re.compile(r"0\d(?:[ .\u00a0]?\d\d){4}")
AMOUNT = re.compile(r"(\d{1,3}(?:[ \u00a0\u202f]\d{3})*|\d+)\s*€")
PERCENT = re.compile(r"(\d+(?:,\d+)?)\s*%")
NUMERIC_DATE = re.compile(r"\b(\d{2})/(\d{2})/(\d{4})\b")
WORD_DATE = re.compile(r"\b(\d{1,2})\s*(?:er)?\s*(" + "|".join(MONTHS) + r")\s+(\d{4})")


def _seed_text() -> str:
    files = sorted(SEEDS_DIR.glob("*.txt")) if SEEDS_DIR.is_dir() else []
    if not files:
        pytest.skip(f"pas de texte source dans {SEEDS_DIR} : vérification croisée impossible ici")
    return "\n".join(f.read_text(encoding="utf-8") for f in files)


@pytest.fixture(scope="module")
def seed() -> str:
    return _seed_text()


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def seed_dates(seed: str) -> set[dt.date]:
    """Dates in the seed's forms: 12/01/2026, 1er avril 2026, 1<sup>er</sup> avril, 01septembre 2026…"""
    plain = normalize(seed.replace("<sup>", "").replace("</sup>", "")).replace("1 er ", "1er ")
    plain = re.sub(r"(\d)(" + "|".join(MONTHS) + r")", r"\1 \2", plain)
    dates = {dt.date(int(y), int(m), int(d)) for d, m, y in NUMERIC_DATE.findall(seed)}
    dates |= {dt.date(int(y), MONTHS[m], int(d)) for d, m, y in WORD_DATE.findall(plain)}
    return dates


def seed_amounts(seed: str) -> set[int]:
    return {int(_digits(a)) for a in AMOUNT.findall(seed)}


def seed_percents(seed: str) -> set[str]:
    return set(PERCENT.findall(seed))


def _walk(node: Any, path: str) -> Iterator[tuple[str, Any]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _walk(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _walk(value, f"{path}[{i}]")
    else:
        yield path, node


def knowledge_values() -> Iterator[tuple[str, str, Any]]:
    for file in CHECKED_FILES:
        for path, value in _walk(yaml.safe_load(file.read_text(encoding="utf-8")), ""):
            yield file.name, path, value


def test_the_seed_parser_reads_every_date_form(seed: str) -> None:
    dates = seed_dates(seed)
    for expected in [dt.date(2026, 1, 12), dt.date(2026, 9, 15), dt.date(2026, 4, 1), dt.date(2026, 9, 1),
                     dt.date(2027, 8, 31), dt.date(2026, 7, 1), dt.date(2026, 10, 1), dt.date(2027, 9, 30)]:
        assert expected in dates


def test_every_phone_number_is_in_the_seed(seed: str) -> None:
    seed_phones = {_digits(p) for p in PHONE.findall(seed)}
    found = [(f, p, v) for f, p, v in knowledge_values() if isinstance(v, str) for v in PHONE.findall(v)]
    assert len(found) >= 13
    for file, path, phone in found:
        assert _digits(phone) in seed_phones, f"{file}{path} : {phone} absent du texte source"


def test_every_date_is_in_the_seed(seed: str) -> None:
    dates = seed_dates(seed)
    checked = 0
    for file, path, value in knowledge_values():
        candidates = [value] if isinstance(value, dt.date) else []
        if isinstance(value, str):
            candidates += [dt.date(int(y), int(m), int(d)) for d, m, y in NUMERIC_DATE.findall(value)]
        for day in candidates:
            checked += 1
            assert day in dates, f"{file}{path} : {day} absent du texte source"
    assert checked >= 20


def test_every_amount_is_in_the_seed(seed: str) -> None:
    amounts = seed_amounts(seed)
    checked = 0
    for file, path, value in knowledge_values():
        values = []
        if path.endswith("_eur") and isinstance(value, int):
            values.append(value)
        if isinstance(value, str):
            values += [int(_digits(a)) for a in AMOUNT.findall(value)]
        for amount in values:
            checked += 1
            assert amount in amounts, f"{file}{path} : {amount} € absent du texte source"
    assert checked >= 10


def test_every_percentage_is_in_the_seed(seed: str) -> None:
    percents = seed_percents(seed)
    checked = 0
    for file, path, value in knowledge_values():
        values = []
        if path.endswith("_percent") and isinstance(value, int):
            values.append(str(value))
        if isinstance(value, str):
            values += PERCENT.findall(value)
        for percent in values:
            checked += 1
            assert percent in percents, f"{file}{path} : {percent} % absent du texte source"
    assert checked >= 10


def test_each_slai_phone_belongs_to_its_territory_and_person(seed: str) -> None:
    """Not only is each number in the seed: it is on the line of the right territory and person."""
    from bot.knowledge import knowledge

    lines = [normalize(line) for line in seed.splitlines() if line.startswith("Service Local Allocation Insertion")]
    assert lines
    for territory in knowledge().territories.values():
        names = {normalize(territory.name), *(normalize(a) for a in territory.aliases)}
        matching = [line for line in lines if any(n in line for n in names)]
        assert matching, territory.id
        for line in matching:
            assert _digits(territory.slai.phone) in _digits(line), (territory.id, line)
            if territory.slai.name:
                assert normalize(territory.slai.name) in line


def test_each_departement_contact_has_the_seed_phone_and_email(seed: str) -> None:
    from bot.knowledge import knowledge

    lines = [line for line in seed.splitlines() if "03 21 21" in line]
    for person in knowledge().departement.contacts:
        own = [line for line in lines if normalize(person.name) in normalize(line)]
        assert own, person.id
        for line in own:
            assert _digits(person.phone) in _digits(line)
            if person.email:
                assert person.email in line


CASES = Path(__file__).parents[1] / "cases"


def test_every_scheme_has_its_case_file_and_every_decision_quotes_the_seed(seed: str) -> None:
    files = sorted(CASES.glob("*.yml"))
    assert {f.stem for f in files} == set(SCHEME_IDS)
    flat = " ".join(seed.split())
    for file in files:
        decisions = yaml.safe_load(file.read_text(encoding="utf-8"))["decisions"]
        assert decisions, file.name
        for decision in decisions:
            assert " ".join(decision["seed"].split()) in flat, (file.name, decision["seed"])
