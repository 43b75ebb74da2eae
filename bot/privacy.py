"""People's rights and retention: erase one sender or one person, export one person, purge.

Two stores hold personal data: the application database (`DATABASE_URL`: sheets and their
history; contact requests with their adviser messages, `bot.handoff`) and Rasa's conversation
database (`TRACKER_DB_URL`: table `events`, with a `sender_id` column; in PostgreSQL in the
schema `rasa`). This module reaches the latter with SQLAlchemy Core reflection, never through
Rasa.

- `erase_sender(sender_id)`: "supprime mes données" in the chat. Rasa writes the events of a turn
  at its end: call this once the turn is saved (after `on_new_message` returned), otherwise
  Rasa writes them back.
- `export_person(phone=…|reference=…)`, `erase_person(…)`: requests that arrive by post.
- `purge(now)`: the retention rules of `RETENTION_RULES`, the one place every issue adds its own
  (`register_retention_rule`).

Counts are returned (and printed by the CLI) under French keys; nothing personal is logged.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot import meta_inbox
from bot.crypto import PHONE, SENDER, Cipher, cipher
from bot.handoff import retention as handoff_retention
from bot.handoff.models import RETENTION_MONTHS as CONTACT_REQUEST_RETENTION_MONTHS
from bot.prescription.fields import FIELDS_BY_ID, encode_value
from bot.prescription.models import Sheet, SheetRecord, StatusChangeRecord
from bot.prescription.notice import CONVERSATION_RETENTION_MONTHS, SHEET_RETENTION_MONTHS
from bot.prescription.repository import SheetRepository
from bot.storage.engine import engine, read_session, session_factory, write_session
from bot.storage.urls import parse_url, tracker_database_url, tracker_schema

logger = logging.getLogger(__name__)

SHEETS = "fiches"
STATUS_CHANGES = "changements_de_statut"
CONVERSATIONS = "conversations"
EVENTS = "evenements_de_conversation"
EVENTS_TABLE = "events"


@dataclass
class Stores:
    """Where to act; every part defaults to the environment (`DATABASE_URL`, `TRACKER_DB_URL`, the key)."""

    app_url: str | None = None
    tracker_url: str | None = None
    crypto: Cipher | None = None

    @property
    def sessions(self) -> sessionmaker:
        return session_factory(self.app_url)

    @property
    def cipher(self) -> Cipher:
        return self.crypto if self.crypto is not None else cipher()

    @property
    def tracker(self) -> Engine | None:
        """The conversation database; None when it is a SQLite file that does not exist (yet)."""
        url = parse_url(self.tracker_url or tracker_database_url(), "TRACKER_DB_URL")
        if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
            if not Path(url.database).exists():
                return None
        return engine(url)

    def repository(self) -> SheetRepository:
        return SheetRepository(self.sessions, self.crypto)


# --- the tracker's events table ----------------------------------------------------------------

def _events(tracker: Engine | None) -> sa.Table | None:
    """Rasa's `events` table, reflected; None when Rasa has not created it yet."""
    if tracker is None:
        return None
    schema = tracker_schema() if tracker.dialect.name == "postgresql" else None
    try:
        return sa.Table(EVENTS_TABLE, sa.MetaData(), schema=schema, autoload_with=tracker)
    except sa.exc.NoSuchTableError:
        return None


def _delete_events(tracker: Engine | None, sender_ids: Iterable[str]) -> int:
    senders = sorted(set(sender_ids))
    events = _events(tracker)
    if tracker is None or events is None or not senders:
        return 0
    with tracker.begin() as connection:
        return connection.execute(events.delete().where(events.c.sender_id.in_(senders))).rowcount


def _senders_with_index(tracker: Engine | None, crypto: Cipher, indexes: set[str]) -> list[str]:
    """Sender ids of the tracker whose blind index is one of `indexes` (the ids are not stored elsewhere)."""
    events = _events(tracker)
    if tracker is None or events is None or not indexes:
        return []
    with tracker.connect() as connection:
        senders = connection.execute(sa.select(events.c.sender_id).distinct()).scalars().all()
    return [s for s in senders if indexes.intersection(crypto.blind_indexes(SENDER, s))]


