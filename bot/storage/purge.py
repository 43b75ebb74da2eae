"""Trimming long conversations so that they stay fast: `python -m bot purge --keep-days N --keep-events N`.

Rasa's SQL tracker store reads a conversation as the events whose `timestamp` is at least that of
its latest `session_started` event (Rasa starts a new session after an hour of silence, domain.yml,
and carries the slots over into it), and decides which events of a turn are new by counting the
stored events of that session. Every older event is dead weight that each turn still scans.

So a conversation is cut only at the beginning of one of its sessions (its `action_session_start`
action, then `session_started`): the events before it are deleted, never one of that session or
a later one.

- Slots and forms survive: `session_started` resets Rasa's state, so what Rasa loads (the last
  session: `retrieve`) and what it replays (every kept event: `retrieve_full_tracker`) are the
  same before and after; a form is never cut in the middle.
- Safe while Rasa runs: the latest session is never touched, so the count Rasa relies on to save
  a turn does not change under it; no lock is needed.
- `keep_events`: the cut leaves at least the last N events; `keep_days`: every deleted event is
  older than N days. The latest session start that satisfies both is chosen, so running again
  trims nothing more.

Only the clear columns (`sender_id`, `type_name`, `action_name`, `timestamp`) are read: the encrypted `data` is
never decrypted, and nothing personal is printed or logged, only counts (French keys for the CLI).
The module is plain SQLAlchemy Core on `TRACKER_DB_URL` (`bot/` never imports Rasa).
"""

from __future__ import annotations

import bisect
import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import URL, Engine

from bot.storage.engine import WRITE_OPTION, engine
from bot.storage.urls import TRACKER_ENV, parse_url, tracker_database_url, tracker_schema

logger = logging.getLogger(__name__)

EVENTS_TABLE = "events"
SESSION_STARTED = "session_started"
ACTION_SESSION_START = "action_session_start"
DEFAULT_KEEP_DAYS = 30
DEFAULT_KEEP_EVENTS = 200

TRIMMED_CONVERSATIONS = "conversations_allegees"
TRIMMED_EVENTS = "evenements_anciens_retires"


@dataclass(frozen=True)
class Cut:
    """Where one conversation is cut: events with a timestamp before `before` go (`count` of them)."""

    before: float
    count: int


def choose_cut(rows: Sequence[tuple[str, str | None, float]], keep_events: int, newest_deleted: float) -> Cut | None:
    """The cut of one conversation given its events' `(type_name, action_name, timestamp)` in id
    order, or None.

    A session begins with the `action_session_start` action that precedes its `session_started`
    event (kept with it, so a conversation of one session loses nothing). The cut is the latest
    session beginning `t` such that the events before `t` are all older than `newest_deleted` and
    at least `keep_events` events are at `t` or after it.
    """
    if keep_events < 0:
        raise ValueError("keep_events must be >= 0")
    beginnings = set()
    for index, (kind, _, stamp) in enumerate(rows):
        if kind != SESSION_STARTED or stamp is None:
            continue
        previous = rows[index - 1] if index else None
        if previous is not None and previous[1] == ACTION_SESSION_START and previous[2] is not None:
            stamp = min(stamp, previous[2])
        beginnings.add(float(stamp))
    timestamps = sorted(float(stamp) for _, _, stamp in rows if stamp is not None)
    for start in sorted(beginnings, reverse=True):
        deleted = bisect.bisect_left(timestamps, start)  # events strictly before the session begins
        if len(timestamps) - deleted < keep_events or (deleted and timestamps[deleted - 1] >= newest_deleted):
            continue
        return Cut(start, deleted) if deleted else None
    return None


def _tracker_engine(url: str | URL | None) -> Engine | None:
    """The conversation database; None when it is a SQLite file that does not exist (yet)."""
    parsed = parse_url(url if url is not None else tracker_database_url(), TRACKER_ENV)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        if not Path(parsed.database).exists():
            return None
    return engine(parsed)


def _events(tracker: Engine) -> sa.Table | None:
    schema = tracker_schema() if tracker.dialect.name == "postgresql" else None
    try:
        return sa.Table(EVENTS_TABLE, sa.MetaData(), schema=schema, autoload_with=tracker)
    except sa.exc.NoSuchTableError:
        return None


def trim_conversations(
    now: dt.datetime,
    keep_days: int = DEFAULT_KEEP_DAYS,
    keep_events: int = DEFAULT_KEEP_EVENTS,
    *,
    dry_run: bool = False,
    tracker_url: str | URL | None = None,
) -> dict[str, int]:
    """Cut every conversation at a session start (see the module doc); return the counts.

    `now` is an aware datetime; with `dry_run` nothing is deleted and the counts say what would be.
    """
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    if keep_days < 0 or keep_events < 0:
        raise ValueError("keep_days and keep_events must be >= 0")
    counts = {TRIMMED_CONVERSATIONS: 0, TRIMMED_EVENTS: 0}
    tracker = _tracker_engine(tracker_url)
    events = _events(tracker) if tracker is not None else None
    if tracker is None or events is None:
        return counts
    newest_deleted = (now - dt.timedelta(days=keep_days)).timestamp()
    # Only conversations long enough to lose something, with a session started before the limit.
    candidates = (
        sa.select(events.c.sender_id).group_by(events.c.sender_id)
        .having(sa.func.count() > keep_events)
        .having(sa.func.sum(sa.case((events.c.type_name == SESSION_STARTED, 1), else_=0)) > 0)
        .having(sa.func.min(events.c.timestamp) < newest_deleted)
    )
    with tracker.connect() as connection:
        senders = list(connection.execute(candidates).scalars())
    for sender in senders:
        with tracker.connect() as connection:
            rows = connection.execute(
                sa.select(events.c.type_name, events.c.action_name, events.c.timestamp)
                .where(events.c.sender_id == sender).order_by(events.c.id)
            ).all()
        cut = choose_cut([tuple(row) for row in rows], keep_events, newest_deleted)
        if cut is None:
            continue
        deleted = cut.count
        if not dry_run:
            with tracker.execution_options(**{WRITE_OPTION: True}).begin() as connection:
                deleted = connection.execute(
                    events.delete().where(events.c.sender_id == sender, events.c.timestamp < cut.before)
                ).rowcount
        if deleted:
            counts[TRIMMED_CONVERSATIONS] += 1
            counts[TRIMMED_EVENTS] += deleted
    logger.info("Conversations trimmed%s: %s conversations, %s events.", " (dry run)" if dry_run else "",
                counts[TRIMMED_CONVERSATIONS], counts[TRIMMED_EVENTS])
    return counts
