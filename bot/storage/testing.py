"""Throw-away databases for tests (ours and the other suites'): nothing runs at import time.

`temporary_postgres_database()` creates a database with a random name on the local server
(`CJ62_TEST_POSTGRES_URL`, default `postgresql://postgres@127.0.0.1:5432/postgres`), yields its
URL and drops it afterwards; it raises `PostgresUnavailable` (with a clear message, to skip
on) when the server does not answer. `clear_application_data(url)` empties every application
table between two tests that share one migrated database.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from bot.storage import models_metadata
from bot.storage.engine import dispose_engines, engine

ADMIN_ENV = "CJ62_TEST_POSTGRES_URL"
DEFAULT_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


class PostgresUnavailable(RuntimeError):
    pass


def admin_url() -> str:
    return os.environ.get(ADMIN_ENV) or DEFAULT_ADMIN_URL


@contextmanager
def temporary_postgres_database(prefix: str = "cj62_test") -> Iterator[str]:
    admin = sa.create_engine(admin_url(), isolation_level="AUTOCOMMIT", future=True)
    try:
        with admin.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    except sa.exc.OperationalError:
        admin.dispose()
        where = make_url(admin_url())
        raise PostgresUnavailable(
            f"PostgreSQL ne répond pas sur {where.host}:{where.port or 5432} ({ADMIN_ENV}) : "
            "démarrez-le pour lancer ces tests."
        ) from None
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = make_url(admin_url()).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        dispose_engines()
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def clear_application_data(url: str) -> None:
    """Delete every row of the application tables (children first); sequences keep counting."""
    metadata = models_metadata()
    with engine(url).begin() as connection:
        for table in reversed(metadata.sorted_tables):
            connection.execute(table.delete())
