"""The fields of a prescription sheet, in the order of the form, with their French labels.

Until the Département supplies its own form, the three sheet types share these fields. Which
fields a sheet has depends on the author's role (a professional adds the prescriber section) and
the young person's age (under 18: the legal representative section). `fields_for` gives them;
the chat asks the `asked` ones in order and skips what `prefill` already knows.

Values (what `validation` returns and `Sheet.values` holds): `dt.date` for the date of birth,
`PartialDate` for the school-leaving date, `bool` for yes/no, the INSEE code (`str`) for the
commune, `str` otherwise. Derived fields (age, territory, SLAI, dates, consent) are not in the
values: the sheet computes them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from bot.prescription.models import MAJORITY_AGE, Sheet, SheetType

# Kinds of field: how the value is validated, stored and shown.
NAME = "nom"
TEXT = "texte"
BIRTH_DATE = "date_naissance"
SCHOOL_DATE = "date_ou_mois"
PHONE = "telephone"
EMAIL = "email"
COMMUNE = "commune"
YES_NO = "oui_non"
DERIVED = "calcule"    # computed from other values (age, territory, SLAI)
RECORDED = "enregistre"  # recorded by the system (dates, consent)
KINDS = (NAME, TEXT, BIRTH_DATE, SCHOOL_DATE, PHONE, EMAIL, COMMUNE, YES_NO, DERIVED, RECORDED)

SECTIONS: Mapping[str, str] = {
    "jeune": "Le ou la jeune",
    "scolarite": "Scolarité et situation professionnelle",
    "accompagnement": "Accompagnement actuel",
    "difficultes": "Difficultés repérées",
    "souhaits": "Souhaits",
    "disponibilites": "Disponibilités",
    "representant": "Représentant légal",
    "prescripteur": "Prescripteur",
    "slai": "SLAI du territoire",
    "suivi": "Dates et consentement",
}


@dataclass(frozen=True)
class Field:
    id: str
    label: str
    section: str
    kind: str
    required: bool = True
    personal: bool = True  # about an identifiable person (the young person, their representative, the prescriber)

    @property
    def asked(self) -> bool:
        """Asked in the conversation (otherwise computed or recorded)."""
        return self.kind not in (DERIVED, RECORDED)


@dataclass(frozen=True, order=True)
class PartialDate:
    """A date known to the year, the month or the day ("2023", "juin 2024", "15/06/2024")."""

    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        if self.day is not None and self.month is None:
            raise ValueError("a day needs a month")
        dt.date(self.year, self.month or 1, self.day or 1)  # raises ValueError when impossible

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month or 1, self.day or 1)

    def iso(self) -> str:
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    @classmethod
    def from_iso(cls, text: str) -> PartialDate:
        parts = [int(part) for part in text.split("-")]
        return cls(*parts)

    def french(self) -> str:
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.month:02d}/{self.year:04d}"
        return f"{self.day:02d}/{self.month:02d}/{self.year:04d}"


_YOUNG = (
    Field("nom", "Nom", "jeune", NAME),
    Field("prenom", "Prénom", "jeune", NAME),
    Field("date_naissance", "Date de naissance", "jeune", BIRTH_DATE),
    Field("age", "Âge", "jeune", DERIVED),
    Field("commune", "Commune", "jeune", COMMUNE),
    Field("territoire", "Territoire", "jeune", DERIVED, personal=False),
    Field("telephone", "Téléphone", "jeune", PHONE),
    Field("email", "E-mail", "jeune", EMAIL, required=False),
)
_SCHOOL = (
    Field("derniere_classe", "Dernière classe ou diplôme", "scolarite", TEXT),
    Field("date_sortie_scolaire", "Date de sortie du système scolaire", "scolarite", SCHOOL_DATE),
    Field("situation_actuelle", "Situation actuelle", "scolarite", TEXT),
)
_SUPPORT = (
    Field("mission_locale", "Suivi par une mission locale", "accompagnement", YES_NO),
    Field("cej", "En CEJ (contrat d'engagement jeune)", "accompagnement", YES_NO),
    Field("pacea", "En PACEA", "accompagnement", YES_NO),
    Field("ase", "Confié(e) ou sorti(e) de l'ASE", "accompagnement", YES_NO),
    Field("referent_ase_mds", "Référent ASE et MDS", "accompagnement", TEXT, required=False),
    Field("rsa", "Bénéficiaire du RSA", "accompagnement", YES_NO),
)
_DIFFICULTIES = (
    Field("difficulte_mobilite", "Mobilité", "difficultes", YES_NO),
    Field("difficulte_logement", "Logement", "difficultes", YES_NO),
    Field("difficulte_sante", "Santé", "difficultes", YES_NO),
    Field("difficulte_budget", "Budget", "difficultes", YES_NO),
    Field("difficulte_confiance", "Confiance en soi", "difficultes", YES_NO),
    Field("difficulte_autre", "Autre difficulté", "difficultes", TEXT, required=False),
)
_WISHES = (Field("souhaits", "Métiers ou secteurs souhaités", "souhaits", TEXT),)
_AVAILABILITY = (Field("disponibilites", "Disponibilités", "disponibilites", TEXT),)
_REPRESENTATIVE = (
    Field("representant_nom", "Nom du représentant légal", "representant", NAME),
    Field("representant_telephone", "Téléphone du représentant légal", "representant", PHONE),
    Field("representant_informe", "Représentant légal informé", "representant", YES_NO),
)
_PRESCRIBER = (
    Field("prescripteur_structure", "Structure", "prescripteur", TEXT, personal=False),
    Field("prescripteur_nom", "Nom du prescripteur", "prescripteur", NAME),
    Field("prescripteur_telephone", "Téléphone du prescripteur", "prescripteur", PHONE),
    Field("prescripteur_email", "E-mail du prescripteur", "prescripteur", EMAIL),
)
_SLAI = (Field("slai", "SLAI du territoire", "slai", DERIVED, personal=False),)
_FOLLOW_UP = (
    Field("date_creation", "Date de création", "suivi", RECORDED, personal=False),
    Field("date_transmission", "Date de transmission", "suivi", RECORDED, required=False, personal=False),
    Field("consentement", "Consentement recueilli le", "suivi", RECORDED, personal=False),
)

ALL_FIELDS: tuple[Field, ...] = (
    *_YOUNG, *_SCHOOL, *_SUPPORT, *_DIFFICULTIES, *_WISHES, *_AVAILABILITY,
    *_REPRESENTATIVE, *_PRESCRIBER, *_SLAI, *_FOLLOW_UP,
)
FIELDS_BY_ID: Mapping[str, Field] = {f.id: f for f in ALL_FIELDS}


def field(field_id: str) -> Field:
    return FIELDS_BY_ID[field_id]


def fields_for(sheet_type: SheetType | str, role: str, age: int | None) -> tuple[Field, ...]:
    """The fields of a sheet, in order: with the legal representative when `age` < 18 (an unknown
    age leaves them out: ask the date of birth first), with the prescriber when `role` is
    "professionnel". A professional may leave the young person's phone empty."""
    SheetType(sheet_type)  # raises ValueError for an unknown type
    if role not in ("jeune", "professionnel"):
        raise ValueError(f"role must be jeune or professionnel, not {role!r}")
    chosen: list[Field] = []
    for f in ALL_FIELDS:
        if f.section == "representant" and (age is None or age >= MAJORITY_AGE):
            continue
        if f.section == "prescripteur" and role != "professionnel":
            continue
        if f.id == "telephone" and role == "professionnel":
            f = replace(f, required=False)
        chosen.append(f)
    return tuple(chosen)


