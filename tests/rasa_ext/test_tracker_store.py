"""The tracker store against a real SQLite file and the local PostgreSQL, built as Rasa builds it."""

from __future__ import annotations

import logging
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from rasa.core.tracker_store import InMemoryTrackerStore, create_tracker_store
from rasa.core.tracker_store import TrackerStore as RasaTrackerStore
from rasa.core.utils import read_endpoints_from_path
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot.paths import ROOT
from rasa_ext.stores import tracker as tracker_module
from rasa_ext.stores.tracker import TrackerStore, TrackerStoreError, describe_url, tracker_db_url

POSTGRES_SERVER = "postgresql://postgres@127.0.0.1:5432"
DOMAIN = Domain.from_dict(
    {
        "intents": ["chercher_logement"],
        "slots": {"role": {"type": "text", "mappings": [{"type": "custom"}]}},
    }
)


def conversation(sender_id: str) -> DialogueStateTracker:
    return DialogueStateTracker.from_events(
        sender_id,
        [
            SessionStarted(),
            ActionExecuted("action_listen"),
            UserUttered("je cherche un logement", intent={"name": "chercher_logement", "confidence": 0.9}),
            SlotSet("role", "jeune"),
            BotUttered("Tu as quel âge ?", {"buttons": [{"title": "18 ans", "payload": "/inform_age"}]}),
            ActionExecuted("action_listen"),
        ],
        DOMAIN.slots,
    )


async def save_and_retrieve(store: RasaTrackerStore) -> None:
    tracker = conversation("conversation-1")
    await store.save(tracker)
    again = await store.retrieve("conversation-1")
    assert again is not None
    assert list(again.events) == list(tracker.events)
    assert again.get_slot("role") == "jeune"
    assert await store.retrieve("inconnu") is None
    assert list(await store.keys()) == ["conversation-1"]


@pytest.fixture
def sqlite_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path}/sous-dossier/tracker.db"
    monkeypatch.setenv("TRACKER_DB_URL", url)
    return url


# --- configuration ------------------------------------------------------------------------------


def test_without_tracker_db_url_the_store_is_a_sqlite_file_under_var() -> None:
    assert tracker_db_url({}) == f"sqlite:///{ROOT / 'var' / 'tracker.db'}"
    assert tracker_db_url({"TRACKER_DB_URL": "  "}) == f"sqlite:///{ROOT / 'var' / 'tracker.db'}"
    assert tracker_db_url({"TRACKER_DB_URL": "postgresql://u@h/db"}) == "postgresql://u@h/db"


def test_the_description_for_the_logs_never_holds_credentials() -> None:
    described = describe_url(sa.engine.make_url("postgresql://cj62:mot-de-passe@db.local:5433/conversations"))
    assert described == "postgresql at db.local:5433/conversations"
    assert describe_url(sa.engine.make_url("sqlite:///var/t.db")) == "sqlite file var/t.db"


