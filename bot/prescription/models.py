"""Prescription sheets: their types, statuses and workflow, the tables, and the decrypted view.

Tables (schema `cj62`, see migrations 0001):
- `sheets`: one row per sheet. Everything the person typed is in `data`, one Fernet token of
  the JSON of the field values; the clear columns are what listing, search and retention need
  and say nothing about the person: reference, type, role of the author, status, territory,
  dates, flags, and blind indexes (keyed HMACs) of the last name, the phone and the
  conversation's sender id.
- `sheet_status_changes`: every status change (from, to, who, when, an encrypted comment).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import relationship

from bot.clock import PARIS
from bot.storage.base import Base, UtcDateTime, table

REFERENCE_PREFIX = "PR"
REFERENCE_SEQUENCE = "sheet_reference"
# The SLAI must look at a minor's sheet whose legal representative has not been informed.
FLAG_REPRESENTATIVE_NOT_INFORMED = "representant_legal_non_informe"
FLAG_LABELS = {FLAG_REPRESENTATIVE_NOT_INFORMED: "mineur, représentant légal non informé"}
MAJORITY_AGE = 18

# Who changes a status: the young person, the professional who prescribes, or an adviser
# (their account id, a string). Free text never goes here.
ACTOR_YOUNG = "jeune"
ACTOR_PROFESSIONAL = "professionnel"
MAX_ACTOR_LENGTH = 64


class SheetType(str, Enum):
    GRAINE_DE = "graine_de"
    COORDO_ASE = "coordo_ase"
    COACH_JEUNESSE = "coach_jeunesse"

    @property
    def label(self) -> str:
        return _TYPE_LABELS[self]


_TYPE_LABELS = {
    SheetType.GRAINE_DE: "Fiche de prescription « graine de »",
    SheetType.COORDO_ASE: "Fiche de prescription Coordo ASE",
    SheetType.COACH_JEUNESSE: "Fiche de prescription Coach jeunesse",
}


class SheetStatus(str, Enum):
    BROUILLON = "brouillon"
    TRANSMISE = "transmise"
    VALIDEE = "validee"
    REFUSEE = "refusee"

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]


_STATUS_LABELS = {
    SheetStatus.BROUILLON: "brouillon",
    SheetStatus.TRANSMISE: "transmise au SLAI",
    SheetStatus.VALIDEE: "validée",
    SheetStatus.REFUSEE: "refusée",
}

# The workflow: the young person (or the professional) transmits; the SLAI validates or refuses,
# and may send a sheet back to draft for a correction or re-examine a decision.
TRANSITIONS: Mapping[SheetStatus, frozenset[SheetStatus]] = {
    SheetStatus.BROUILLON: frozenset({SheetStatus.TRANSMISE, SheetStatus.REFUSEE}),
    SheetStatus.TRANSMISE: frozenset({SheetStatus.VALIDEE, SheetStatus.REFUSEE, SheetStatus.BROUILLON}),
    SheetStatus.VALIDEE: frozenset({SheetStatus.TRANSMISE}),
    SheetStatus.REFUSEE: frozenset({SheetStatus.TRANSMISE}),
}

AUTHOR_ROLES = ("jeune", "professionnel")


class SheetError(ValueError):
    """A sheet cannot be saved or changed as asked (French message, never a personal value)."""


class SheetNotFound(SheetError):
    pass


# --- tables -----------------------------------------------------------------------------------

class SheetRecord(Base):
    __tablename__ = "sheets"

    id = sa.Column(sa.Integer, primary_key=True)
    reference = sa.Column(sa.String(32), nullable=False, unique=True)
    sheet_type = sa.Column(sa.String(32), nullable=False)
    role = sa.Column(sa.String(32), nullable=False)
    status = sa.Column(sa.String(32), nullable=False, index=True)
    territory = sa.Column(sa.String(32), nullable=False, index=True)
    data = sa.Column(sa.Text, nullable=False)
    name_index = sa.Column(sa.String(64), nullable=False, index=True)
    phone_index = sa.Column(sa.String(64), nullable=True, index=True)
    sender_index = sa.Column(sa.String(64), nullable=True, index=True)
    legal_representative_informed = sa.Column(sa.Boolean, nullable=True)
    slai_flag = sa.Column(sa.String(64), nullable=True)
    consent_at = sa.Column(UtcDateTime, nullable=False)
    created_at = sa.Column(UtcDateTime, nullable=False)
    updated_at = sa.Column(UtcDateTime, nullable=False)
    transmitted_at = sa.Column(UtcDateTime, nullable=True)
    status_changed_at = sa.Column(UtcDateTime, nullable=False, index=True)

    history = relationship(
        "StatusChangeRecord",
        order_by="StatusChangeRecord.id",
        cascade="all, delete-orphan",
        passive_deletes=True,
        back_populates="sheet",
    )


class StatusChangeRecord(Base):
    __tablename__ = "sheet_status_changes"

    id = sa.Column(sa.Integer, primary_key=True)
    sheet_id = sa.Column(
        sa.Integer, sa.ForeignKey(f"{table('sheets')}.id", ondelete="CASCADE"), nullable=False, index=True
    )
    from_status = sa.Column(sa.String(32), nullable=True)
    to_status = sa.Column(sa.String(32), nullable=False)
    actor = sa.Column(sa.String(MAX_ACTOR_LENGTH), nullable=False)
    changed_at = sa.Column(UtcDateTime, nullable=False)
    comment = sa.Column(sa.Text, nullable=True)  # Fernet token: a comment may name the person

    sheet = relationship("SheetRecord", back_populates="history")


# --- the decrypted view -----------------------------------------------------------------------

@dataclass(frozen=True)
class StatusChange:
    from_status: SheetStatus | None
    to_status: SheetStatus
    actor: str
    changed_at: dt.datetime
    comment: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "de": self.from_status.value if self.from_status else None,
            "vers": self.to_status.value,
            "par": self.actor,
            "le": self.changed_at.isoformat(),
            "commentaire": self.comment,
        }


@dataclass(frozen=True)
class Sheet:
    """A sheet as the repository returns it, decrypted. `values` maps field ids to values
    (see `bot.prescription.fields`: `dt.date`, `PartialDate`, `bool`, `str`)."""

    reference: str
    sheet_type: SheetType
    role: str
    status: SheetStatus
    territory: str
    values: Mapping[str, Any]
    consent_at: dt.datetime
    created_at: dt.datetime
    updated_at: dt.datetime
    status_changed_at: dt.datetime
    transmitted_at: dt.datetime | None = None
    legal_representative_informed: bool | None = None
    slai_flag: str | None = None
    history: tuple[StatusChange, ...] = field(default_factory=tuple)

    @property
    def created_on(self) -> dt.date:
        """The day of creation in Europe/Paris."""
        return self.created_at.astimezone(PARIS).date()

    @property
    def age(self) -> int | None:
        """The age on the day of creation, from the date of birth."""
        born = self.values.get("date_naissance")
        return age_on(born, self.created_on) if isinstance(born, dt.date) else None

    @property
    def is_minor(self) -> bool:
        return self.age is not None and self.age < MAJORITY_AGE

    @property
    def flagged_for_slai(self) -> bool:
        return self.slai_flag is not None


def age_on(born: dt.date, day: dt.date) -> int:
    """Age in whole years on `day` (someone born on 29 February has a birthday on 1 March)."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def format_reference(year: int, number: int) -> str:
    return f"{REFERENCE_PREFIX}-{year}-{number:06d}"
