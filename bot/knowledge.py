"""Load and validate `knowledge/` into typed objects: the one source of every fact.

A malformed file fails at load with a message naming the file and the field. Everything
is read once, lazily (`knowledge()`), never at import time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, Field, ValidationError, root_validator, validator

from bot.eligibility.conditions import (
    Condition,
    ConditionError,
    ResidenceCondition,
    StructureTypeCondition,
    parse_condition,
    walk,
)
from bot.paths import KNOWLEDGE_DIR

SCHEME_IDS: tuple[str, ...] = (
    "faj_co", "graine_de", "coordo_ase", "cllaj",
    "accompagnement_logement", "logement_primo_locataires", "solutions_logement",
)
TERRITORY_IDS: tuple[str, ...] = (
    "arrageois", "artois", "audomarois", "boulonnais", "calaisis",
    "henin_carvin", "lens_lievin", "montreuillois", "ternois",
)
ROLES: tuple[str, ...] = ("jeune", "professionnel", "structure")


class KnowledgeError(ValueError):
    """A knowledge file is missing or malformed."""


class Model(BaseModel):
    class Config:
        extra = "forbid"
        allow_mutation = False
        keep_untouched = (cached_property,)


# --- vocabulary -------------------------------------------------------------------------

class Term(Model):
    id: str
    label: str
    button: str | None = Field(None, max_length=20)  # its button in a question that asks several at once
    question: str | None = None      # to a young person ("tu")
    question_pro: str | None = None  # to a professional, about the young person ("vous")
    inverted: bool = False           # "oui" to the question means the situation does not apply
    presumed_note: str | None = None  # said in results when the situation is presumed absent, not asked
    aliases: list[str] = Field(default_factory=list)


class Question(Model):
    jeune: str | None = None
    pro: str | None = None


class Need(Model):
    """What a person looks for; `schemes` answer it, the best fit first."""

    id: str
    label: str
    button: str = Field(max_length=20)
    situations: list[str]
    schemes: list[str]
    aliases: list[str] = Field(default_factory=list)

    @validator("schemes", each_item=True)
    def known_scheme(cls, value: str) -> str:  # noqa: N805 (pydantic)
        if value not in SCHEME_IDS:
            raise ValueError(f"dispositif inconnu {value!r}")
        return value


class QuestionGroup(Model):
    """One question for several situations (a button each, and `none` for none of them)."""

    id: str
    situations: list[str]
    yes_means: str
    none: str = Field(max_length=20)
    jeune: str
    pro: str

    @root_validator(skip_on_failure=True)
    def yes_is_one_of_them(cls, values: dict[str, Any]) -> dict[str, Any]:  # noqa: N805 (pydantic)
        if values["yes_means"] not in values["situations"]:
            raise ValueError(f"yes_means {values['yes_means']!r} n'est pas une des situations du groupe")
        return values


class Vocabulary(Model):
    situations: list[Term]
    structure_types: list[Term]
    questions: dict[str, Question]
    needs: list[Need]
    question_groups: list[QuestionGroup]
    roles: list[Term]
    glossary: dict[str, str]

    @root_validator(skip_on_failure=True)
    def situations_exist(cls, values: dict[str, Any]) -> dict[str, Any]:  # noqa: N805 (pydantic)
        known = {t.id for t in values["situations"]}
        buttons = {t.id for t in values["situations"] if t.button}
        for need in values["needs"]:
            for situation in need.situations:
                if situation not in known:
                    raise ValueError(f"needs[{need.id}] : situation inconnue {situation!r}")
        for group in values["question_groups"]:
            for situation in group.situations:
                if situation not in buttons:
                    raise ValueError(f"question_groups[{group.id}] : situation inconnue ou sans bouton {situation!r}")
        return values

    @validator("situations", "structure_types", "roles")
    def unique_ids(cls, terms: list[Term]) -> list[Term]:
        ids = [t.id for t in terms]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"identifiants en double : {', '.join(duplicates)}")
        return terms

    @cached_property
    def situation_ids(self) -> tuple[str, ...]:
        return tuple(t.id for t in self.situations)

    @cached_property
    def structure_type_ids(self) -> tuple[str, ...]:
        return tuple(t.id for t in self.structure_types)

    def situation(self, situation_id: str) -> Term:
        return next(t for t in self.situations if t.id == situation_id)

    @cached_property
    def need_ids(self) -> tuple[str, ...]:
        return tuple(n.id for n in self.needs)

    def need(self, need_id: str) -> Need:
        return next(n for n in self.needs if n.id == need_id)

    def group(self, group_id: str) -> QuestionGroup:
        return next(g for g in self.question_groups if g.id == group_id)

    def structure_type(self, type_id: str) -> Term:
        return next(t for t in self.structure_types if t.id == type_id)


# --- territories and the Département ----------------------------------------------------

class SlaiContact(Model):
    name: str | None
    phone: str


class Territory(Model):
    id: str
    name: str
    of_name: str  # "de l'Arrageois", "du Boulonnais": for "le SLAI de l'Arrageois"
    aliases: list[str]
    slai: SlaiContact

    @validator("id")
    def known_id(cls, value: str) -> str:
        if value not in TERRITORY_IDS:
            raise ValueError(f"territoire inconnu {value!r} (voir CONVENTIONS.md)")
        return value


class Territories(Model):
    source: str
    territories: list[Territory]

    @validator("territories")
    def all_nine(cls, value: list[Territory]) -> list[Territory]:
        if tuple(t.id for t in value) != TERRITORY_IDS:
            raise ValueError(f"les 9 territoires sont attendus, dans l'ordre {', '.join(TERRITORY_IDS)}")
        return value


class Service(Model):
    name: str
    explain: str | None = None


class Person(Model):
    id: str
    name: str
    role: str | None = None
    service: str
    phone: str
    email: str | None = None
    source: str


class Departement(Model):
    name: str
    services: dict[str, Service]
    contacts: list[Person]

    @root_validator(skip_on_failure=True)
    def services_exist(cls, values: dict[str, Any]) -> dict[str, Any]:
        for person in values["contacts"]:
            if person.service not in values["services"]:
                raise ValueError(f"contacts[{person.id}].service : service inconnu {person.service!r}")
        return values

    def person(self, person_id: str) -> Person:
        return next(p for p in self.contacts if p.id == person_id)


# --- external facts ---------------------------------------------------------------------

class EmergencyNumber(Model):
    id: str
    number: str
    name: str
    when: str
    details: str
    source: str
    url: str
    verified_on: dt.date


class RsaAge(Model):
    age_min: int
    source: str
    url: str
    verified_on: dt.date


class External(Model):
    emergency_numbers: list[EmergencyNumber]
    rsa: RsaAge


class Commitments(Model):
    """Service commitments the project proposes (service.yml): not seed facts, not official ones."""

    status: str
    callback_working_days: int
    resume_phrases: list[str]

    @validator("callback_working_days")
    def positive(cls, value: int) -> int:  # noqa: N805 (pydantic)
        if not 1 <= value <= 10:
            raise ValueError("un délai de 1 à 10 jours ouvrés")
        return value


# --- schemes ----------------------------------------------------------------------------

class Sourced(Model):
    text: str
    source: str


class Rule(Model):
    """`require` must hold whenever `when` holds (a rule without `when` always applies)."""

    id: str
    require: Any
    when: Any = None
    pass_: str | None = Field(None, alias="pass")
    fail: str

    class Config:
        allow_population_by_field_name = True


class Check(Model):
    """Something a human must confirm; shown when `when` holds (always without `when`)."""

    text: str
    when: Any = None


class Public(Model):
    text: str
    short: str          # the same in a few words, for answers that list every scheme
    source: str
    rules: list[Rule]
    checks: list[Check] = Field(default_factory=list)


class Carriers(Model):
    text: str
    source: str
    eligible: list[str]
    to_confirm: list[str] = Field(default_factory=list)
    to_confirm_note: str | None = None
    settled_by: str | None = "structure_accompagnement_jeunes"
    attention: list[str] = Field(default_factory=list)

    @root_validator(skip_on_failure=True)
    def note_with_to_confirm(cls, values: dict[str, Any]) -> dict[str, Any]:
        if values["to_confirm"] and not values["to_confirm_note"]:
            raise ValueError("to_confirm_note est obligatoire quand to_confirm n'est pas vide")
        return values


class ListSection(Model):
    source: str
    items: list[str]


class Phase(Model):
    title: str
    text: str


class Phases(Model):
    source: str
    items: list[Phase]


class Procedure(Model):
    id: str
    text: str
    mandatory: bool
    for_young: bool = False  # also worth telling a young person (otherwise for structures only)
    source: str


class Procedures(Model):
    items: list[Procedure]


class Session(Model):
    opens: dt.date
    closes: dt.date

    @root_validator(skip_on_failure=True)
    def ordered(cls, values: dict[str, Any]) -> dict[str, Any]:
        if values["opens"] > values["closes"]:
            raise ValueError("la date d'ouverture suit la date de clôture")
        return values


class Call(Model):
    source: str
    channel: str
    sessions: list[Session]


class Period(Model):
    source: str
    text: str
    for_young: str | None = None  # what to tell young people when the period has no dates
    start: dt.date | None = None
    end: dt.date | None = None
    duration_months: int | None = None
    extension_months: int | None = None

    @root_validator(skip_on_failure=True)
    def both_or_none(cls, values: dict[str, Any]) -> dict[str, Any]:
        if (values["start"] is None) != (values["end"] is None):
            raise ValueError("start et end vont ensemble")
        if values["start"] and values["start"] > values["end"]:
            raise ValueError("start suit end")
        return values


class MoneyItem(Model):
    text: str
    amount_eur: int | None = None
    rate_percent: int | None = None
    per: str | None = None


class Funding(Model):
    source: str
    short: str          # in a few words, for answers that list every scheme
    text: str
    budget_reserve: bool = False
    envelope_eur: int | None = None
    items: list[MoneyItem]
    not_fundable: list[str] = Field(default_factory=list)
    annexes: list[str] = Field(default_factory=list)
    max_years: int | None = None
    conditions: list[str] = Field(default_factory=list)


class Payment(Model):
    source: str
    items: list[MoneyItem]


class CharterItem(Model):
    title: str
    points: int
    kind: Literal["bonus", "malus"] | None = None


class CharterGroup(Model):
    title: str
    points: int
    items: list[CharterItem]


class Charter(Model):
    source: str
    text: str
    share_percent: int
    total_points: int
    groups: list[CharterGroup]


class FinalReport(Model):
    text: str
    deadline_months: int | None = None
    contents: list[str] = Field(default_factory=list)


class Evaluation(Model):
    source: str
    followup: list[str] = Field(default_factory=list)
    final_report: FinalReport
    indicators: list[str] = Field(default_factory=list)
    charter: Charter | None = None


class Entry(Model):
    service: Literal["slai", "logement"]
    text: str


class Scheme(Model):
    id: str
    title: str
    short_title: str
    button_title: str = Field(max_length=20)  # Messenger cuts button titles beyond 20 characters
    the_name: str                              # with its article, for sentences: "le FAJ Co"
    kind: Literal["jeunesse", "logement"]
    aliases: list[str]
    summary: Sourced
    pitch: str = Field(max_length=130)  # one line on what it brings, for results
    public: Public
    carriers: Carriers
    themes: ListSection | None = None
    objectives: ListSection | None = None
    phases: Phases | None = None
    procedures: Procedures
    call: Call
    period: Period
    funding: Funding
    payment: Payment
    evaluation: Evaluation
    expected_results: ListSection | None = None
    entry: Entry
    contacts: list[str]
    volumes: str  # how many young people, places or projects the seed sets
    contents: Sourced  # what the measure or the project contains, in a few lines
    context: Sourced | None = None  # the law or the situation the scheme answers, when the seed gives it
    cost_for_young: Sourced  # what the young person pays (nothing, or a rent): "on doit payer ?"

    # Parsed conditions, filled by the loader once the vocabulary is known.
    _rules: tuple[tuple[Rule, Condition | None, Condition], ...] = ()
    _checks: tuple[tuple[Check, Condition | None], ...] = ()

    class Config:
        underscore_attrs_are_private = True

    @property
    def rules(self) -> tuple[tuple[Rule, Condition | None, Condition], ...]:
        """(rule, when, require) for a young person's profile."""
        return self._rules

    @property
    def checks(self) -> tuple[tuple[Check, Condition | None], ...]:
        return self._checks

    @cached_property
    def carrier_condition(self) -> StructureTypeCondition:
        return StructureTypeCondition(
            tuple(self.carriers.eligible), tuple(self.carriers.to_confirm),
            self.carriers.settled_by if self.carriers.to_confirm else None,
        )

    @property
    def plural(self) -> bool:
        """Whether its name takes a plural verb ("les CLLAJ peuvent…")."""
        return self.the_name.startswith("les ")

    @property
    def requires_residence(self) -> bool:
        return any(
            isinstance(c, ResidenceCondition)
            for _, _, require in self._rules for c in walk(require)
        )


