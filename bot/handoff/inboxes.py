"""The service e-mail address of each territory's inboxes ("insertion", "logement"): an admin setting.

New requests of a kind go to that kind's address; transmitted sheets go to the "insertion"
address (the SLAI). A service address, never a person's: it is not encrypted.
"""

from __future__ import annotations

import re

import sqlalchemy as sa

from bot.handoff.models import InboxSettingRecord, RequestKind
from bot.storage.engine import read_session, write_session
from bot.storage.repository import Repository

_EMAIL = re.compile(r"^[^@\s<>\"',;]+@[^@\s<>\"',;]+\.[^@\s<>\"',;]+$")


class InboxSettingError(ValueError):
    pass


def valid_email(value: str) -> bool:
    return bool(_EMAIL.match(value)) and len(value) <= 254


class InboxSettings(Repository):
    """The e-mail address of each territory's inbox, per kind of request (set by an admin)."""

    def address(self, territory: str, kind: RequestKind | str) -> str | None:
        with read_session(self.sessions) as session:
            record = session.get(InboxSettingRecord, (territory, RequestKind(kind).value))
            return record.email if record is not None else None

    def all(self) -> dict[tuple[str, RequestKind], str]:
        with read_session(self.sessions) as session:
            return {(r.territory, RequestKind(r.kind)): r.email
                    for r in session.execute(sa.select(InboxSettingRecord)).scalars()}

    def set(self, territory: str, kind: RequestKind | str, email: str | None, actor: str) -> None:
        """Set (or, with an empty `email`, remove) the address of one inbox."""
        from bot.knowledge import TERRITORY_IDS

        if territory not in TERRITORY_IDS:
            raise InboxSettingError("Territoire inconnu.")
        kind = RequestKind(kind)
        email = (email or "").strip()
        if email and not valid_email(email):
            raise InboxSettingError("Adresse e-mail invalide.")
        with write_session(self.sessions) as session:
            record = session.get(InboxSettingRecord, (territory, kind.value))
            if not email:
                if record is not None:
                    session.delete(record)
                return
            if record is None:
                record = InboxSettingRecord(territory=territory, kind=kind.value)
                session.add(record)
            record.email, record.updated_at, record.updated_by = email, self._clock(), actor