# --- application data of a sender or a person --------------------------------------------------

# Erasers of application data kept per conversation, other than sheets, found by the blind
# indexes of sender ids: (session, sender indexes) → counts. A later issue appends its own
# (contact requests…) with `register_sender_eraser`; both erasures run them.
SenderEraser = Callable[[Session, tuple[str, ...]], Mapping[str, int]]
SENDER_ERASERS: list[SenderEraser] = []


def register_sender_eraser(eraser: SenderEraser) -> SenderEraser:
    SENDER_ERASERS.append(eraser)
    return eraser


# Contact requests and adviser messages go with their conversation, and so do the Messenger /
# Instagram events still queued and the marks kept about the conversation.
register_sender_eraser(handoff_retention.erase_requests_of_senders)
register_sender_eraser(meta_inbox.erase_of_senders)


def _delete_sheets(session: Session, sheet_ids: list[int]) -> dict[str, int]:
    if not sheet_ids:
        return {SHEETS: 0, STATUS_CHANGES: 0}
    changes = session.execute(
        sa.delete(StatusChangeRecord).where(StatusChangeRecord.sheet_id.in_(sheet_ids))
        .execution_options(synchronize_session=False)
    ).rowcount
    sheets = session.execute(
        sa.delete(SheetRecord).where(SheetRecord.id.in_(sheet_ids)).execution_options(synchronize_session=False)
    ).rowcount
    return {SHEETS: sheets, STATUS_CHANGES: changes}


def _erase_sheets_of_senders(session: Session, indexes: tuple[str, ...]) -> dict[str, int]:
    ids = list(session.execute(sa.select(SheetRecord.id).where(SheetRecord.sender_index.in_(indexes))).scalars())
    return _delete_sheets(session, ids)


def _add(total: dict[str, int], counts: Mapping[str, int]) -> None:
    for key, value in counts.items():
        total[key] = total.get(key, 0) + value


def erase_sender(sender_id: str, *, stores: Stores | None = None) -> dict[str, int]:
    """Delete everything of the conversation `sender_id`: its sheets (with their history), what
    later issues register, and all its events in the tracker database. Returns the counts."""
    if not isinstance(sender_id, str) or not sender_id:
        raise ValueError("sender_id must be a non-empty string")
    stores = stores or Stores()
    indexes = stores.cipher.blind_indexes(SENDER, sender_id)
    counts: dict[str, int] = {}
    with write_session(stores.sessions) as session:
        _add(counts, _erase_sheets_of_senders(session, indexes))
        for eraser in SENDER_ERASERS:
            _add(counts, eraser(session, indexes))
    counts[EVENTS] = _delete_events(stores.tracker, [sender_id])
    logger.info("Erasure of one sender: %s.", _describe(counts))
    return counts


def _person_records(session: Session, crypto: Cipher, phone: str | None,
                    reference: str | None) -> list[SheetRecord]:
    """The sheets of one person: by the young person's phone, or a reference and the sheets that
    share its last name and phone (the same young person)."""
    if (phone is None) == (reference is None):
        raise ValueError("give exactly one of phone or reference")
    if phone is not None:
        indexes = crypto.blind_indexes(PHONE, phone)
        if not indexes:
            return []
        query = sa.select(SheetRecord).where(SheetRecord.phone_index.in_(indexes))
    else:
        found = session.execute(sa.select(SheetRecord).where(SheetRecord.reference == reference)).scalar_one_or_none()
        if found is None:
            return []
        same_person = sa.and_(
            SheetRecord.name_index == found.name_index,
            SheetRecord.phone_index == found.phone_index,
        ) if found.phone_index is not None else sa.false()
        query = sa.select(SheetRecord).where(sa.or_(SheetRecord.id == found.id, same_person))
    return list(session.execute(query.order_by(SheetRecord.id)).scalars())


