"""The declarative base of every application table, all in the PostgreSQL schema `cj62`.

On SQLite there are no schemas: engines built by `bot.storage.engine` translate `cj62` to no
schema (`schema_translate_map`), so models and migrations name the schema once, the same way
for both databases.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import declarative_base

SCHEMA = "cj62"

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = sa.MetaData(schema=SCHEMA, naming_convention=NAMING_CONVENTION)
Base = declarative_base(metadata=metadata)


class UtcDateTime(sa.types.TypeDecorator):
    """An aware datetime stored in UTC (SQLite keeps no time zone: it is put back on reading)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: sa.engine.Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if not isinstance(value, dt.datetime) or value.tzinfo is None:
            raise ValueError("an aware datetime is expected")
        value = value.astimezone(dt.timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: sa.engine.Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.timezone.utc)
        return value.astimezone(dt.timezone.utc)


def table(name: str) -> str:
    """`cj62.<name>`, for foreign keys."""
    return f"{SCHEMA}.{name}"
