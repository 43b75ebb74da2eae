"""Alembic, driven from Python: `migrate(url)` upgrades the application database to head.

The configuration is built here (script location, URL, connection) rather than read from a file,
so the app, the CLI and the tests migrate the same way from any working directory.
`bot/storage/alembic.ini` is only for the `alembic` command (new revisions, history):
`alembic -c bot/storage/alembic.ini revision -m "…"`.

Several processes may start at once (replicas): on PostgreSQL the migration holds an advisory
lock, on SQLite a write transaction (`BEGIN IMMEDIATE`), so they run one after the other and
the later ones find the database at head.
"""

from __future__ import annotations

import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import URL, Connection

from bot.storage.base import SCHEMA
from bot.storage.engine import WRITE_OPTION, engine
from bot.storage.urls import database_url, describe_url, parse_url

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
logger = logging.getLogger(__name__)


def alembic_config(url: str | URL | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    resolved = parse_url(url if url is not None else database_url())
    # Kept out of the ini options (where "%" would need escaping); env.py reads it from here.
    config.attributes["url"] = resolved
    return config


def migrate(url: str | URL | None = None) -> str:
    """Upgrade the database of `url` (default `DATABASE_URL`) to the newest revision; return it."""
    config = alembic_config(url)
    bound = engine(config.attributes["url"])
    with bound.connect() as connection:
        connection = connection.execution_options(**{WRITE_OPTION: True})
        with connection.begin():
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
        head = current_revision(connection)
    logger.info("Application database at revision %s (%s).", head, describe_url(bound.url))
    return head or ""


def current_revision(connection: Connection) -> str | None:
    schema = SCHEMA if connection.dialect.name == "postgresql" else None
    context = MigrationContext.configure(connection, opts={"version_table_schema": schema})
    return context.get_current_revision()


def head_revision() -> str:
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    return script.get_current_head() or ""
