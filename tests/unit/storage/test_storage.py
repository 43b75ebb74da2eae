"""bot.storage: URLs, lazy engines, migrations in the schema cj62, models equal to migrations,
references unique across processes."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.environment import EnvironmentContext
from alembic.script import ScriptDirectory

from bot import storage
from bot.paths import ROOT
from bot.prescription.models import REFERENCE_SEQUENCE
from bot.storage.base import UtcDateTime
from bot.storage.engine import enable_wal
from bot.storage.migrator import alembic_config, current_revision, head_revision
from bot.storage.sequences import next_value
from bot.storage.testing import PostgresUnavailable, temporary_postgres_database
from bot.storage.urls import database_url, describe_url, tracker_database_url


def test_urls_default_to_sqlite_files_under_var() -> None:
    assert database_url({}) == f"sqlite:///{ROOT / 'var' / 'app.db'}"
    assert database_url({"DATABASE_URL": "  "}) == f"sqlite:///{ROOT / 'var' / 'app.db'}"
    assert database_url({"DATABASE_URL": "postgresql://u@h/db"}) == "postgresql://u@h/db"
    assert tracker_database_url({}) == f"sqlite:///{ROOT / 'var' / 'tracker.db'}"
    assert describe_url("postgresql://cj62:mot-de-passe@db.local:5433/app") == "postgresql at db.local:5433/app"


def test_nothing_is_created_at_import_time(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "app.db"
    probe = ("import importlib, pkgutil, bot\n"
             "for m in pkgutil.walk_packages(bot.__path__, 'bot.'):\n"
             "    importlib.import_module(m.name)\n")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{target}", "TRACKER_DB_URL": f"sqlite:///{tmp_path / 't.db'}"}
    env.pop("CJ62_FERNET_KEY", None)
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stderr
    assert list(tmp_path.iterdir()) == []


def test_an_unsupported_database_is_refused_in_french() -> None:
    with pytest.raises(storage.StorageError, match="SQLite et PostgreSQL"):
        storage.engine("mysql://u@h/db")
    with pytest.raises(storage.StorageError, match="n'est pas une URL") as raised:
        storage.engine("pas une url:secret@")
    assert "secret" not in str(raised.value)


def test_sqlite_is_created_on_first_use_in_wal_mode_without_schema(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'deep' / 'app.db'}"
    assert storage.migrate(url) == head_revision()
    assert storage.migrate(url) == head_revision()  # idempotent
    engine = storage.engine(url)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        tables = set(sa.inspect(connection).get_table_names())
    assert {"sheets", "sheet_status_changes", "alembic_version", "sequences"} <= tables
    storage.dispose_engine(url)


def test_sqlite_sessions_reuse_pooled_connections_across_threads(tmp_path: Path) -> None:
    """Issue 15: a new connection (and its WAL pragma) per session was a fifth of a turn's CPU."""
    from bot.storage.engine import read_session, write_session

    url = f"sqlite:///{tmp_path / 'app.db'}"
    storage.migrate(url)
    storage.dispose_engine(url)
    connections: list[object] = []
    sa.event.listen(storage.engine(url), "connect", lambda dbapi, _record: connections.append(dbapi))
    factory = storage.session_factory(url)

    def sessions() -> None:
        for _ in range(5):
            with write_session(factory) as session:
                session.execute(sa.text("SELECT 1"))
            with read_session(factory) as session:
                session.execute(sa.text("SELECT 1"))

    worker = threading.Thread(target=sessions)  # the channels read it from asyncio.to_thread's threads
    worker.start()
    worker.join()
    sessions()
    assert len(connections) == 1
    storage.dispose_engine(url)


def _locked_new_file(path: Path) -> tuple[sqlite3.Connection, sqlite3.Cursor]:
    """A new database held by another connection, and a cursor that gets "database is locked" at
    once (busy timeout 0), as SQLite answers when it skips its busy handler."""
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN EXCLUSIVE")
    cursor = sqlite3.connect(path, isolation_level=None, timeout=0).cursor()
    cursor.execute("PRAGMA busy_timeout=0")
    return holder, cursor


def test_wal_mode_is_retried_while_another_process_holds_the_new_file(tmp_path: Path) -> None:
    holder, cursor = _locked_new_file(tmp_path / "new.db")
    pauses: list[float] = []

    def pause(seconds: float) -> None:
        pauses.append(seconds)
        if len(pauses) == 3:
            holder.execute("COMMIT")

    enable_wal(cursor, sleep=pause)
    assert cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert len(pauses) == 3 and pauses == sorted(pauses)


def test_wal_mode_gives_up_after_its_wait(tmp_path: Path) -> None:
    _holder, cursor = _locked_new_file(tmp_path / "new.db")
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        enable_wal(cursor, wait=0, sleep=lambda _seconds: None)


def test_a_postgresql_server_that_never_answers_fails_the_connection_instead_of_hanging(monkeypatch) -> None:
    import importlib
    import socket

    engines = importlib.import_module("bot.storage.engine")  # the module: bot.storage.engine is also a function
    monkeypatch.setattr(engines, "POSTGRESQL_CONNECT_TIMEOUT", 1)
    with socket.socket() as silent:  # accepts connections (backlog) and never says a word
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        port = silent.getsockname()[1]
        created = engines.create_engine(f"postgresql://cj62@127.0.0.1:{port}/cj62")
        with pytest.raises(sa.exc.OperationalError, match="timeout"):
            created.connect()
        created.dispose()


