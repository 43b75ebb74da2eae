"""The durable queue of the Messenger / Instagram channel, and its fallback shared store.

Two tables in the application database (schema `cj62`, migration 0004):

- `meta_inbox`: one row per message event the webhook accepted and has not yet fully
  processed. The webhook writes the row *before* answering Meta; a worker claims it with a
  lease (`claimed_by`, `claimed_until`), hands it to Rasa, then deletes it. A worker killed
  while processing leaves a row whose lease runs out: another worker (or the same one after a
  restart) takes it again. Rows of one conversation are claimed in order, one at a time
  (a row is not claimable while an older row of the same `sender_key` remains). The event
  itself (conversation id, text, payload) is encrypted (Fernet); `sender_key` is the blind
  index of the conversation id and `event_key` a hash of the platform and message id.
- `meta_marks`: small keys with an expiry (de-duplication of message ids, time of the person's
  last message, the numbered list last offered), used when `REDIS_URL` is unset. Values are
  encrypted; keys are hashes or blind indexes.

`MetaInbox(session_factory, cipher)` is synchronous like the repositories: call it from async
code through `asyncio.to_thread`. Nothing here logs a value.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.crypto import SENDER
from bot.storage.base import Base, UtcDateTime
from bot.storage.engine import read_session, write_session
from bot.storage.repository import Repository

MAX_KEY_LENGTH = 100


class MetaInboxRecord(Base):
    __tablename__ = "meta_inbox"

    id = sa.Column(sa.Integer, primary_key=True)
    event_key = sa.Column(sa.String(64), nullable=False, unique=True)
    sender_key = sa.Column(sa.String(64), nullable=False, index=True)
    payload = sa.Column(sa.Text, nullable=False)  # Fernet token of the event's JSON
    received_at = sa.Column(UtcDateTime, nullable=False)
    claimed_by = sa.Column(sa.String(64), nullable=True)
    claimed_until = sa.Column(UtcDateTime, nullable=True)
    attempts = sa.Column(sa.Integer, nullable=False, default=0)


class MetaMarkRecord(Base):
    __tablename__ = "meta_marks"

    key = sa.Column(sa.String(MAX_KEY_LENGTH), primary_key=True)
    value = sa.Column(sa.Text, nullable=True)  # Fernet token
    expires_at = sa.Column(UtcDateTime, nullable=False, index=True)


@dataclass(frozen=True)
class QueuedEvent:
    id: int
    event: dict[str, Any]
    received_at: dt.datetime
    attempts: int


class MetaInbox(Repository):
    """The queue and the marks (see the module doc)."""

    def sender_key(self, sender_id: str) -> str:
        return self.cipher.blind_index(SENDER, sender_id) or ""

    # --- the queue ----------------------------------------------------------------------------

    def enqueue(self, event_key: str, sender_id: str, event: dict[str, Any], now: dt.datetime) -> bool:
        """Store one event; False when an event with this key is already queued."""
        record = MetaInboxRecord(event_key=event_key, sender_key=self.sender_key(sender_id),
                                 payload=self.cipher.encrypt_json(event), received_at=now, attempts=0)
        try:
            with write_session(self.sessions) as session:
                session.add(record)
        except IntegrityError:
            return False
        return True

    def claim(self, worker: str, now: dt.datetime, lease: dt.timedelta) -> QueuedEvent | None:
        """The oldest claimable event (no older event of its conversation left), leased to `worker`."""
        older = sa.orm.aliased(MetaInboxRecord)
        free = sa.or_(MetaInboxRecord.claimed_until.is_(None), MetaInboxRecord.claimed_until < now)
        first_of_sender = ~sa.exists().where(older.sender_key == MetaInboxRecord.sender_key,
                                             older.id < MetaInboxRecord.id)
        query = sa.select(MetaInboxRecord).where(free, first_of_sender).order_by(MetaInboxRecord.id).limit(5)
        with write_session(self.sessions) as session:
            for record in session.execute(query).scalars().all():
                taken = session.execute(
                    sa.update(MetaInboxRecord)
                    .where(MetaInboxRecord.id == record.id, free)
                    .values(claimed_by=worker, claimed_until=now + lease, attempts=MetaInboxRecord.attempts + 1)
                    .execution_options(synchronize_session=False)
                ).rowcount
                if taken == 1:
                    return QueuedEvent(record.id, self.cipher.decrypt_json(record.payload), record.received_at,
                                       (record.attempts or 0) + 1)
        return None

    def renew(self, event_id: int, worker: str, until: dt.datetime) -> bool:
        """Extend the lease of an event this worker is still processing."""
        with write_session(self.sessions) as session:
            return session.execute(
                sa.update(MetaInboxRecord)
                .where(MetaInboxRecord.id == event_id, MetaInboxRecord.claimed_by == worker)
                .values(claimed_until=until)
                .execution_options(synchronize_session=False)
            ).rowcount == 1

    def done(self, event_id: int) -> None:
        with write_session(self.sessions) as session:
            session.execute(sa.delete(MetaInboxRecord).where(MetaInboxRecord.id == event_id)
                            .execution_options(synchronize_session=False))

    def pending(self) -> int:
        """Events not yet processed (claimed or not)."""
        with read_session(self.sessions) as session:
            return int(session.execute(sa.select(sa.func.count()).select_from(MetaInboxRecord)).scalar_one())

    # --- the marks ------------------------------------------------------------------------------

    def add_once(self, key: str, ttl: dt.timedelta, now: dt.datetime) -> bool:
        """Set `key` unless it is set and not expired (like Redis `SET NX EX`): True if it was set."""
        try:
            with write_session(self.sessions) as session:
                session.execute(sa.delete(MetaMarkRecord).where(MetaMarkRecord.key == key,
                                                                MetaMarkRecord.expires_at <= now))
                session.add(MetaMarkRecord(key=key, value=None, expires_at=now + ttl))
        except IntegrityError:
            return False
        return True

    def put(self, key: str, value: str, ttl: dt.timedelta, now: dt.datetime) -> None:
        token = self.cipher.encrypt(value)
        with write_session(self.sessions) as session:
            found = session.get(MetaMarkRecord, key)
            if found is None:
                session.add(MetaMarkRecord(key=key, value=token, expires_at=now + ttl))
            else:
                found.value, found.expires_at = token, now + ttl

    def get(self, key: str, now: dt.datetime) -> str | None:
        with read_session(self.sessions) as session:
            found = session.get(MetaMarkRecord, key)
            if found is None or found.expires_at <= now or found.value is None:
                return None
            return self.cipher.decrypt(found.value)

    def forget(self, key: str) -> None:
        with write_session(self.sessions) as session:
            session.execute(sa.delete(MetaMarkRecord).where(MetaMarkRecord.key == key))

    def purge_marks(self, now: dt.datetime) -> int:
        """Delete expired marks; returns how many."""
        with write_session(self.sessions) as session:
            return session.execute(sa.delete(MetaMarkRecord).where(MetaMarkRecord.expires_at <= now)
                                   .execution_options(synchronize_session=False)).rowcount or 0



def erase_of_senders(session: Session, indexes: tuple[str, ...]) -> dict[str, int]:
    """Erasure on request: the queued events and the marks (last message time, numbered list) of
    these conversations (blind indexes). Marks kept in Redis expire by themselves within 8 days."""
    if not indexes:
        return {"evenements_meta": 0, "reperes_meta": 0}
    events = session.execute(sa.delete(MetaInboxRecord).where(MetaInboxRecord.sender_key.in_(indexes))
                             .execution_options(synchronize_session=False)).rowcount
    marks = 0
    for index in indexes:
        marks += session.execute(sa.delete(MetaMarkRecord).where(MetaMarkRecord.key.like(f"%:{index}"))
                                 .execution_options(synchronize_session=False)).rowcount
    return {"evenements_meta": events or 0, "reperes_meta": marks or 0}
