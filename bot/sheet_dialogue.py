"""Filling a prescription sheet in the conversation: which field next, reading each answer.

Pure: the state lives in slots (values encoded as JSON by `bot.prescription.fields`); the
actions call these functions and send `bot.answers.sheet` replies.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from bot.prescription.fields import Field, asked_fields, decode_values, encode_values, prefill
from bot.prescription.models import age_on
from bot.prescription.validation import FieldError, parse

ASE_SITUATIONS = frozenset({"ase_confie", "ase_sorti", "mna"})
AUTHORS = ("jeune", "professionnel")


def sheet_type_for(situations: Iterable[str]) -> str:
    """A "graine de" sheet; after dropping out of "graine de", the mandatory re-orientation sheet:
    Coordo ASE for a young person of the ASE, Coach jeunesse otherwise."""
    applying = set(situations)
    if "abandon_graine_de" in applying:
        return "coordo_ase" if applying & ASE_SITUATIONS else "coach_jeunesse"
    return "graine_de"


@dataclass(frozen=True)
class SheetState:
    sheet_type: str
    role: str                                   # "jeune" or "professionnel"
    values: Mapping[str, Any] = field(default_factory=dict)   # decoded values
    skipped: frozenset[str] = frozenset()       # optional fields the person chose not to answer

    @classmethod
    def start(cls, role: str | None, age: int | None, commune: str | None, situations: Iterable[str],
              absent: Iterable[str]) -> SheetState:
        author = role if role in AUTHORS else "jeune"
        situations = list(situations)
        return cls(sheet_type_for(situations), author, prefill(author, age, commune, situations, absent))

    @classmethod
    def from_slots(cls, sheet_type: str, role: str, encoded: Mapping[str, Any] | None,
                   skipped: Iterable[str] | None) -> SheetState:
        return cls(sheet_type, role, decode_values(encoded or {}), frozenset(skipped or ()))

    def encoded(self) -> dict[str, Any]:
        return encode_values(self.values)

    def age(self, today: dt.date) -> int | None:
        born = self.values.get("date_naissance")
        return age_on(born, today) if isinstance(born, dt.date) else None

    def fields(self, today: dt.date) -> tuple[Field, ...]:
        """The fields to ask, in order (the legal representative appears once a minor's date of birth
        is known; the prescriber for a professional)."""
        return asked_fields(self.sheet_type, self.role, self.age(today))

    def next_field(self, today: dt.date) -> Field | None:
        for candidate in self.fields(today):
            if candidate.id not in self.values and candidate.id not in self.skipped:
                return candidate
        return None

    def answer(self, target: Field, text: str, today: dt.date) -> SheetState:
        """Record the answer to `target`; raises FieldError (the French re-ask) when it cannot."""
        value = parse(target, text, today)
        return replace(self, values={**self.values, target.id: value}, skipped=self.skipped - {target.id})

    def skip(self, target: Field) -> SheetState:
        """Leave an optional field empty; a required one cannot be skipped."""
        if target.required:
            raise FieldError("Cette information est nécessaire pour la fiche.", "obligatoire")
        return replace(self, skipped=self.skipped | {target.id})

    def clear(self, target: Field) -> SheetState:
        """Forget a value to ask it again (a correction)."""
        return replace(self, values={k: v for k, v in self.values.items() if k != target.id},
                       skipped=self.skipped - {target.id})


def find_field(text: str, fields: Iterable[Field]) -> Field | None:
    """The field a person names to correct it ("le téléphone", "ma date de naissance")."""
    from bot.text import normalize

    wanted = normalize(text)
    if not wanted:
        return None
    candidates = list(fields)
    for candidate in candidates:
        if candidate.id == text.strip() or normalize(candidate.label) == wanted:
            return candidate
    named = [c for c in candidates if normalize(c.label) in wanted or wanted in normalize(c.label)]
    return named[0] if len(named) == 1 else None
