"""Where the data is: `DATABASE_URL` (application) and `TRACKER_DB_URL` (Rasa's conversations).

Both default to a SQLite file under `var/` at the repository root (CONVENTIONS.md). Nothing is
created here: the engine creates the folder on first use.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import sqlalchemy as sa
from sqlalchemy.engine import URL, make_url

from bot.paths import ROOT

DATABASE_ENV = "DATABASE_URL"
TRACKER_ENV = "TRACKER_DB_URL"
DEFAULT_DATABASE_PATH = ROOT / "var" / "app.db"
DEFAULT_TRACKER_PATH = ROOT / "var" / "tracker.db"
# Rasa's own variable for the schema of its `events` table; our tracker store defaults it to "rasa".
TRACKER_SCHEMA_ENV = "POSTGRESQL_SCHEMA"
TRACKER_DEFAULT_SCHEMA = "rasa"


class StorageError(RuntimeError):
    """The database cannot be reached or is misconfigured (French message, never the URL)."""


def _get(environ: Mapping[str, str] | None, name: str) -> str:
    environ = os.environ if environ is None else environ
    return (environ.get(name) or "").strip()


def database_url(environ: Mapping[str, str] | None = None) -> str:
    """`DATABASE_URL`, or the SQLite file `var/app.db` when it is unset or blank."""
    return _get(environ, DATABASE_ENV) or f"sqlite:///{DEFAULT_DATABASE_PATH}"


def tracker_database_url(environ: Mapping[str, str] | None = None) -> str:
    """`TRACKER_DB_URL`, or the SQLite file `var/tracker.db` (the same default as our tracker store)."""
    return _get(environ, TRACKER_ENV) or f"sqlite:///{DEFAULT_TRACKER_PATH}"


def tracker_schema(environ: Mapping[str, str] | None = None) -> str:
    """The PostgreSQL schema of Rasa's `events` table."""
    return _get(environ, TRACKER_SCHEMA_ENV) or TRACKER_DEFAULT_SCHEMA


def parse_url(url: str | URL, variable: str = DATABASE_ENV) -> URL:
    try:
        return make_url(url)
    except sa.exc.ArgumentError:
        # SQLAlchemy's message quotes the URL, password included.
        raise StorageError(f"{variable} n'est pas une URL SQLAlchemy valide.") from None


def describe_url(url: str | URL) -> str:
    """Where the data is, for logs and messages: dialect, host, port, database; never user or password."""
    url = make_url(url)
    if url.get_backend_name() == "sqlite":
        return f"sqlite file {url.database}" if url.database not in (None, "", ":memory:") else "sqlite in memory"
    where = f"{url.host or 'localhost'}{f':{url.port}' if url.port else ''}/{url.database or ''}"
    return f"{url.get_backend_name()} at {where}"
