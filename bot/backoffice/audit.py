"""The audit log: who viewed, exported, transferred, validated, refused or erased personal data.

A row is (when, actor = account id "compte-N", action, object reference, territory): never a
name, a text or any other personal value, so the log itself holds no personal data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

import sqlalchemy as sa
from sqlalchemy.orm import sessionmaker

from bot.backoffice.models import AuditRecord
from bot.storage.engine import read_session, session_factory, write_session


class AuditAction(str, Enum):
    CONSULTATION = "consultation"
    EXPORT_CSV = "export_csv"
    TELECHARGEMENT_PDF = "telechargement_pdf"
    PRISE_EN_CHARGE = "prise_en_charge"
    REPONSE = "reponse"
    CLOTURE = "cloture"
    TRANSFERT = "transfert"
    VALIDATION = "validation"
    REFUS = "refus"
    CHANGEMENT_STATUT = "changement_statut"
    EFFACEMENT = "effacement"
    ACCES_REFUSE = "acces_refuse"
    CONNEXION = "connexion"
    DECONNEXION = "deconnexion"
    COMPTE = "gestion_compte"
    REGLAGE = "reglage"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    AuditAction.CONSULTATION: "consultation",
    AuditAction.EXPORT_CSV: "export CSV",
    AuditAction.TELECHARGEMENT_PDF: "téléchargement PDF",
    AuditAction.PRISE_EN_CHARGE: "prise en charge",
    AuditAction.REPONSE: "réponse",
    AuditAction.CLOTURE: "rendue au bot (close)",
    AuditAction.TRANSFERT: "transfert",
    AuditAction.VALIDATION: "validation",
    AuditAction.REFUS: "refus",
    AuditAction.CHANGEMENT_STATUT: "changement de statut",
    AuditAction.EFFACEMENT: "effacement",
    AuditAction.ACCES_REFUSE: "accès refusé (autre territoire)",
    AuditAction.CONNEXION: "connexion",
    AuditAction.DECONNEXION: "déconnexion",
    AuditAction.COMPTE: "gestion d'un compte",
    AuditAction.REGLAGE: "réglage",
}


@dataclass(frozen=True)
class AuditEntry:
    at: dt.datetime
    actor: str
    action: AuditAction
    object_ref: str | None
    territory: str | None


class AuditLog:
    def __init__(self, sessions: sessionmaker | None = None, *,
                 clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.timezone.utc)) -> None:
        self._sessions = sessions
        self.clock = clock

    @property
    def sessions(self) -> sessionmaker:
        if self._sessions is None:
            self._sessions = session_factory()
        return self._sessions

    def record(self, actor: str, action: AuditAction, object_ref: str | None = None,
               territory: str | None = None) -> None:
        with write_session(self.sessions) as session:
            session.add(AuditRecord(at=self.clock(), actor=actor[:64], action=AuditAction(action).value,
                                    object_ref=object_ref[:64] if object_ref else None, territory=territory))

    def entries(self, *, actor: str | None = None, action: AuditAction | str | None = None,
                object_ref: str | None = None, limit: int = 200, offset: int = 0) -> list[AuditEntry]:
        query = sa.select(AuditRecord).order_by(AuditRecord.at.desc(), AuditRecord.id.desc())
        if actor:
            query = query.where(AuditRecord.actor == actor)
        if action:
            query = query.where(AuditRecord.action == AuditAction(action).value)
        if object_ref:
            query = query.where(AuditRecord.object_ref == object_ref)
        with read_session(self.sessions) as session:
            return [AuditEntry(r.at, r.actor, AuditAction(r.action), r.object_ref, r.territory)
                    for r in session.execute(query.limit(limit).offset(offset)).scalars()]