def test_postgresql_tables_sequence_and_version_live_in_cj62(postgres_url: str) -> None:
    with storage.engine(postgres_url).connect() as connection:
        tables = {(s, t) for s, t in connection.execute(sa.text(
            "SELECT table_schema, table_name FROM information_schema.tables WHERE table_schema NOT IN "
            "('pg_catalog', 'information_schema')"))}
        sequences = set(connection.execute(sa.text(
            "SELECT sequence_name FROM information_schema.sequences WHERE sequence_schema = 'cj62'")).scalars())
        assert current_revision(connection) == head_revision()
    assert {("cj62", "sheets"), ("cj62", "sheet_status_changes"), ("cj62", "alembic_version")} <= tables
    assert all(schema == "cj62" for schema, _ in tables)
    assert "sheet_reference_seq" in sequences


def _differences(url: str) -> list:
    config = alembic_config(url)
    script = ScriptDirectory.from_config(config)
    found: list = []

    def compare(_revision, context):  # noqa: ANN001, ANN202
        found.extend(compare_metadata(context, context.opts["target_metadata"]))
        return []

    with storage.engine(url).connect() as connection:
        config.attributes["connection"] = connection
        with EnvironmentContext(config, script, fn=compare):
            script.run_env()
    return found


def _add_rasa_events(url: str) -> None:
    """Rasa's table in the same database: public/rasa schema on PostgreSQL, the same file on SQLite."""
    engine = storage.engine(url)
    schema = "rasa" if engine.dialect.name == "postgresql" else None
    with engine.begin() as connection:
        if schema:
            connection.execute(sa.text("CREATE SCHEMA IF NOT EXISTS rasa"))
        connection.execute(sa.schema.CreateTable(sa.Table(
            "events", sa.MetaData(), sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("sender_id", sa.String(255)), schema=schema), if_not_exists=True))


def test_the_models_match_the_migrations_and_other_tables_are_ignored(database_url: str) -> None:
    _add_rasa_events(database_url)
    assert _differences(database_url) == []
    assert storage.migrate(database_url) == head_revision()
    with storage.engine(database_url).connect() as connection:
        assert sa.inspect(connection).has_table("events", schema="rasa" if connection.dialect.name == "postgresql" else None)


def test_aware_datetimes_come_back_aware_in_utc(database_url: str) -> None:
    table = sa.Table("moments", sa.MetaData(), sa.Column("id", sa.Integer, primary_key=True), sa.Column("at", UtcDateTime))
    paris = dt.datetime(2026, 7, 1, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    engine = storage.engine(database_url)
    with engine.begin() as connection:
        table.create(connection)
        connection.execute(table.insert().values(id=1, at=paris))
        back = connection.execute(sa.select(table.c.at)).scalar_one()
        table.drop(connection)
    assert back == paris and back.tzinfo == dt.timezone.utc
    with pytest.raises(sa.exc.StatementError):
        with engine.begin() as connection:
            connection.execute(sa.select(sa.literal(dt.datetime(2026, 1, 1), UtcDateTime)))


# --- references: one sequence, safe across threads and processes -------------------------------

ALLOCATE = """
import sys
from bot import storage
from bot.storage.sequences import next_value
factory = storage.session_factory(sys.argv[1])
numbers = []
for _ in range(int(sys.argv[2])):
    with storage.write_session(factory) as session:
        numbers.append(next_value(session, "sheet_reference"))
print(" ".join(map(str, numbers)))
"""


def test_concurrent_processes_get_distinct_numbers(database_url: str) -> None:
    processes, each = 6, 25
    started = [subprocess.Popen([sys.executable, "-c", ALLOCATE, database_url, str(each)], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, cwd=ROOT) for _ in range(processes)]
    numbers: list[int] = []
    for process in started:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        numbers += [int(n) for n in out.split()]
    assert len(numbers) == processes * each
    assert len(set(numbers)) == len(numbers)


def test_concurrent_threads_get_distinct_numbers(database_url: str) -> None:
    factory = storage.session_factory(database_url)
    numbers: list[int] = []
    errors: list[BaseException] = []

    def allocate() -> None:
        try:
            for _ in range(15):
                with storage.write_session(factory) as session:
                    numbers.append(next_value(session, REFERENCE_SEQUENCE))
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=allocate) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(numbers) == 120 and len(set(numbers)) == 120


def test_a_rolled_back_number_never_repeats_a_committed_one(database_url: str) -> None:
    factory = storage.session_factory(database_url)
    with storage.write_session(factory) as session:
        first = next_value(session, REFERENCE_SEQUENCE)
    with pytest.raises(RuntimeError):
        with storage.write_session(factory) as session:
            next_value(session, REFERENCE_SEQUENCE)
            raise RuntimeError("abandon")
    with storage.write_session(factory) as session:
        assert next_value(session, REFERENCE_SEQUENCE) > first
    if database_url.startswith("sqlite"):  # PostgreSQL refuses an unknown sequence by itself
        with pytest.raises(LookupError), storage.write_session(factory) as session:
            next_value(session, "inconnue")


MIGRATE = "import sys\nfrom bot import storage\nprint(storage.migrate(sys.argv[1]))\n"


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_replicas_may_migrate_at_the_same_time(backend: str, tmp_path: Path) -> None:
    def run(url: str) -> None:
        started = [subprocess.Popen([sys.executable, "-c", MIGRATE, url], stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, text=True, cwd=ROOT) for _ in range(4)]
        for process in started:
            out, err = process.communicate(timeout=120)
            assert process.returncode == 0, err
            assert out.strip() == head_revision()

    if backend == "sqlite":
        run(f"sqlite:///{tmp_path / 'app.db'}")
        return
    try:
        with temporary_postgres_database("cj62_test_replicas") as url:
            run(url)
    except PostgresUnavailable as error:
        pytest.skip(str(error))