def export_person(phone: str | None = None, reference: str | None = None, *,
                  stores: Stores | None = None) -> dict[str, Any]:
    """Exactly one person's sheets, decrypted, with their history: a JSON-ready dict.

    Conversations are not included: their events are encrypted by the tracker store and tied to
    a sender id, not to a phone; they are erased with the sheets (`erase_person`).
    """
    stores = stores or Stores()
    repository = stores.repository()
    with stores.sessions() as session:
        references = [r.reference for r in _person_records(session, stores.cipher, phone, reference)]
    sheets = [sheet for sheet in (repository.get(r) for r in references) if sheet is not None]
    return {"fiches": [sheet_json(sheet) for sheet in sheets]}


def sheet_json(sheet: Sheet) -> dict[str, Any]:
    """A sheet as JSON for the person it concerns (labels in French, values in ISO forms)."""
    def moment(value: dt.datetime | None) -> str | None:
        return value.isoformat() if value is not None else None

    return {
        "reference": sheet.reference,
        "type": sheet.sheet_type.value,
        "type_libelle": sheet.sheet_type.label,
        "statut": sheet.status.value,
        "statut_libelle": sheet.status.label,
        "role_auteur": sheet.role,
        "territoire": sheet.territory,
        "cree_le": moment(sheet.created_at),
        "mise_a_jour_le": moment(sheet.updated_at),
        "transmise_le": moment(sheet.transmitted_at),
        "consentement_le": moment(sheet.consent_at),
        "representant_legal_informe": sheet.legal_representative_informed,
        "signalement_slai": sheet.slai_flag,
        "champs": [
            {"champ": key, "libelle": FIELDS_BY_ID[key].label, "valeur": encode_value(FIELDS_BY_ID[key], value)}
            for key, value in sheet.values.items()
        ],
        "historique": [change.as_json() for change in sheet.history],
    }


def erase_person(phone: str | None = None, reference: str | None = None, *,
                 stores: Stores | None = None) -> dict[str, int]:
    """Delete one person's sheets (as `export_person` finds them), and the conversations they came from.

    Other sheets of those conversations stay (a professional may have prescribed for several
    young people in one conversation). The contact requests of those conversations go too, and,
    when a phone is given, those where that phone was left (with their conversations).
    """
    stores = stores or Stores()
    crypto = stores.cipher
    with write_session(stores.sessions) as session:
        records = _person_records(session, crypto, phone, reference)
        sender_indexes = {r.sender_index for r in records if r.sender_index}
        if phone is not None:  # the conversations where this phone was given in a contact request
            sender_indexes |= handoff_retention.sender_indexes_of_phone(session, crypto.blind_indexes(PHONE, phone))
        counts = _delete_sheets(session, [r.id for r in records])
        # What later issues keep by sender (contact requests…) goes with the conversation.
        if sender_indexes:
            for eraser in SENDER_ERASERS:
                _add(counts, eraser(session, tuple(sorted(sender_indexes))))
    senders = _senders_with_index(stores.tracker, crypto, sender_indexes)
    counts[EVENTS] = _delete_events(stores.tracker, senders)
    logger.info("Erasure of one person: %s.", _describe(counts))
    return counts


# --- retention ---------------------------------------------------------------------------------

def months_before(moment: dt.datetime, months: int) -> dt.datetime:
    """`moment` minus whole calendar months (31 March − 1 month = 28 or 29 February)."""
    if months < 0:
        raise ValueError("months must be >= 0")
    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    following = dt.date(year + (month == 12), month % 12 + 1, 1)
    last_day = (following - dt.timedelta(days=1)).day
    return moment.replace(year=year, month=month, day=min(moment.day, last_day))


@dataclass(frozen=True)
class RetentionRule:
    """Rows of one kind are deleted `months` after the moment `apply` measures from.

    `apply(stores, cutoff, dry_run)` deletes (or only counts, when `dry_run`) what is older than
    `cutoff` and returns counts under French keys.
    """

    name: str
    label: str
    months: int
    apply: Callable[[Stores, dt.datetime, bool], dict[str, int]]


