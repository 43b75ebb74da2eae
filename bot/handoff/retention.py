"""What `bot.privacy` does with contact requests: erase a sender's, find a person's, purge old ones.

`bot.privacy` registers these (it imports this module, never the other way round):
- `erase_requests_of_senders(session, sender_indexes)`: "supprime mes données" and erasures by post;
- `sender_indexes_of_phone(session, indexes)`: the conversations of a person found by phone;
- `purge_closed_requests(stores, cutoff, dry_run)`: requests closed before `cutoff`, with their
  messages and history (`RETENTION_MONTHS` after closing), and requests left open with no change
  of status and no message since `cutoff` (abandoned: kept for ever before issue 16).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bot.handoff.models import AdviserMessageRecord, ContactRequestRecord, RequestStatus
from bot.storage.engine import read_session, write_session

if TYPE_CHECKING:
    from bot.privacy import Stores

REQUESTS = "demandes_de_contact"
MESSAGES = "messages_de_conseillers"


def erase_requests_of_senders(session: Session, indexes: tuple[str, ...]) -> dict[str, int]:
    from bot.handoff.repository import delete_requests

    if not indexes:
        return {REQUESTS: 0, MESSAGES: 0}
    ids = list(session.execute(
        sa.select(ContactRequestRecord.id).where(ContactRequestRecord.sender_index.in_(indexes))
    ).scalars())
    return delete_requests(session, ids)


def sender_indexes_of_phone(session: Session, phone_indexes: tuple[str, ...]) -> set[str]:
    """Sender indexes of the requests that gave one of these phone indexes."""
    if not phone_indexes:
        return set()
    return set(session.execute(
        sa.select(ContactRequestRecord.sender_index).where(ContactRequestRecord.phone_index.in_(phone_indexes))
    ).scalars())


def purge_closed_requests(stores: Stores, cutoff: dt.datetime, dry_run: bool) -> dict[str, int]:
    from bot.handoff.repository import delete_requests

    recent_message = (
        sa.select(AdviserMessageRecord.id)
        .where(AdviserMessageRecord.request_id == ContactRequestRecord.id)
        .where(AdviserMessageRecord.created_at >= cutoff)
    )
    stale = sa.select(ContactRequestRecord.id).where(sa.or_(
        sa.and_(ContactRequestRecord.status == RequestStatus.CLOSE.value, ContactRequestRecord.closed_at < cutoff),
        sa.and_(ContactRequestRecord.status != RequestStatus.CLOSE.value,
                ContactRequestRecord.status_changed_at < cutoff, ~sa.exists(recent_message)),
    ))
    if dry_run:
        with read_session(stores.sessions) as session:
            ids = list(session.execute(stale).scalars())
            messages = session.execute(
                sa.select(sa.func.count()).select_from(AdviserMessageRecord)
                .where(AdviserMessageRecord.request_id.in_(ids))
            ).scalar_one() if ids else 0
            return {REQUESTS: len(ids), MESSAGES: int(messages)}
    with write_session(stores.sessions) as session:
        return delete_requests(session, list(session.execute(stale).scalars()))