class Knowledge:
    """Every fact of `knowledge/`, validated. Build it with `load_knowledge` or `knowledge()`."""

    def __init__(self, schemes: dict[str, Scheme], territories: Territories, departement: Departement,
                 vocabulary: Vocabulary, external: External, service: Commitments) -> None:
        self.schemes = schemes
        self.territories = {t.id: t for t in territories.territories}
        self.territories_source = territories.source
        self.departement = departement
        self.vocabulary = vocabulary
        self.external = external
        self.service = service

    def scheme(self, scheme_id: str) -> Scheme:
        return self.schemes[scheme_id]

    def territory(self, territory_id: str) -> Territory:
        return self.territories[territory_id]


# --- loading ----------------------------------------------------------------------------

def _read_yaml(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.load(handle, Loader=yaml.CSafeLoader)
    except FileNotFoundError as exc:
        raise KnowledgeError(f"{path} : fichier introuvable") from exc
    except yaml.YAMLError as exc:
        raise KnowledgeError(f"{path} : YAML invalide : {exc}") from exc


def _validate(model: type[Model], path: Path) -> Any:
    data = _read_yaml(path)
    if not isinstance(data, Mapping):
        raise KnowledgeError(f"{path} : un objet YAML est attendu à la racine")
    try:
        return model.parse_obj(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"])
        raise KnowledgeError(f"{path} : champ {field} : {first['msg']}") from exc


def _attach_conditions(scheme: Scheme, vocabulary: Vocabulary, path: Path) -> None:
    situation_ids = frozenset(vocabulary.situation_ids)
    try:
        rules = tuple(
            (
                rule,
                None if rule.when is None else parse_condition(rule.when, f"public.rules[{i}].when", situation_ids),
                parse_condition(rule.require, f"public.rules[{i}].require", situation_ids),
            )
            for i, rule in enumerate(scheme.public.rules)
        )
        checks = tuple(
            (check, None if check.when is None else parse_condition(check.when, f"public.checks[{i}].when",
                                                                       situation_ids))
            for i, check in enumerate(scheme.public.checks)
        )
    except ConditionError as exc:
        raise KnowledgeError(f"{path} : champ {exc}") from exc
    object.__setattr__(scheme, "_rules", rules)
    object.__setattr__(scheme, "_checks", checks)


def _check_references(scheme: Scheme, knowledge_parts: tuple[Vocabulary, Departement], path: Path) -> None:
    vocabulary, departement = knowledge_parts
    types = set(vocabulary.structure_type_ids)
    for field in ("eligible", "to_confirm"):
        for i, type_id in enumerate(getattr(scheme.carriers, field)):
            if type_id not in types:
                raise KnowledgeError(f"{path} : champ carriers.{field}[{i}] : type de structure inconnu {type_id!r}")
    people = {p.id for p in departement.contacts}
    for i, person in enumerate(scheme.contacts):
        if person not in people:
            raise KnowledgeError(f"{path} : champ contacts[{i}] : contact inconnu {person!r} (departement.yml)")


def load_knowledge(directory: Path = KNOWLEDGE_DIR) -> Knowledge:
    vocabulary = _validate(Vocabulary, directory / "vocabulary.yml")
    departement = _validate(Departement, directory / "departement.yml")
    schemes: dict[str, Scheme] = {}
    for scheme_id in SCHEME_IDS:
        path = directory / "schemes" / f"{scheme_id}.yml"
        scheme = _validate(Scheme, path)
        if scheme.id != scheme_id:
            raise KnowledgeError(f"{path} : champ id : {scheme.id!r} au lieu de {scheme_id!r}")
        _attach_conditions(scheme, vocabulary, path)
        _check_references(scheme, (vocabulary, departement), path)
        schemes[scheme_id] = scheme
    extra = sorted(p.stem for p in (directory / "schemes").glob("*.yml") if p.stem not in SCHEME_IDS)
    if extra:
        raise KnowledgeError(f"{directory / 'schemes'} : dispositif(s) non déclaré(s) dans SCHEME_IDS : {extra}")
    return Knowledge(
        schemes=schemes,
        territories=_validate(Territories, directory / "territories.yml"),
        departement=departement,
        vocabulary=vocabulary,
        external=_validate(External, directory / "external.yml"),
        service=_validate(Commitments, directory / "service.yml"),
    )


@lru_cache(maxsize=1)
def knowledge() -> Knowledge:
    """The project's knowledge, loaded once."""
    return load_knowledge()
