"""Alembic environment of the application database (schema `cj62` only).

Objects outside `cj62` are ignored (Rasa's `events` table may share the database): on
PostgreSQL only the schema `cj62` is compared; on SQLite, which has no schemas, only the tables
our models declare. The SQLite counter table of `bot.storage.sequences` is managed by the
migrations that create sequences, never by autogenerate.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import context

from bot.storage import models_metadata
from bot.storage.base import SCHEMA
from bot.storage.engine import WRITE_OPTION, engine
from bot.storage.urls import database_url, parse_url

# Any 64-bit number, the same for every process: the PostgreSQL advisory lock of migrations.
ADVISORY_LOCK = 6_202_026_004


def _target_metadata(dialect: str) -> sa.MetaData:
    metadata = models_metadata()
    if dialect == "postgresql":
        return metadata
    # SQLite reflects tables without a schema: compare with a schema-less copy.
    plain = sa.MetaData(naming_convention=metadata.naming_convention)
    for table in metadata.sorted_tables:
        table.to_metadata(plain, schema=None, referred_schema_fn=lambda *_: sa.schema.BLANK_SCHEMA)
    return plain


def _configure(connection: sa.engine.Connection) -> None:
    dialect = connection.dialect.name
    target = _target_metadata(dialect)
    ours = {table.name for table in target.tables.values()}

    def include_name(name: str | None, type_: str, parent_names: dict[str, Any]) -> bool:
        if type_ == "schema" and dialect == "postgresql":
            return name == SCHEMA
        return True

    def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
        if type_ != "table":
            return True
        if dialect == "postgresql":
            return obj.schema == SCHEMA
        return name in ours

    context.configure(
        connection=connection,
        target_metadata=target,
        include_schemas=dialect == "postgresql",
        include_name=include_name,
        include_object=include_object,
        version_table_schema=SCHEMA if dialect == "postgresql" else None,
        render_as_batch=dialect == "sqlite",
        compare_type=True,
    )


def _run(connection: sa.engine.Connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK})
        connection.execute(sa.text(f'CREATE SCHEMA IF NOT EXISTS "{SCHEMA}"'))
    _configure(connection)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    config = context.config
    connection = config.attributes.get("connection")
    if connection is not None:  # bot.storage.migrate(): already in a transaction
        _run(connection)
        return
    url = config.attributes.get("url") or parse_url(database_url())
    with engine(url).connect() as fresh:
        fresh = fresh.execution_options(**{WRITE_OPTION: True})
        with fresh.begin():
            _run(fresh)


if context.is_offline_mode():
    raise SystemExit("Migrations hors ligne (--sql) non prises en charge : lancez python -m bot db upgrade.")
run_migrations_online()
