"""Engines and sessions of the application database, built lazily and cached per URL.

- SQLite: the file's folder is created on first use; connections are pooled (SQLAlchemy 1.4 opens a
  new one per session on a file otherwise: with the WAL pragma, a fifth of a turn's CPU, issue 15),
  each set up once in WAL mode (`enable_wal`) with
  foreign keys on and a 30 s busy timeout; the driver's own transaction handling is replaced by
  explicit `BEGIN`, so that a write session can take the write lock first (`BEGIN IMMEDIATE`) and
  never fails half-way when another process writes (see `write_session`). The schema `cj62`
  is translated to no schema.
- PostgreSQL: `pool_pre_ping` (a database restarted meanwhile costs no request), a connection
  timeout, tables in the schema `cj62`; rows that a write session reads
  before changing them are locked with `SELECT … FOR UPDATE` by the repositories.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import URL, Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.storage.base import SCHEMA
from bot.storage.urls import StorageError, database_url, parse_url

WRITE_OPTION = "cj62_write"
SQLITE_BUSY_TIMEOUT_MS = 30_000
# Seconds before a PostgreSQL connection attempt gives up: a server that does not answer fails the
# request with an error instead of holding it for the system's TCP timeout (minutes).
POSTGRESQL_CONNECT_TIMEOUT = 5

_engines: dict[str, Engine] = {}
_factories: dict[str, sessionmaker] = {}
_lock = threading.Lock()


def enable_wal(cursor: Any, *, wait: float = SQLITE_BUSY_TIMEOUT_MS / 1000,
               sleep: Callable[[float], None] = time.sleep) -> None:
    """Put the database in WAL mode, which SQLite then keeps in the file.

    Switching needs an exclusive lock, and when other processes open the same new file at that
    moment SQLite may answer "database is locked" at once, without its busy handler (it would
    risk a deadlock): seen in CI with four replicas migrating together. So we retry for up to
    `wait` seconds, and skip the switch when the file is already in WAL mode.
    """
    deadline = time.monotonic() + wait
    delay = 0.01
    while True:
        try:
            if str(cursor.execute("PRAGMA journal_mode").fetchone()[0]).lower() != "wal":
                cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) and "busy" not in str(error):
                raise
            if time.monotonic() + delay > deadline:
                raise
        sleep(delay)
        delay = min(delay * 2, 0.25)


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # we emit BEGIN ourselves (see _sqlite_begin)
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        enable_wal(cursor)
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
    finally:
        cursor.close()


def _sqlite_begin(connection: sa.engine.Connection) -> None:
    immediate = connection.get_execution_options().get(WRITE_OPTION, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def create_engine(url: str | URL) -> Engine:
    """A new engine for `url` configured as the module doc says (prefer `engine()`, which caches)."""
    parsed = parse_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database not in (None, "", ":memory:"):
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        in_memory = parsed.database in (None, "", ":memory:")
        created = sa.create_engine(
            parsed,
            future=True,
            # One connection per in-memory database (each connection would be its own database).
            poolclass=sa.pool.SingletonThreadPool if in_memory else sa.pool.QueuePool,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
            execution_options={"schema_translate_map": {SCHEMA: None}},
        )
        sa.event.listen(created, "connect", _sqlite_connect)
        sa.event.listen(created, "begin", _sqlite_begin)
        return created
    if parsed.get_backend_name() != "postgresql":
        raise StorageError("Seules SQLite et PostgreSQL sont prises en charge pour DATABASE_URL.")
    return sa.create_engine(parsed, future=True, pool_pre_ping=True,
                            connect_args={"connect_timeout": POSTGRESQL_CONNECT_TIMEOUT})


def engine(url: str | URL | None = None) -> Engine:
    """The engine of `url` (default: `DATABASE_URL`), created on first use and then reused."""
    key = str(parse_url(url if url is not None else database_url()))
    with _lock:
        if key not in _engines:
            _engines[key] = create_engine(key)
        return _engines[key]


def session_factory(url: str | URL | None = None) -> sessionmaker:
    """A `sessionmaker` bound to `engine(url)`; objects stay readable after commit."""
    key = str(parse_url(url if url is not None else database_url()))
    bound = engine(key)
    with _lock:
        if key not in _factories:
            _factories[key] = sessionmaker(bind=bound, future=True, expire_on_commit=False)
        return _factories[key]


@contextmanager
def read_session(factory: sessionmaker) -> Iterator[Session]:
    """A session for reading; rolled back and closed at the end."""
    session = factory()
    try:
        yield session
    finally:
        session.rollback()
        session.close()


@contextmanager
def write_session(factory: sessionmaker) -> Iterator[Session]:
    """A session that writes: committed at the end, rolled back on error.

    On SQLite the transaction starts with `BEGIN IMMEDIATE`: it waits (busy timeout) for the
    write lock instead of reading a snapshot that a concurrent writer would make stale.
    """
    session = factory()
    try:
        session.connection(execution_options={WRITE_OPTION: True})
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def dispose_engine(url: str | URL) -> None:
    """Close and forget the cached engine of `url`, if any."""
    key = str(parse_url(url))
    with _lock:
        cached = _engines.pop(key, None)
        _factories.pop(key, None)
    if cached is not None:
        cached.dispose()


def dispose_engines() -> None:
    """Close every cached engine (tests, and processes that fork)."""
    with _lock:
        for cached in _engines.values():
            cached.dispose()
        _engines.clear()
        _factories.clear()
