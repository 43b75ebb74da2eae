"""Numbers that are unique across processes: a real SEQUENCE on PostgreSQL, a counter row on SQLite.

SQLite has no sequences: the table `sequences` (name, value) holds one counter per name, and
`next_value` increments it with an UPDATE, the first statement of its write transaction, so
the write lock is held from the increment to the commit and no two processes read the same
value. A rolled-back transaction gives its number back on SQLite and burns it on PostgreSQL:
references may have gaps, never duplicates.

Migrations create sequences with `create_sequence(op, name)` (and drop them with
`drop_sequence`), the same call for both databases.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from bot.storage.base import SCHEMA

COUNTERS_TABLE = "sequences"  # SQLite only

_counters = sa.Table(
    COUNTERS_TABLE,
    sa.MetaData(),
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("value", sa.BigInteger, nullable=False),
)


def _sequence(name: str) -> sa.Sequence:
    return sa.Sequence(f"{name}_seq", schema=SCHEMA)


def next_value(connection: Connection | Session, name: str) -> int:
    """The next number of the sequence `name` (call it inside the transaction that uses it)."""
    dialect = connection.get_bind().dialect.name if isinstance(connection, Session) else connection.dialect.name
    if dialect == "postgresql":
        return int(connection.execute(sa.select(_sequence(name).next_value())).scalar_one())
    updated = connection.execute(
        _counters.update().where(_counters.c.name == name).values(value=_counters.c.value + 1)
    )
    if updated.rowcount != 1:
        raise LookupError(f"unknown sequence {name!r} (missing migration?)")
    return int(connection.execute(sa.select(_counters.c.value).where(_counters.c.name == name)).scalar_one())


def create_sequence(op: Any, name: str, start: int = 1) -> None:
    """In a migration: create the sequence `name`, whose first value is `start`."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(sa.schema.CreateSequence(sa.Sequence(f"{name}_seq", schema=SCHEMA, start=start)))
        return
    bind = op.get_bind()
    if not sa.inspect(bind).has_table(COUNTERS_TABLE):
        op.create_table(
            COUNTERS_TABLE,
            sa.Column("name", sa.String(64), primary_key=True),
            sa.Column("value", sa.BigInteger, nullable=False),
        )
    op.execute(_counters.insert().values(name=name, value=start - 1))


def drop_sequence(op: Any, name: str) -> None:
    """In a migration: drop the sequence `name`."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(sa.schema.DropSequence(sa.Sequence(f"{name}_seq", schema=SCHEMA)))
        return
    op.execute(_counters.delete().where(_counters.c.name == name))