def asked_fields(sheet_type: SheetType | str, role: str, age: int | None) -> tuple[Field, ...]:
    """The fields the conversation asks, in order; never the RSA to a minor (`prefill` says no)."""
    return tuple(f for f in fields_for(sheet_type, role, age)
                 if f.asked and not (f.id == "rsa" and _minor(age)))


def _minor(age: int | None) -> bool:
    return age is not None and age < MAJORITY_AGE


def missing_fields(fields: Iterable[Field], values: Mapping[str, Any]) -> tuple[Field, ...]:
    """The required asked fields without a value."""
    return tuple(f for f in fields if f.asked and f.required and values.get(f.id) in (None, ""))


# --- pre-filling from the orientation ---------------------------------------------------------

# Orientation situation → (field, value when the situation applies).
_FROM_SITUATIONS: Mapping[str, tuple[tuple[str, bool], ...]] = {
    "cej": (("cej", True),),
    "pacea": (("pacea", True), ("mission_locale", True)),
    "ase_confie": (("ase", True),),
    "ase_sorti": (("ase", True),),
    "rsa": (("rsa", True),),
    "sans_logement": (("difficulte_logement", True),),
    "maintien_logement_difficile": (("difficulte_logement", True),),
    "sans_ressources": (("difficulte_budget", True),),
}
# Situations whose absence settles a field: the field is "non" when every one of them is absent.
_ABSENT_MEANS_NO: Mapping[str, tuple[str, ...]] = {
    "cej": ("cej",),
    "pacea": ("pacea",),
    "rsa": ("rsa",),
    "ase": ("ase_confie", "ase_sorti"),
}
_CURRENT_SITUATION = {
    "neet": "sans emploi, sans études et sans formation",
    "apprentissage": "en apprentissage",
}