RETENTION_RULES: dict[str, RetentionRule] = {}


def register_retention_rule(rule: RetentionRule) -> RetentionRule:
    if rule.name in RETENTION_RULES:
        raise ValueError(f"retention rule {rule.name!r} already registered")
    RETENTION_RULES[rule.name] = rule
    return rule


def _purge_sheets(stores: Stores, cutoff: dt.datetime, dry_run: bool) -> dict[str, int]:
    stale = sa.select(SheetRecord.id).where(SheetRecord.status_changed_at < cutoff)
    if dry_run:
        with read_session(stores.sessions) as session:
            ids = list(session.execute(stale).scalars())
            changes = session.execute(
                sa.select(sa.func.count()).select_from(StatusChangeRecord)
                .where(StatusChangeRecord.sheet_id.in_(ids))
            ).scalar_one() if ids else 0
            return {SHEETS: len(ids), STATUS_CHANGES: changes}
    with write_session(stores.sessions) as session:
        return _delete_sheets(session, list(session.execute(stale).scalars()))


def _purge_conversations(stores: Stores, cutoff: dt.datetime, dry_run: bool) -> dict[str, int]:
    tracker = stores.tracker
    events = _events(tracker)
    if tracker is None or events is None:
        return {CONVERSATIONS: 0, EVENTS: 0}
    stale = (
        sa.select(events.c.sender_id).group_by(events.c.sender_id)
        .having(sa.func.max(events.c.timestamp) < cutoff.timestamp())
    )
    with tracker.begin() as connection:
        senders = list(connection.execute(stale).scalars())
        if not senders:
            return {CONVERSATIONS: 0, EVENTS: 0}
        if dry_run:
            count = connection.execute(
                sa.select(sa.func.count()).select_from(events).where(events.c.sender_id.in_(senders))
            ).scalar_one()
            return {CONVERSATIONS: len(senders), EVENTS: count}
        deleted = connection.execute(events.delete().where(events.c.sender_id.in_(senders))).rowcount
        return {CONVERSATIONS: len(senders), EVENTS: deleted}


register_retention_rule(RetentionRule(
    SHEETS, "fiches de prescription, après leur dernier changement de statut", SHEET_RETENTION_MONTHS, _purge_sheets,
))
register_retention_rule(RetentionRule(
    CONVERSATIONS, "conversations, après leur dernier message", CONVERSATION_RETENTION_MONTHS, _purge_conversations,
))
register_retention_rule(RetentionRule(
    handoff_retention.REQUESTS,
    "demandes de contact et messages des conseillers, après la clôture (ou, restées ouvertes, après la dernière"
    " activité)",
    CONTACT_REQUEST_RETENTION_MONTHS, handoff_retention.purge_closed_requests,
))


def purge(
    now: dt.datetime,
    sheets_months: int = SHEET_RETENTION_MONTHS,
    conversations_months: int = CONVERSATION_RETENTION_MONTHS,
    *,
    months: Mapping[str, int] | None = None,
    dry_run: bool = False,
    stores: Stores | None = None,
) -> dict[str, int]:
    """Apply every retention rule at `now` (an aware datetime); return what was (or would be) deleted.

    `months` overrides the period of any rule by name (later rules have no keyword here).
    """
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    periods = {rule.name: rule.months for rule in RETENTION_RULES.values()}
    periods.update({SHEETS: sheets_months, CONVERSATIONS: conversations_months})
    periods.update(months or {})
    unknown = sorted(set(periods) - set(RETENTION_RULES))
    if unknown:
        raise ValueError(f"unknown retention rules: {', '.join(unknown)}")
    stores = stores or Stores()
    counts: dict[str, int] = {}
    for rule in RETENTION_RULES.values():
        _add(counts, rule.apply(stores, months_before(now, periods[rule.name]), dry_run))
    logger.info("Purge%s: %s.", " (dry run)" if dry_run else "", _describe(counts))
    return counts


def _describe(counts: Mapping[str, int]) -> str:
    return ", ".join(f"{key} {value}" for key, value in counts.items()) or "nothing"
