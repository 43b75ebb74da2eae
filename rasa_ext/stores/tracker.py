"""Conversation store: Rasa's `SQLTrackerStore` on the database named by `TRACKER_DB_URL`.

endpoints.yml says `tracker_store: {type: rasa_ext.stores.tracker.TrackerStore}`; Rasa then
builds it as `TrackerStore(host=…, domain=…, event_broker=…, **kwargs)` and we ignore `host` and
the connection kwargs: the URL comes from the environment (Rasa's `${VAR}` has no default).

- `TRACKER_DB_URL` unset: a SQLite file `var/tracker.db` under the project root.
- SQLite: WAL journal (`enable_wal`, with `synchronous=NORMAL`) on every connection; the folder is
  created if needed.
- PostgreSQL: Rasa's `events` table lives in the schema `rasa` (CONVENTIONS.md: `rasa` for
  conversations, `cj62` for application data), created if missing; Rasa's `POSTGRESQL_SCHEMA`
  overrides the name. Pool sizes follow Rasa's `SQL_POOL_SIZE` / `SQL_MAX_OVERFLOW`.
- The database must answer within `connect_attempts` × (`retry_seconds` + the connection timeout),
  under 30 s (Rasa would wait forever).
- One INFO line at start-up names the class, the dialect and where the data is, never the
  password; no error message repeats the URL.
- Every event's `data` (user text, slots, bot messages, intents, actions) is encrypted at rest with
  `CJ62_FERNET_KEY` (Rasa Open Source has no anonymisation of its own); `sender_id`, type and
  timestamp stay in clear for queries, erasure and retention, and of the names only the session
  boundaries (`CLEAR_ACTIONS`, for the purge): an intent such as `distress` beside a Messenger
  PSID says too much (issue 16; rows written before are blanked at start-up). A row written before
  encryption (plain JSON) is still read.
- A long session is read from a cut point (`session_cuts.py`): the slots and form as they were
  there, then the last events; each turn then costs the same at 50 or 5 000 events.
- Construction errors are raised as `TrackerStoreError`: Rasa's loader turns an `ImportError`
  or `AttributeError` (a missing database driver, say) into a silent fallback to the in-memory
  store, which would lose every conversation at the next restart.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import logging
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import sqlalchemy.exc
from rasa.core.constants import POSTGRESQL_SCHEMA
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.core.tracker_store import TrackerStore as RasaTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.engine import URL, Engine, make_url

from bot.crypto import CryptoError, cipher
from bot.paths import ROOT
from bot.storage.engine import enable_wal
from rasa_ext.stores.session_cuts import STORED_EVENTS, SessionCuts

logger = logging.getLogger(__name__)

ENV_VAR = "TRACKER_DB_URL"
ENCRYPTED_PREFIX = "enc1:"
DEFAULT_PATH = ROOT / "var" / "tracker.db"
POSTGRESQL_DEFAULT_SCHEMA = "rasa"
CONNECT_TIMEOUT = 2  # seconds, per PostgreSQL connection attempt at start-up (libpq: 2 at least)
_CONNECTION_KWARGS = ("dialect", "port", "db", "username", "password", "login_db", "query")
# The only action names kept in the clear column `action_name`: the session boundaries that the
# purge (bot/storage/purge.py) finds without decrypting. Every other action, and every intent,
# says what the person said or lives ("distress", "action_distress" beside a Messenger PSID): they
# are in the encrypted `data` only (issue 16).
CLEAR_ACTIONS = frozenset({"action_session_start", "action_listen", "action_restart"})


class TrackerStoreError(RuntimeError):
    """The tracker store cannot start (deliberately not an ImportError: see the module doc)."""


def tracker_db_url(environ: os._Environ[str] | dict[str, str] | None = None) -> str:
    """`TRACKER_DB_URL`, or the SQLite file under `var/` when it is unset or blank."""
    environ = os.environ if environ is None else environ
    return environ.get(ENV_VAR, "").strip() or f"sqlite:///{DEFAULT_PATH}"


def describe_url(url: URL) -> str:
    """Where the data is, for the logs: dialect, host, port and database, never user or password."""
    if url.get_backend_name() == "sqlite":
        return f"sqlite file {url.database}" if url.database not in (None, "", ":memory:") else "sqlite in memory"
    where = f"{url.host or 'localhost'}{f':{url.port}' if url.port else ''}/{url.database or ''}"
    return f"{url.get_backend_name()} at {where}"


class TrackerUnavailable(BaseException):  # noqa: N818 — not an Exception on purpose
    """The conversations database cannot be read or written now.

    A `BaseException`, so that it passes through Rasa's `FailSafeTrackerStore` (which catches
    `Exception` and would go on with a blank conversation: the form and the answers lost) up to
    our input channels, which answer a short apology. Nothing of the turn is saved, so the
    conversation continues intact once the database is back.
    """


@contextlib.contextmanager
def unavailable_on_database_error(operation: str) -> Iterator[None]:
    try:
        yield
    except sa.exc.SQLAlchemyError as error:
        logger.error("Tracker database unavailable during %s (%s).", operation, type(error).__name__)
        raise TrackerUnavailable(operation) from None


class TrackerStore(SQLTrackerStore):
    """Rasa's SQL tracker store, configured by `TRACKER_DB_URL` (see the module doc)."""

    # Issue 7: a server whose database is down stops within 30 s with a clear message
    # (5 attempts, 3.5 s apart, each connection giving up after CONNECT_TIMEOUT seconds: ≤ 27.5 s).
    connect_attempts = 5
    retry_seconds = 3.5

    def __init__(
        self,
        domain: Domain | None = None,
        host: str | None = None,
        event_broker: Any = None,
        **kwargs: Any,
    ) -> None:
        ignored = sorted(key for key in kwargs if key in _CONNECTION_KWARGS)
        if host or ignored:
            logger.warning(
                "Tracker store: %s from endpoints.yml ignored, the database is %s.",
                ", ".join(["url"] * bool(host) + ignored),
                ENV_VAR,
            )
        kwargs = {key: value for key, value in kwargs.items() if key not in _CONNECTION_KWARGS}
        try:
            url = self._url()
            self.engine = self._connect(url)
            self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        except TrackerStoreError:
            raise
        except Exception as error:
            raise TrackerStoreError(
                f"Le stockage des conversations ne démarre pas ({type(error).__name__}) : vérifiez {ENV_VAR}."
            ) from error
        try:
            self.cipher = cipher()
        except CryptoError as error:
            raise TrackerStoreError(str(error)) from None
        self.cuts = SessionCuts()
        logger.info("Tracker store %s on %s, events encrypted at rest.", type(self).__name__, describe_url(url))
        RasaTrackerStore.__init__(self, domain, event_broker, **kwargs)

    # --- encrypted events (Rasa's save and _retrieve, with the `data` column encrypted) ----------

    def _seal(self, data: dict[str, Any]) -> str:
        return ENCRYPTED_PREFIX + self.cipher.encrypt(json.dumps(data))

    def _open(self, stored: str) -> dict[str, Any]:
        if stored.startswith(ENCRYPTED_PREFIX):
            return json.loads(self.cipher.decrypt(stored[len(ENCRYPTED_PREFIX):]))
        return json.loads(stored)

    async def save(self, tracker: DialogueStateTracker) -> None:
        with unavailable_on_database_error("save"):
            await self._save(tracker)

    async def _retrieve(self, sender_id: str, fetch_events_from_all_sessions: bool) -> DialogueStateTracker | None:
        with unavailable_on_database_error("retrieve"):
            return await self._read(sender_id, fetch_events_from_all_sessions)

    async def keys(self):  # type: ignore[no-untyped-def]
        with unavailable_on_database_error("keys"):
            return await super().keys()

    async def _save(self, tracker: DialogueStateTracker) -> None:
        await self.stream_events(tracker)
        with self.session_scope() as session:
            rows = []
            for event in self._unsaved_events(session, tracker):
                data = event.as_dict()
                rows.append({
                    "sender_id": tracker.sender_id,
                    "type_name": event.type_name,
                    "timestamp": data.get("timestamp"),
                    "intent_name": None,  # in `data` only, encrypted (see CLEAR_ACTIONS)
                    "action_name": data.get("name") if data.get("name") in CLEAR_ACTIONS else None,
                    "data": self._seal(data),
                })
            if rows:  # one INSERT of all the turn's events, without the ORM's unit of work (issue 15)
                session.execute(self.SQLEvent.__table__.insert(), rows)
            session.commit()
        setattr(tracker, STORED_EVENTS, len(tracker.events))

    async def _read(self, sender_id: str, fetch_events_from_all_sessions: bool) -> DialogueStateTracker | None:
        if not self.domain:
            return None
        with self.session_scope() as session:
            # Only the two columns read, as rows: no ORM object built per event (issue 15).
            query = self._event_query(session, sender_id, fetch_events_from_all_sessions).with_entities(
                self.SQLEvent.id, self.SQLEvent.data)
            if fetch_events_from_all_sessions:
                events = [self._open(row.data) for row in query.all()]
                return DialogueStateTracker.from_dict(sender_id, events, self.domain.slots) if events else None
            return self._read_session(session, query, sender_id)

    def _read_session(self, session: Any, query: Any, sender_id: str) -> DialogueStateTracker | None:
        """The current session, from its cut point when this process knows one (see `SessionCuts`)."""
        cut = self.cuts.get(sender_id)
        rows = query.filter(self.SQLEvent.id >= cut.event_id).all() if cut else []
        if cut and rows and rows[0].id == cut.event_id:
            prefix = cut.events()
        else:  # no cut known, or its event is gone (erased, purged, a new session): read it all
            self.cuts.forget(sender_id)
            rows, prefix = query.all(), []
        if not rows:
            return None
        events = prefix + [self._open(row.data) for row in rows]
        tracker = DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        self.cuts.advance(tracker, len(prefix), [row.id for row in rows], self.domain.slots)
        setattr(tracker, STORED_EVENTS, len(tracker.events))
        return tracker

    def _unsaved_events(self, session: Any, tracker: DialogueStateTracker) -> list[Any]:
        """The events of `tracker` not in the database yet: those after what `_read` loaded (a tracker
        read from a cut point holds fewer events than the database), else Rasa's count."""
        stored = getattr(tracker, STORED_EVENTS, None)
        if stored is None:
            return list(self._additional_events(session, tracker))
        return list(itertools.islice(tracker.events, stored, None))

    # --- the engine ---------------------------------------------------------------------------

    def _url(self) -> URL:
        try:
            return make_url(tracker_db_url())
        except sa.exc.ArgumentError:
            # SQLAlchemy's message quotes the URL, password included.
            raise TrackerStoreError(f"{ENV_VAR} n'est pas une URL SQLAlchemy valide.") from None

    def _connect(self, url: URL) -> Engine:
        """Build the engine, then the schema and table, retrying while the database starts."""
        engine = self._create_engine(url)
        for attempt in range(1, self.connect_attempts + 1):
            try:
                self._prepare_database(engine)
                return engine
            except sa.exc.OperationalError as error:
                if attempt == self.connect_attempts:
                    raise TrackerStoreError(
                        f"La base des conversations ne répond pas après {attempt} essais : vérifiez {ENV_VAR}."
                    ) from error
                logger.warning(
                    "Tracker database not reachable (attempt %d of %d): %s",
                    attempt,
                    self.connect_attempts,
                    type(error.orig).__name__,
                )
                time.sleep(self.retry_seconds)
        raise AssertionError("unreachable")  # pragma: no cover

    def _create_engine(self, url: URL) -> Engine:
        backend = url.get_backend_name()
        if backend == "sqlite":
            kwargs = {}
            if url.database not in (None, "", ":memory:"):
                Path(url.database).parent.mkdir(parents=True, exist_ok=True)
                # SQLAlchemy 1.4 opens a new connection per session on a SQLite file (NullPool): keep
                # a pool (measured: ~3 % of a turn went to connecting and setting the pragmas).
                kwargs = {"poolclass": sa.pool.QueuePool, "connect_args": {"check_same_thread": False}}
            engine = sa.create_engine(url, **kwargs)
            sa.event.listen(engine, "connect", _sqlite_pragmas)
            return engine
        kwargs = create_engine_kwargs(url)
        if backend == "postgresql":
            kwargs["connect_args"] = {"options": f"-csearch_path={self.postgresql_schema()}",
                                      "connect_timeout": CONNECT_TIMEOUT}
        return sa.create_engine(url, pool_pre_ping=True, **kwargs)  # connections cut meanwhile are replaced

    @staticmethod
    def postgresql_schema() -> str:
        return os.environ.get(POSTGRESQL_SCHEMA) or POSTGRESQL_DEFAULT_SCHEMA

    def _prepare_database(self, engine: Engine) -> None:
        """Create the PostgreSQL schema and Rasa's table if missing (several replicas may race)."""
        if engine.dialect.name == "postgresql":
            schema = self.postgresql_schema()
            if schema not in sa.inspect(engine).get_schema_names():
                quoted = engine.dialect.identifier_preparer.quote_identifier(schema)
                try:
                    with engine.begin() as connection:
                        connection.execute(sa.text(f"CREATE SCHEMA IF NOT EXISTS {quoted}"))
                except (sa.exc.IntegrityError, sa.exc.ProgrammingError):
                    if schema not in sa.inspect(engine).get_schema_names():
                        raise
        try:
            self.Base.metadata.create_all(engine)
        except (sa.exc.IntegrityError, sa.exc.ProgrammingError) as error:
            if not sa.inspect(engine).has_table(self.SQLEvent.__tablename__):
                raise
            logger.info("Tracker table created by another process (%s).", type(error).__name__)
        self._clear_names_written_before(engine)

    def _clear_names_written_before(self, engine: Engine) -> None:
        """Rows saved before issue 16 hold every intent and action name in clear: blank them (idempotent)."""
        events = self.SQLEvent.__table__
        with engine.begin() as connection:
            connection.execute(events.update().where(events.c.intent_name.isnot(None)).values(intent_name=None))
            connection.execute(events.update().where(events.c.action_name.isnot(None))
                               .where(events.c.action_name.notin_(sorted(CLEAR_ACTIONS))).values(action_name=None))


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        enable_wal(cursor)
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()
