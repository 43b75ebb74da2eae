"""The real Redis and PostgreSQL of the machine for tests of several replicas, or a skip that says why.

Tests never pass silently without them: `require_redis` and `replica_stores` skip with a message.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator

import pytest

REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"


def key_prefix() -> str:
    """A fresh Redis key prefix (CJ62_REDIS_PREFIX), so that tests never meet each other's keys."""
    return f"cj62-test-{uuid.uuid4().hex[:8]}:"


def require_redis(not_run: str) -> None:
    """Skip the test, saying `not_run` (what is not run), when Redis does not answer PING."""
    import redis

    client = redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except Exception as error:  # noqa: BLE001 — any failure means no Redis for this test
        pytest.skip(f"Redis injoignable sur {REDIS_URL} ({type(error).__name__}) : {not_run}.")
    finally:
        client.close()


@contextlib.contextmanager
def replica_stores(name: str) -> Iterator[dict[str, str]]:
    """The environment of replicas sharing their stores: two throw-away PostgreSQL databases
    (`cj62_<name>_app`, `cj62_<name>_tracker`), Redis and a fresh key prefix."""
    from bot.storage.testing import PostgresUnavailable, temporary_postgres_database

    require_redis("tests à deux répliques non lancés")
    try:
        with temporary_postgres_database(f"cj62_{name}_app") as app, \
                temporary_postgres_database(f"cj62_{name}_tracker") as tracker:
            yield {"DATABASE_URL": app, "TRACKER_DB_URL": tracker, "REDIS_URL": REDIS_URL,
                   "CJ62_REDIS_PREFIX": key_prefix()}
    except PostgresUnavailable as unavailable:
        pytest.skip(str(unavailable))
