"""The application database: URL, engines and sessions, migrations.

- `database_url()`: `DATABASE_URL`, default SQLite `var/app.db` (WAL), created on first use.
- `engine(url)`, `session_factory(url)`: built lazily, cached per URL.
- `write_session(factory)`, `read_session(factory)`: transaction scopes.
- `migrate(url)`: Alembic upgrade to head (the app calls it at start-up; `python -m bot db upgrade`).

Every table lives in the PostgreSQL schema `cj62` (no schema on SQLite). A later issue adds its
tables with a model module listed in `MODEL_MODULES` and a new revision in `migrations/versions/`.
Nothing here connects or reads a file at import time.
"""

from __future__ import annotations

import importlib

import sqlalchemy as sa
from sqlalchemy.engine import URL

from bot.storage.base import SCHEMA, Base, metadata
from bot.storage.engine import dispose_engine, dispose_engines, engine, read_session, session_factory, write_session
from bot.storage.urls import StorageError, database_url, describe_url, tracker_database_url

# Modules that declare tables on `Base`: imported before migrations compare models and database.
MODEL_MODULES: tuple[str, ...] = (
    "bot.prescription.models", "bot.handoff.models", "bot.backoffice.models", "bot.meta_inbox",
)

__all__ = [
    "SCHEMA", "Base", "MODEL_MODULES", "StorageError", "database_url", "describe_url", "dispose_engine",
    "dispose_engines",
    "engine", "metadata", "migrate", "models_metadata", "read_session", "session_factory",
    "tracker_database_url", "write_session",
]


def models_metadata() -> sa.MetaData:
    """The metadata of every application table (imports `MODEL_MODULES`)."""
    for module in MODEL_MODULES:
        importlib.import_module(module)
    return metadata


def migrate(url: str | URL | None = None) -> str:
    """Upgrade the application database to the newest revision (see `bot.storage.migrator`)."""
    from bot.storage.migrator import migrate as upgrade

    return upgrade(url)