def prefill(
    role: str,
    age: int | None,
    commune: str | None,
    situations: Iterable[str],
    absent: Iterable[str] = (),
) -> dict[str, Any]:
    """Field values that the orientation already knows, so they are not asked again.

    `commune` is what the orientation kept (a name, a postal or INSEE code, "insee:62193"); it is
    pre-filled only when it designates one commune of the 62. `situations` are those that apply,
    `absent` those the person said do not apply. The age decides which fields exist
    (`fields_for`) but is not a value: the date of birth is still asked.
    """
    from bot.prescription.validation import FieldError, parse_commune

    values: dict[str, Any] = {}
    if commune:
        try:
            values["commune"] = parse_commune(commune).insee
        except FieldError:
            pass
    applying = set(situations)
    for situation in sorted(applying):
        for field_id, value in _FROM_SITUATIONS.get(situation, ()):
            values[field_id] = value
    ruled_out = set(absent) - applying
    for field_id, needed in _ABSENT_MEANS_NO.items():
        if field_id not in values and all(s in ruled_out for s in needed):
            values[field_id] = False
    if _minor(age) and "rsa" not in values:
        values["rsa"] = False  # the RSA is for adults: not asked of a minor
    current = [text for situation, text in _CURRENT_SITUATION.items() if situation in applying]
    if current:
        values["situation_actuelle"] = " ; ".join(current)
    return values


# --- values: storage and display --------------------------------------------------------------

def encode_value(f: Field, value: Any) -> Any:
    """A value as JSON (what is encrypted); raises TypeError for a value of the wrong type."""
    if value is None:
        return None
    if f.kind == BIRTH_DATE and isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    if f.kind == SCHOOL_DATE and isinstance(value, PartialDate):
        return value.iso()
    if f.kind == YES_NO and isinstance(value, bool):
        return value
    if f.kind in (NAME, TEXT, PHONE, EMAIL, COMMUNE) and isinstance(value, str):
        return value
    raise TypeError(f"field {f.id}: unexpected {type(value).__name__}")


def decode_value(f: Field, raw: Any) -> Any:
    if raw is None:
        return None
    if f.kind == BIRTH_DATE:
        return dt.date.fromisoformat(raw)
    if f.kind == SCHOOL_DATE:
        return PartialDate.from_iso(raw)
    return raw


def encode_values(values: Mapping[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(values) - {f.id for f in ALL_FIELDS if f.asked})
    if unknown:
        raise KeyError(f"unknown or computed fields: {', '.join(unknown)}")
    return {key: encode_value(FIELDS_BY_ID[key], value) for key, value in values.items() if value is not None}


def decode_values(raw: Mapping[str, Any]) -> dict[str, Any]:
    return {key: decode_value(FIELDS_BY_ID[key], value) for key, value in raw.items() if key in FIELDS_BY_ID}


def commune_name(insee: str) -> str:
    from bot.communes import communes

    found = communes().by_insee(insee)
    return found.name if found is not None else insee


def territory_name(territory: str) -> str:
    from bot.knowledge import knowledge

    known = knowledge().territories.get(territory)
    return known.name if known is not None else territory


def slai_contact(territory: str) -> str:
    """"SLAI de l'Arrageois : Sandra Cuvillier, 03 21 15 21 10" (the seed may give no name)."""
    from bot.knowledge import knowledge

    known = knowledge().territories.get(territory)
    if known is None:
        return ""
    who = f"{known.slai.name}, " if known.slai.name else ""
    return f"SLAI {known.of_name} : {who}{known.slai.phone}"


def display_value(f: Field, value: Any, with_time: bool = False) -> str:
    """A value as French text for a summary, the PDF or the CSV ("" when missing).

    Dates are dd/mm/yyyy (a moment in Europe/Paris, with "à HH:MM" if `with_time`).
    """
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        from bot.clock import PARIS

        local = value.astimezone(PARIS)
        day = f"{local.day:02d}/{local.month:02d}/{local.year:04d}"
        return f"{day} à {local.hour:02d}:{local.minute:02d}" if with_time else day
    if f.id == "age" and isinstance(value, int):
        return f"{value} ans"
    if isinstance(value, dt.date):
        return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"
    if isinstance(value, PartialDate):
        return value.french()
    if isinstance(value, bool):
        return "oui" if value else "non"
    if f.kind == COMMUNE:
        return commune_name(value)
    return str(value)


def summary(fields: Iterable[Field], values: Mapping[str, Any]) -> list[tuple[Field, str]]:
    """(field, shown value) of the asked fields, for the summary the person confirms."""
    return [(f, display_value(f, values.get(f.id))) for f in fields if f.asked]


def value_of(sheet: Sheet, f: Field) -> Any:
    """The value of any field of a saved sheet, derived and recorded ones included."""
    derived: dict[str, Callable[[], Any]] = {
        "age": lambda: sheet.age,
        "territoire": lambda: territory_name(sheet.territory),
        "slai": lambda: slai_contact(sheet.territory),
        "date_creation": lambda: sheet.created_at,
        "date_transmission": lambda: sheet.transmitted_at,
        "consentement": lambda: sheet.consent_at,
    }
    return derived[f.id]() if f.id in derived else sheet.values.get(f.id)


def sheet_fields(sheet: Sheet) -> tuple[Field, ...]:
    """The fields of a saved sheet (its type, its author's role, the young person's age)."""
    return fields_for(sheet.sheet_type, sheet.role, sheet.age)
