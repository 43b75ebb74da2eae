"""Indicators per territory and scheme over a period (Paris dates, both ends included).

- sheets created (by creation date), transmitted and validated (by the date of that status
  change in their history), per territory and per sheet type;
- contact requests per territory and kind, and the median time from a request to the first
  adviser message;
- conversations: distinct senders with an event in the period, in Rasa's `events` table of the
  tracker database (`TRACKER_DB_URL`, read with SQLAlchemy Core, never through Rasa). Its rows
  carry no territory: this count is for the whole département.

Only counts leave this module: nothing personal is read (no decryption at all).
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import sessionmaker

from bot.clock import PARIS
from bot.handoff.models import ContactRequestRecord, RequestKind
from bot.prescription.models import SheetRecord, SheetStatus, SheetType, StatusChangeRecord
from bot.storage.engine import engine, read_session
from bot.storage.urls import parse_url, tracker_database_url, tracker_schema

MAX_PERIOD_DAYS = 3 * 366


@dataclass
class Counts:
    created: int = 0
    transmitted: int = 0
    validated: int = 0
    requests: int = 0
    reply_delays: list[dt.timedelta] = field(default_factory=list)

    @property
    def median_reply(self) -> dt.timedelta | None:
        return statistics.median(self.reply_delays) if self.reply_delays else None

    def add(self, other: Counts) -> None:
        self.created += other.created
        self.transmitted += other.transmitted
        self.validated += other.validated
        self.requests += other.requests
        self.reply_delays.extend(other.reply_delays)


@dataclass
class Indicators:
    start: dt.date
    end: dt.date
    territories: tuple[str, ...]
    by_territory: dict[str, Counts]
    by_type: dict[SheetType, Counts]
    by_kind: dict[RequestKind, Counts]
    total: Counts
    conversations: int | None  # None: the tracker database is not there (yet)


def bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start 00:00, end + 1 day 00:00) in Europe/Paris, as aware datetimes."""
    return (dt.datetime.combine(start, dt.time(), tzinfo=PARIS),
            dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=PARIS))


def compute(sessions: sessionmaker, territories: Iterable[str], start: dt.date, end: dt.date, *,
            tracker_url: str | None = None) -> Indicators:
    chosen = tuple(territories)
    low, high = bounds(start, end)
    by_territory = {t: Counts() for t in chosen}
    by_type = {t: Counts() for t in SheetType}
    by_kind = {k: Counts() for k in RequestKind}
    with read_session(sessions) as session:
        created = session.execute(
            sa.select(SheetRecord.territory, SheetRecord.sheet_type, sa.func.count())
            .where(SheetRecord.territory.in_(chosen), SheetRecord.created_at >= low, SheetRecord.created_at < high)
            .group_by(SheetRecord.territory, SheetRecord.sheet_type)
        ).all()
        for territory, sheet_type, count in created:
            by_territory[territory].created += count
            by_type[SheetType(sheet_type)].created += count
        for status, attribute in ((SheetStatus.TRANSMISE, "transmitted"), (SheetStatus.VALIDEE, "validated")):
            changed = session.execute(
                sa.select(SheetRecord.territory, SheetRecord.sheet_type,
                          sa.func.count(sa.distinct(StatusChangeRecord.sheet_id)))
                .join(SheetRecord, SheetRecord.id == StatusChangeRecord.sheet_id)
                .where(SheetRecord.territory.in_(chosen), StatusChangeRecord.to_status == status.value,
                       StatusChangeRecord.changed_at >= low, StatusChangeRecord.changed_at < high)
                .group_by(SheetRecord.territory, SheetRecord.sheet_type)
            ).all()
            for territory, sheet_type, count in changed:
                setattr(by_territory[territory], attribute, getattr(by_territory[territory], attribute) + count)
                counts = by_type[SheetType(sheet_type)]
                setattr(counts, attribute, getattr(counts, attribute) + count)
        requests = session.execute(
            sa.select(ContactRequestRecord.territory, ContactRequestRecord.kind, ContactRequestRecord.created_at,
                      ContactRequestRecord.first_reply_at)
            .where(ContactRequestRecord.territory.in_(chosen), ContactRequestRecord.created_at >= low,
                   ContactRequestRecord.created_at < high)
        ).all()
    for territory, kind, created_at, first_reply_at in requests:
        for counts in (by_territory[territory], by_kind[RequestKind(kind)]):
            counts.requests += 1
            if first_reply_at is not None:
                counts.reply_delays.append(first_reply_at - created_at)
    total = Counts()
    for counts in by_territory.values():
        total.add(counts)
    return Indicators(start, end, chosen, by_territory, by_type, by_kind, total,
                      conversations_count(low, high, tracker_url))


def conversations_count(low: dt.datetime, high: dt.datetime, tracker_url: str | None = None) -> int | None:
    """Distinct senders with an event in [low, high) in Rasa's `events` table; None if it is absent."""
    url = parse_url(tracker_url or tracker_database_url(), "TRACKER_DB_URL")
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        if not Path(url.database).exists():
            return None
    tracker = engine(url)
    schema = tracker_schema() if tracker.dialect.name == "postgresql" else None
    try:
        events = sa.Table("events", sa.MetaData(), schema=schema, autoload_with=tracker)
    except sa.exc.NoSuchTableError:
        return None
    with tracker.connect() as connection:
        return int(connection.execute(
            sa.select(sa.func.count(sa.distinct(events.c.sender_id)))
            .where(events.c.timestamp >= low.timestamp(), events.c.timestamp < high.timestamp())
        ).scalar_one())


def default_period(today: dt.date) -> tuple[dt.date, dt.date]:
    """The last 30 days, today included."""
    return today - dt.timedelta(days=29), today
