"""Fixtures for the tests of rasa_ext/: a real Sanic server on a free port, a fake agent, two replicas on Redis."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from channel_support import FakeAgent, Server, serve  # noqa: F401 (FakeAgent, Server: for the tests' types)


@pytest_asyncio.fixture
async def rest_server() -> AsyncIterator[Server]:
    from rasa_ext.channels.rest import RestInput

    async for server in serve(RestInput()):
        yield server


@pytest_asyncio.fixture
async def socketio_server() -> AsyncIterator[Server]:
    from rasa_ext.channels.socketio import SocketIOInput

    channel = SocketIOInput.from_credentials(
        {"user_message_evt": "user_uttered", "bot_message_evt": "bot_uttered", "session_persistence": True}
    )
    async for server in serve(channel):
        yield server


@pytest.fixture(scope="session")
def migrated_application_database(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    from bot import storage

    url = f"sqlite:///{tmp_path_factory.mktemp('app') / 'app.db'}"
    storage.migrate(url)
    yield url
    storage.dispose_engine(url)


@pytest.fixture(autouse=True)
def application_database(migrated_application_database: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """A migrated application database for the channels (they look up contact requests), never var/."""
    monkeypatch.setenv("DATABASE_URL", migrated_application_database)
    return migrated_application_database


@pytest_asyncio.fixture
async def two_replicas(monkeypatch):
    """Two REST channels (two replicas) sharing the real Redis under a fresh key prefix."""
    import redis.asyncio as aioredis
    from shared_stores import REDIS_URL, key_prefix, require_redis

    require_redis("test entre répliques non lancé")
    client = aioredis.from_url(REDIS_URL, socket_connect_timeout=2)
    prefix = key_prefix()
    monkeypatch.setenv("REDIS_URL", REDIS_URL)
    monkeypatch.setenv("CJ62_REDIS_PREFIX", prefix)
    from rasa_ext.channels.rest import RestInput

    async for a in serve(RestInput()):
        async for b in serve(RestInput()):
            yield a, b
    keys = [key async for key in client.scan_iter(match=prefix + "*")]
    assert keys and not any(b"s1" in key or b"m-1" in key for key in keys)  # hashed, never the ids
    await client.delete(*keys)
    await client.close()
