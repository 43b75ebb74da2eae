"""`python -m bot purge --keep-days/--keep-events` (bot/storage/purge.py) against our real tracker store,
on a SQLite file and on the local PostgreSQL: a long conversation loses its old sessions, Rasa loads
it identically (slots, form, events), a later turn is saved without a duplicate, a second run trims
nothing, a dry run changes nothing, and the command prints counts, nothing personal."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    Event,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from bot.paths import ROOT
from bot.storage import dispose_engines
from bot.storage.purge import TRIMMED_CONVERSATIONS, TRIMMED_EVENTS, trim_conversations
from bot.storage.testing import PostgresUnavailable, temporary_postgres_database
from rasa_ext.stores.tracker import TrackerStore

NOW = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
SESSIONS = 12  # one every 5 days, the last one yesterday
PLANTED = "Zoé Quelconque-Tartempion, 06 11 22 33 44, née le 03/04/2007"


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(ROOT / "domain.yml")


@pytest.fixture(params=["sqlite", "postgresql"])
def tracker_url(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.delenv("POSTGRESQL_SCHEMA", raising=False)
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'tracker.db'}"
        monkeypatch.setenv("TRACKER_DB_URL", url)
        yield url
        dispose_engines()
        return
    try:
        with temporary_postgres_database("cj62_purge") as url:
            monkeypatch.setenv("TRACKER_DB_URL", url)
            yield url
    except PostgresUnavailable as unavailable:
        pytest.skip(f"{unavailable} (purge sur PostgreSQL non testée)")


class Clock:
    """Increasing timestamps from a given moment (Rasa orders a session by them)."""

    def __init__(self, start: dt.datetime) -> None:
        self.now = start.timestamp()

    def __call__(self) -> float:
        self.now += 1.5
        return self.now


def session(clock: Clock, carried: dict[str, object], turns: list[tuple[str, str, dict[str, object]]]) -> list[Event]:
    """What Rasa stores for one session: its start with the slots carried over, then turns."""
    events: list[Event] = [ActionExecuted("action_session_start", timestamp=clock()),
                           SessionStarted(timestamp=clock())]
    events += [SlotSet(name, value, timestamp=clock()) for name, value in carried.items()]
    events.append(ActionExecuted("action_listen", timestamp=clock()))
    for text, intent, slots in turns:
        events.append(UserUttered(text, intent={"name": intent, "confidence": 0.9}, timestamp=clock()))
        events += [SlotSet(name, value, timestamp=clock()) for name, value in slots.items()]
        events.append(BotUttered("D'accord.", timestamp=clock()))
        events.append(ActionExecuted("action_listen", timestamp=clock()))
    return events


def long_conversation(sender: str, domain: Domain) -> DialogueStateTracker:
    """SESSIONS sessions, one every 5 days; an orientation form runs in the last one (yesterday)."""
    events: list[Event] = []
    slots: dict[str, object] = {}
    for index in range(SESSIONS):
        clock = Clock(NOW - dt.timedelta(days=5 * (SESSIONS - 1 - index) + 1))
        turn_slots = {"explained_terms": [f"terme{index}"], "pending_fact": f"fait{index}"}
        events += session(clock, dict(slots), [(PLANTED, "inform", turn_slots), ("merci", "thanks", {})])
        slots.update(turn_slots)
    clock = Clock(NOW - dt.timedelta(hours=20))
    events += [UserUttered("je cherche une aide", intent={"name": "orientation", "confidence": 0.9},
                           timestamp=clock()),
               ActionExecuted("orientation_form", timestamp=clock()),
               ActiveLoop("orientation_form", timestamp=clock()),
               SlotSet("role", "jeune", timestamp=clock()), SlotSet("age", 17, timestamp=clock()),
               SlotSet("requested_slot", "commune", timestamp=clock()),
               BotUttered("Dans quelle commune habites-tu ?", timestamp=clock()),
               ActionExecuted("action_listen", timestamp=clock())]
    return DialogueStateTracker.from_events(sender, events, domain.slots)


def short_conversation(sender: str, domain: Domain) -> DialogueStateTracker:
    clock = Clock(NOW - dt.timedelta(days=90))
    return DialogueStateTracker.from_events(sender, session(clock, {}, [("bonjour", "greet", {"role": "jeune"})]),
                                            domain.slots)


def row_counts(url: str) -> dict[str, int]:
    engine = sa.create_engine(url)
    schema = "rasa" if engine.dialect.name == "postgresql" else None
    try:
        events = sa.Table("events", sa.MetaData(), schema=schema, autoload_with=engine)
        with engine.connect() as connection:
            rows = connection.execute(sa.select(events.c.sender_id, sa.func.count()).group_by(events.c.sender_id))
            return {sender: count for sender, count in rows}
    finally:
        engine.dispose()


def state(tracker: DialogueStateTracker) -> tuple:
    return tracker.current_slot_values(), tracker.active_loop_name, tracker.is_paused()


async def test_old_sessions_go_and_the_conversation_loads_identically(tracker_url: str, domain: Domain) -> None:
    store = TrackerStore(domain=domain)
    long_id, short_id = f"longue-{uuid.uuid4().hex[:8]}", f"courte-{uuid.uuid4().hex[:8]}"
    await store.save(long_conversation(long_id, domain))
    await store.save(short_conversation(short_id, domain))
    before = row_counts(tracker_url)
    loaded = await store.retrieve(long_id)
    full = await store.retrieve_full_tracker(long_id)
    assert loaded.active_loop_name == "orientation_form" and loaded.get_slot("pending_fact") == f"fait{SESSIONS - 1}"

    dry = trim_conversations(NOW, keep_days=7, keep_events=0, dry_run=True)
    assert row_counts(tracker_url) == before
    # Sessions older than 7 days go (the last two started 1 and 6 days ago): 10 sessions.
    assert dry[TRIMMED_CONVERSATIONS] == 1 and dry[TRIMMED_EVENTS] > 0
    assert trim_conversations(NOW, keep_days=7, keep_events=0) == dry
    after = row_counts(tracker_url)
    assert after == {long_id: before[long_id] - dry[TRIMMED_EVENTS], short_id: before[short_id]}

    again = await store.retrieve(long_id)
    assert [e.as_dict() for e in again.events] == [e.as_dict() for e in loaded.events]
    assert state(again) == state(loaded) and again.active_loop_name == "orientation_form"
    assert state(await store.retrieve_full_tracker(long_id)) == state(full)
    assert trim_conversations(NOW, keep_days=7, keep_events=0) == {TRIMMED_CONVERSATIONS: 0, TRIMMED_EVENTS: 0}

    # The next turn is saved as Rasa saves it (only the new events), with no duplicate.
    again.update(UserUttered("Lens", intent={"name": "inform", "confidence": 0.9}))
    again.update(SlotSet("commune", "Lens"))
    await store.save(again)
    assert row_counts(tracker_url)[long_id] == after[long_id] + 2
    assert (await store.retrieve(long_id)).get_slot("commune") == "Lens"


async def test_keep_events_and_keep_days_hold_back_the_cut(tracker_url: str, domain: Domain) -> None:
    store = TrackerStore(domain=domain)
    sender = f"longue-{uuid.uuid4().hex[:8]}"
    await store.save(long_conversation(sender, domain))
    total = row_counts(tracker_url)[sender]
    # Everything is younger than 100 days: nothing goes.
    assert trim_conversations(NOW, keep_days=100, keep_events=0)[TRIMMED_EVENTS] == 0
    # At least 60 events kept: the cut moves back to an earlier session start.
    counts = trim_conversations(NOW, keep_days=0, keep_events=60)
    left = row_counts(tracker_url)[sender]
    assert counts[TRIMMED_EVENTS] == total - left and 60 <= left < total
    assert trim_conversations(NOW, keep_days=0, keep_events=60)[TRIMMED_EVENTS] == 0
    # Down to the last session (its `action_session_start` action, which Rasa does not load, then
    # what Rasa loads), never into it.
    trim_conversations(NOW, keep_days=0, keep_events=0)
    loaded = await store.retrieve(sender)
    assert row_counts(tracker_url)[sender] == 1 + len(loaded.events)
    assert loaded.active_loop_name == "orientation_form" and loaded.get_slot("age") == 17


def test_the_command_prints_counts_and_nothing_personal(tracker_url: str, domain: Domain, tmp_path: Path) -> None:
    import asyncio

    sender = f"longue-{uuid.uuid4().hex[:8]}"
    asyncio.run(TrackerStore(domain=domain).save(long_conversation(sender, domain)))
    before = row_counts(tracker_url)[sender]
    env = {k: v for k, v in os.environ.items() if k not in ("BOT_TODAY", "POSTGRESQL_SCHEMA")}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'app.db'}", TRACKER_DB_URL=tracker_url)

    def bot(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "bot", *args], capture_output=True, text=True, cwd=ROOT,
                              env=env, timeout=120)

    assert bot("db", "upgrade").returncode == 0
    dry = bot("purge", "--dry-run", "--keep-days", "7", "--keep-events", "0")
    assert dry.returncode == 0, dry.stderr
    assert "simulation" in dry.stdout and f"{TRIMMED_CONVERSATIONS} : 1" in dry.stdout
    assert row_counts(tracker_url)[sender] == before
    done = bot("purge", "--keep-days", "7", "--keep-events", "0")
    assert done.returncode == 0, done.stderr
    removed = before - row_counts(tracker_url)[sender]
    assert removed > 0 and f"{TRIMMED_EVENTS} : {removed}" in done.stdout
    assert f"{TRIMMED_EVENTS} : 0" in bot("purge", "--keep-days", "7", "--keep-events", "0").stdout
    assert bot("purge", "--keep-events", "-1").returncode == 2
    for output in (dry.stdout, dry.stderr, done.stdout, done.stderr):
        assert "Zoé" not in output and "06 11" not in output and "2007" not in output and sender not in output