def test_endpoints_yml_names_our_stores_and_the_action_server_with_its_token(monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setenv("ACTION_TOKEN", "jeton-actions")
    endpoints = read_endpoints_from_path(ROOT / "endpoints.yml")
    assert endpoints.tracker_store.type == "rasa_ext.stores.tracker.TrackerStore"
    assert endpoints.lock_store.type == "rasa_ext.stores.lock.LockStore"
    assert endpoints.action.url == "http://127.0.0.1:5055/webhook"
    assert endpoints.action.headers == {"X-Action-Token": "jeton-actions"}


# --- SQLite -------------------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_sqlite_saves_and_retrieves_a_conversation_in_wal_mode(sqlite_url: str, tmp_path: Path) -> None:
    store = TrackerStore(domain=DOMAIN)
    await save_and_retrieve(store)
    store.engine.dispose()
    database = tmp_path / "sous-dossier" / "tracker.db"
    with sqlite3.connect(database) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert connection.execute("SELECT count(*) FROM events").fetchone() == (6,)


@pytest.mark.asyncio
async def test_rasa_builds_it_from_endpoints_yml_not_falling_back_to_memory(sqlite_url: str, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setenv("ACTION_TOKEN", "jeton-actions")
    endpoints = read_endpoints_from_path(ROOT / "endpoints.yml")
    store = create_tracker_store(endpoints.tracker_store, DOMAIN)
    assert type(store) is TrackerStore
    assert type(RasaTrackerStore.create(endpoints.tracker_store, DOMAIN)) is TrackerStore
    await save_and_retrieve(store)


def test_it_logs_once_its_class_and_dialect(sqlite_url: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger=tracker_module.__name__)
    TrackerStore(domain=DOMAIN)
    lines = [record.getMessage() for record in caplog.records if record.name == tracker_module.__name__]
    where = sqlite_url.removeprefix("sqlite:///")
    assert lines == [f"Tracker store TrackerStore on sqlite file {where}, events encrypted at rest."]


def test_connection_settings_from_endpoints_are_ignored_with_a_warning(
    sqlite_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    store = TrackerStore(domain=DOMAIN, host="postgresql://x:secret@elsewhere/db", db="autre", password="secret")
    assert store.engine.url.get_backend_name() == "sqlite"
    assert "ignored" in caplog.text and "secret" not in caplog.text


@pytest.mark.parametrize(
    "url",
    [
        "pas une url:// avec mot-de-passe-secret",
        "mysql://cj62:mot-de-passe-secret@127.0.0.1/conversations",  # no MySQL driver: an ImportError
    ],
)
def test_a_bad_url_stops_rasa_without_quoting_it(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, url: str
) -> None:
    monkeypatch.setenv("TRACKER_DB_URL", url)
    with pytest.raises(TrackerStoreError) as raised:
        # Rasa's loader would turn an ImportError into an in-memory store: ours is not one.
        create_tracker_store(EndpointConfig(type="rasa_ext.stores.tracker.TrackerStore"), DOMAIN)
    assert "TRACKER_DB_URL" in str(raised.value)
    assert "mot-de-passe-secret" not in str(raised.value) and "mot-de-passe-secret" not in caplog.text


def test_an_unreachable_database_fails_after_the_attempts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACKER_DB_URL", "postgresql://postgres@127.0.0.1:1/rien")
    monkeypatch.setattr(TrackerStore, "connect_attempts", 2)
    monkeypatch.setattr(TrackerStore, "retry_seconds", 0)
    with pytest.raises(TrackerStoreError, match="2 essais"):
        TrackerStore(domain=DOMAIN)


def test_the_start_up_budget_against_a_database_that_is_down_stays_under_30_seconds() -> None:
    from rasa_ext.stores.tracker import CONNECT_TIMEOUT

    assert TrackerStore.connect_attempts * (TrackerStore.retry_seconds + CONNECT_TIMEOUT) <= 30


def test_the_in_memory_store_is_not_what_we_get() -> None:
    assert not issubclass(TrackerStore, InMemoryTrackerStore)


# --- PostgreSQL --------------------------------------------------------------------------------------


@pytest.fixture
def postgres_url(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A fresh database with a random name, dropped afterwards; skip if PostgreSQL does not answer."""
    admin = sa.create_engine(f"{POSTGRES_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    except sa.exc.OperationalError:
        admin.dispose()
        pytest.skip(f"PostgreSQL is not reachable at {POSTGRES_SERVER} (start it to run this test)")
    name = f"cj62_test_tracker_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    # A password the server does not need (trust authentication), to check that no log shows it.
    url = f"postgresql://postgres:mot-de-passe-secret@127.0.0.1:5432/{name}"
    monkeypatch.setenv("TRACKER_DB_URL", url)
    monkeypatch.delenv("POSTGRESQL_SCHEMA", raising=False)
    try:
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.mark.asyncio
async def test_postgresql_saves_and_retrieves_in_the_rasa_schema(
    postgres_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    store = TrackerStore(domain=DOMAIN)
    try:
        await save_and_retrieve(store)
        with store.engine.connect() as connection:
            tables = connection.execute(
                sa.text("SELECT table_schema FROM information_schema.tables WHERE table_name = 'events'")
            ).scalars()
            assert list(tables) == ["rasa"]
        assert "Tracker store TrackerStore on postgresql at 127.0.0.1:5432/" in caplog.text
        assert "mot-de-passe-secret" not in caplog.text
        second_replica = TrackerStore(domain=DOMAIN)  # the schema and table are already there
        assert list(await second_replica.keys()) == ["conversation-1"]
        second_replica.engine.dispose()
    finally:
        store.engine.dispose()


async def test_events_are_encrypted_at_rest_and_read_back(sqlite_url: str) -> None:
    """A planted name, phone and date of birth never appear in clear in the events table."""
    store = TrackerStore(domain=DOMAIN)
    tracker = DialogueStateTracker.from_events("secret-sender", [
        UserUttered("je m'appelle Ophélie Zorglub, 06 98 76 54 32, née le 12/03/2008"),
        SlotSet("role", "jeune"),
    ])
    await store.save(tracker)
    database = Path(sqlite_url.removeprefix("sqlite:///"))
    raw = b"".join(path.read_bytes() for path in database.parent.glob(database.name + "*"))  # with the WAL file
    with store.engine.connect() as connection:
        stored = " ".join(row[0] for row in connection.execute(sa.text("SELECT data FROM events")))
    for planted in ("Zorglub", "06 98 76 54 32", "12/03/2008"):
        assert planted not in stored and planted.encode() not in raw
    again = await store.retrieve("secret-sender")
    assert again.latest_message.text.startswith("je m'appelle Ophélie Zorglub")


async def test_no_intent_nor_telling_action_name_is_kept_in_clear(sqlite_url: str) -> None:
    """Issue 16: `distress` / `action_distress` sat in clear columns beside the sender id."""
    store = TrackerStore(domain=DOMAIN)
    await store.save(DialogueStateTracker.from_events("psid-1", [
        ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen"),
        UserUttered("jveux plus vivre", intent={"name": "distress", "confidence": 0.99}),
        ActionExecuted("action_distress"), ActionExecuted("action_listen"),
    ]))
    with store.engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT intent_name, action_name FROM events ORDER BY id")).all()
    assert all(intent is None for intent, _ in rows)
    assert [action for _, action in rows if action] == ["action_session_start", "action_listen", "action_listen"]
    assert (await store.retrieve("psid-1")).latest_message.intent["name"] == "distress"  # still in `data`

    with store.engine.begin() as connection:  # a row as written before issue 16
        connection.execute(sa.text("UPDATE events SET intent_name = 'distress', action_name = 'action_distress'"
                                   " WHERE type_name = 'user'"))
    TrackerStore(domain=DOMAIN)  # the next start blanks it
    with store.engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM events WHERE intent_name IS NOT NULL"
                                          " OR action_name = 'action_distress'")).scalar() == 0
