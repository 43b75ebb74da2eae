"""Saving, finding and changing prescription sheets.

`SheetRepository(session_factory, cipher)` (both default to `DATABASE_URL` and `CJ62_FERNET_KEY`,
resolved on first use). Every method runs in its own transaction and returns decrypted `Sheet`s.
Field values are validated upstream (`validation`); here they are checked for type and
completeness, encrypted as one JSON token, and indexed: blind indexes of the young person's last
name and phone, and of the conversation's sender id (so that "supprime mes données" finds the
sheets without the sender id ever being stored).

References are `PR-<year of creation in Europe/Paris>-<number>`, the number from the database
sequence `sheet_reference` (`bot.storage.sequences`), unique across processes.

Nothing here logs a value: log lines carry references, statuses and territories only.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from bot.clock import PARIS
from bot.crypto import NAME, PHONE, SENDER
from bot.prescription.fields import (
    ALL_FIELDS,
    decode_values,
    encode_values,
    fields_for,
    missing_fields,
)
from bot.prescription.models import (
    ACTOR_PROFESSIONAL,
    ACTOR_YOUNG,
    AUTHOR_ROLES,
    FLAG_REPRESENTATIVE_NOT_INFORMED,
    MAJORITY_AGE,
    MAX_ACTOR_LENGTH,
    REFERENCE_SEQUENCE,
    TRANSITIONS,
    Sheet,
    SheetError,
    SheetNotFound,
    SheetRecord,
    SheetStatus,
    SheetType,
    StatusChange,
    StatusChangeRecord,
    age_on,
    format_reference,
)
from bot.storage.engine import read_session, write_session
from bot.storage.repository import Repository
from bot.storage.sequences import next_value

logger = logging.getLogger(__name__)
DEFAULT_PAGE = 200



def _check_actor(actor: str) -> str:
    if not isinstance(actor, str) or not actor.strip() or len(actor) > MAX_ACTOR_LENGTH or actor != actor.strip():
        raise SheetError("Auteur du changement invalide : « jeune », « professionnel » ou l'identifiant d'un compte.")
    return actor


def _aware(moment: dt.datetime, name: str) -> dt.datetime:
    if not isinstance(moment, dt.datetime) or moment.tzinfo is None:
        raise ValueError(f"{name} must be an aware datetime")
    return moment


class SheetRepository(Repository):
    """Prescription sheets in the application database (see the module doc)."""

    # --- creating ---------------------------------------------------------------------------

    def create(
        self,
        sheet_type: SheetType | str,
        role: str,
        values: Mapping[str, Any],
        *,
        consent_at: dt.datetime,
        sender_id: str | None = None,
        transmit: bool = False,
        now: dt.datetime | None = None,
    ) -> Sheet:
        """Save a new sheet as `brouillon`, then transmit it at once if `transmit` and allowed.

        `values`: field id → validated value (`fields`); the commune decides the territory. The
        author is `role` ("jeune" or "professionnel"); `consent_at` is when the person said yes
        to the privacy notice. A minor's sheet whose legal representative is not informed stays
        `brouillon`, flagged for the SLAI, even when `transmit` is asked: check `sheet.status`.
        Raises `SheetError` (French) when a required field is missing.
        """
        sheet_type = SheetType(sheet_type)
        if role not in AUTHOR_ROLES:
            raise SheetError("Une fiche est remplie par le ou la jeune ou par un professionnel.")
        consent_at = _aware(consent_at, "consent_at")
        now = _aware(now, "now") if now is not None else self._clock()
        values = {key: value for key, value in values.items() if value is not None and value != ""}
        born = values.get("date_naissance")
        age = age_on(born, now.astimezone(PARIS).date()) if isinstance(born, dt.date) else None
        sheet_fields = fields_for(sheet_type, role, age)
        missing = missing_fields(sheet_fields, values)
        if missing:
            raise SheetError("Il manque : " + ", ".join(f.label for f in missing) + ".")
        allowed = {f.id for f in sheet_fields if f.asked}
        extra = sorted(set(values) - allowed)
        if extra:
            raise SheetError("Champs en trop pour cette fiche : " + ", ".join(extra) + ".")
        territory = _territory_of(values["commune"])
        informed = values.get("representant_informe") if age is not None and age < MAJORITY_AGE else None
        record = SheetRecord(
            sheet_type=sheet_type.value,
            role=role,
            status=SheetStatus.BROUILLON.value,
            territory=territory,
            data=self.cipher.encrypt_json(encode_values(values)),
            name_index=self.cipher.blind_index(NAME, values["nom"]),
            phone_index=self.cipher.blind_index(PHONE, values.get("telephone") or ""),
            sender_index=self.cipher.blind_index(SENDER, sender_id or ""),
            legal_representative_informed=informed,
            slai_flag=FLAG_REPRESENTATIVE_NOT_INFORMED if informed is False else None,
            consent_at=consent_at,
            created_at=now,
            updated_at=now,
            status_changed_at=now,
        )
        actor = ACTOR_YOUNG if role == "jeune" else ACTOR_PROFESSIONAL
        with write_session(self.sessions) as session:
            number = next_value(session, REFERENCE_SEQUENCE)
            record.reference = format_reference(now.astimezone(PARIS).year, number)
            record.history.append(StatusChangeRecord(
                from_status=None, to_status=SheetStatus.BROUILLON.value, actor=actor, changed_at=now,
            ))
            session.add(record)
            if transmit and record.slai_flag is None:
                self._change(record, SheetStatus.TRANSMISE, actor, None, now)
            session.flush()
            sheet = self._sheet(record)
        logger.info("Sheet %s created (%s, %s, %s).", sheet.reference, sheet.sheet_type.value,
                    sheet.status.value, sheet.territory)
        return sheet

    # --- changing ---------------------------------------------------------------------------

    def transmit(self, reference: str, actor: str, *, comment: str | None = None,
                 now: dt.datetime | None = None) -> Sheet:
        """`brouillon` → `transmise`; refused (SheetError) for a minor whose representative is not informed."""
        return self.change_status(reference, SheetStatus.TRANSMISE, actor, comment=comment, now=now)

    def change_status(self, reference: str, to: SheetStatus | str, actor: str, *, comment: str | None = None,
                      now: dt.datetime | None = None) -> Sheet:
        """Move a sheet along the workflow (`models.TRANSITIONS`), recording who, when and why."""
        to = SheetStatus(to)
        actor = _check_actor(actor)
        now = _aware(now, "now") if now is not None else self._clock()
        with write_session(self.sessions) as session:
            record = self._record(session, reference, lock=True)
            if to == SheetStatus.TRANSMISE and record.slai_flag == FLAG_REPRESENTATIVE_NOT_INFORMED:
                raise SheetError(
                    "Cette fiche ne peut pas être transmise : le représentant légal du ou de la mineur(e) "
                    "doit d'abord être informé."
                )
            self._change(record, to, actor, comment, now)
            sheet = self._sheet(record)
        logger.info("Sheet %s: status %s by %s.", reference, to.value, _actor_kind(actor))
        return sheet

    def update_fields(self, reference: str, changes: Mapping[str, Any], actor: str, *,
                      now: dt.datetime | None = None) -> Sheet:
        """Change field values (None removes one); indexes, territory and the SLAI flag follow.

        The legal representative becoming "informé" clears the flag (the sheet stays where it is
        in the workflow: transmit it afterwards).
        """
        _check_actor(actor)
        now = _aware(now, "now") if now is not None else self._clock()
        with write_session(self.sessions) as session:
            record = self._record(session, reference, lock=True)
            unknown = sorted(set(changes) - {f.id for f in ALL_FIELDS if f.asked})
            if unknown:
                raise SheetError("Champs inconnus : " + ", ".join(unknown) + ".")
            values = decode_values(self.cipher.decrypt_json(record.data))
            for key, value in changes.items():
                if value is None or value == "":
                    values.pop(key, None)
                else:
                    values[key] = value
            born = values.get("date_naissance")
            created_on = record.created_at.astimezone(PARIS).date()
            age = age_on(born, created_on) if isinstance(born, dt.date) else None
            sheet_fields = fields_for(record.sheet_type, record.role, age)
            missing = missing_fields(sheet_fields, values)
            if missing:
                raise SheetError("Il manque : " + ", ".join(f.label for f in missing) + ".")
            allowed = {f.id for f in sheet_fields if f.asked}
            values = {key: value for key, value in values.items() if key in allowed}
            informed = values.get("representant_informe") if age is not None and age < MAJORITY_AGE else None
            record.data = self.cipher.encrypt_json(encode_values(values))
            record.territory = _territory_of(values["commune"])
            record.name_index = self.cipher.blind_index(NAME, values["nom"])
            record.phone_index = self.cipher.blind_index(PHONE, values.get("telephone") or "")
            record.legal_representative_informed = informed
            record.slai_flag = FLAG_REPRESENTATIVE_NOT_INFORMED if informed is False else None
            record.updated_at = now
            sheet = self._sheet(record)
        logger.info("Sheet %s: fields updated by %s.", reference, _actor_kind(actor))
        return sheet

    # --- reading ----------------------------------------------------------------------------

    def get(self, reference: str) -> Sheet | None:
        with read_session(self.sessions) as session:
            record = session.execute(
                sa.select(SheetRecord).options(selectinload(SheetRecord.history))
                .where(SheetRecord.reference == reference)
            ).scalar_one_or_none()
            return self._sheet(record) if record is not None else None

    def search(
        self,
        territories: Iterable[str] | None,
        *,
        status: SheetStatus | str | Iterable[SheetStatus | str] | None = None,
        sheet_type: SheetType | str | None = None,
        last_name: str | None = None,
        phone: str | None = None,
        flagged_only: bool = False,
        limit: int = DEFAULT_PAGE,
        offset: int = 0,
    ) -> list[Sheet]:
        """Sheets of `territories` (None: every territory), newest first, filtered.

        `last_name` and `phone` match exactly (after normalisation: case, accents, spaces,
        "+33"), through the blind indexes; no partial search exists on encrypted data.
        """
        query = sa.select(SheetRecord).options(selectinload(SheetRecord.history))
        if territories is not None:
            query = query.where(SheetRecord.territory.in_(list(territories)))
        if status is not None:
            statuses = [status] if isinstance(status, str) else list(status)
            query = query.where(SheetRecord.status.in_([SheetStatus(s).value for s in statuses]))
        if sheet_type is not None:
            query = query.where(SheetRecord.sheet_type == SheetType(sheet_type).value)
        if last_name is not None:
            query = query.where(SheetRecord.name_index.in_(self.cipher.blind_indexes(NAME, last_name)))
        if phone is not None:
            query = query.where(SheetRecord.phone_index.in_(self.cipher.blind_indexes(PHONE, phone)))
        if flagged_only:
            query = query.where(SheetRecord.slai_flag.is_not(None))
        query = query.order_by(SheetRecord.created_at.desc(), SheetRecord.id.desc()).limit(limit).offset(offset)
        with read_session(self.sessions) as session:
            return [self._sheet(record) for record in session.execute(query).scalars()]

    def references_of_sender(self, sender_id: str) -> list[str]:
        indexes = self.cipher.blind_indexes(SENDER, sender_id)
        with read_session(self.sessions) as session:
            return list(session.execute(
                sa.select(SheetRecord.reference).where(SheetRecord.sender_index.in_(indexes))
                .order_by(SheetRecord.id)
            ).scalars())

    # --- maintenance ------------------------------------------------------------------------

    def reencrypt_all(self, batch: int = 200) -> int:
        """Re-encrypt and re-index every sheet with the first key of `CJ62_FERNET_KEY` (key rotation).

        The sender index cannot be recomputed (the sender id is not stored): it keeps the old
        key's value, which searches still find as long as the old key stays in the list.
        """
        done = 0
        last_id = 0
        while True:
            with write_session(self.sessions) as session:
                records = session.execute(
                    sa.select(SheetRecord).options(selectinload(SheetRecord.history))
                    .where(SheetRecord.id > last_id).order_by(SheetRecord.id).limit(batch)
                ).scalars().all()
                for record in records:
                    values = decode_values(self.cipher.decrypt_json(record.data))
                    record.data = self.cipher.rotate(record.data)
                    record.name_index = self.cipher.blind_index(NAME, values["nom"])
                    record.phone_index = self.cipher.blind_index(PHONE, values.get("telephone") or "")
                    for change in record.history:
                        if change.comment is not None:
                            change.comment = self.cipher.rotate(change.comment)
                    last_id = record.id
                done += len(records)
            if len(records) < batch:
                return done

    # --- internals --------------------------------------------------------------------------

    @staticmethod
    def _record(session: Session, reference: str, lock: bool = False) -> SheetRecord:
        query = sa.select(SheetRecord).where(SheetRecord.reference == reference)
        if lock:
            query = query.with_for_update()
        record = session.execute(query).scalar_one_or_none()
        if record is None:
            raise SheetNotFound("Aucune fiche ne porte cette référence.")
        return record

    def _change(self, record: SheetRecord, to: SheetStatus, actor: str, comment: str | None,
                now: dt.datetime) -> None:
        current = SheetStatus(record.status)
        if to not in TRANSITIONS[current]:
            raise SheetError(f"Une fiche « {current.label} » ne peut pas passer à « {to.label} ».")
        record.history.append(StatusChangeRecord(
            from_status=current.value, to_status=to.value, actor=actor, changed_at=now,
            comment=self.cipher.encrypt(comment) if comment else None,
        ))
        record.status = to.value
        record.status_changed_at = now
        record.updated_at = now
        if to == SheetStatus.TRANSMISE:
            record.transmitted_at = now

    def _sheet(self, record: SheetRecord) -> Sheet:
        return Sheet(
            reference=record.reference,
            sheet_type=SheetType(record.sheet_type),
            role=record.role,
            status=SheetStatus(record.status),
            territory=record.territory,
            values=decode_values(self.cipher.decrypt_json(record.data)),
            consent_at=record.consent_at,
            created_at=record.created_at,
            updated_at=record.updated_at,
            status_changed_at=record.status_changed_at,
            transmitted_at=record.transmitted_at,
            legal_representative_informed=record.legal_representative_informed,
            slai_flag=record.slai_flag,
            history=tuple(
                StatusChange(
                    from_status=SheetStatus(change.from_status) if change.from_status else None,
                    to_status=SheetStatus(change.to_status),
                    actor=change.actor,
                    changed_at=change.changed_at,
                    comment=self.cipher.decrypt(change.comment) if change.comment else None,
                )
                for change in record.history
            ),
        )


def _territory_of(insee: str) -> str:
    from bot.communes import communes

    commune = communes().by_insee(insee)
    if commune is None:
        raise SheetError("La commune de la fiche n'est pas une commune du Pas-de-Calais.")
    return commune.territory


def _actor_kind(actor: str) -> str:
    """For logs: the role, or "conseiller" with the account id (not personal data of the young person)."""
    return actor if actor in (ACTOR_YOUNG, ACTOR_PROFESSIONAL) else f"conseiller {actor}"
