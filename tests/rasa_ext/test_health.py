"""The health channel: liveness, and readiness against real stores (SQLite, the local PostgreSQL
behind a proxy the test cuts, the local Redis), mounted as Rasa mounts it."""

from __future__ import annotations

import json
import socket
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import pytest_asyncio
import requests
from channel_support import Server, serve
from rasa.core.agent import Agent
from rasa.core.lock_store import LockStore as RasaLockStore
from rasa.core.tracker_store import create_tracker_store
from rasa.core.utils import read_endpoints_from_path
from rasa.shared.core.domain import Domain
from sqlalchemy.engine import make_url
from tcp_proxy import Proxy

from bot.paths import ROOT
from rasa_ext.channels.health import HealthInput

REDIS_URL = "redis://127.0.0.1:6379/0"
SECRET = "mot-de-passe-secret"


def rasa_agent(loaded: bool = True) -> Agent:
    """An Agent built as `rasa run` builds it (stores from endpoints.yml, wrapped by Rasa), without a
    model: `processor` stands for the loaded one."""
    endpoints = read_endpoints_from_path(ROOT / "endpoints.yml")
    domain = Domain.empty()
    agent = Agent(domain=domain, tracker_store=create_tracker_store(endpoints.tracker_store, domain),
                  lock_store=RasaLockStore.create(endpoints.lock_store))
    if loaded:
        agent.processor = object()  # type: ignore[assignment]
    return agent


@pytest.fixture(autouse=True)
def stores(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A SQLite conversations file of the test's own, and no Redis unless a test sets it."""
    monkeypatch.setenv("TRACKER_DB_URL", f"sqlite:///{tmp_path / 'tracker.db'}")
    monkeypatch.setenv("ACTION_TOKEN", "jeton-actions")  # endpoints.yml names it
    monkeypatch.delenv("REDIS_URL", raising=False)


async def health_server(agent: Any, timeout: float = 2.0) -> AsyncIterator[Server]:
    channel = HealthInput()
    channel.check_timeout = timeout
    async for server in serve(channel, agent):
        yield server


@dataclass
class Answer:
    status: int
    text: str

    def json(self) -> Any:
        return json.loads(self.text)


async def get(server: Server, path: str) -> Answer:
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{server.url}{path}", timeout=aiohttp.ClientTimeout(total=30)) as answer:
            return Answer(answer.status, await answer.text())


async def ready(server: Server) -> Answer:
    return await get(server, "/webhooks/health/ready")


@pytest_asyncio.fixture
async def server() -> AsyncIterator[Server]:
    async for running in health_server(rasa_agent()):
        yield running


async def test_liveness_answers_ok_without_any_check(server: Server) -> None:
    answer = await get(server, "/webhooks/health/")
    assert answer.status == 200 and answer.json() == {"status": "ok"}


async def test_a_replica_with_its_model_and_databases_is_ready_and_redis_is_absent_without_redis_url(
    server: Server,
) -> None:
    answer = await ready(server)
    assert answer.status == 200, answer.text
    assert answer.json() == {"status": "ok", "checks": {"model": "ok", "tracker_db": "ok", "app_db": "ok",
                                                          "redis": "absent"}}


async def test_a_replica_without_a_model_is_not_ready() -> None:
    async for server in health_server(rasa_agent(loaded=False)):
        answer = await ready(server)
    assert answer.status == 503
    assert answer.json()["failed"] == ["model"] and answer.json()["checks"]["model"] == "error"


async def test_an_application_database_that_cannot_open_fails_readiness_without_saying_where(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "un-fichier"
    blocker.write_text("pas un dossier")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{blocker}/app.db")  # its folder is a file
    async for server in health_server(rasa_agent()):
        answer = await ready(server)
    assert answer.status == 503
    assert answer.json()["failed"] == ["app_db"]
    assert "un-fichier" not in answer.text and "un-fichier" not in caplog.text


# --- the local PostgreSQL, cut by a proxy --------------------------------------------------------


@pytest.fixture
def postgres_behind_a_proxy(monkeypatch: pytest.MonkeyPatch) -> Iterator[Proxy]:
    """TRACKER_DB_URL on a throw-away PostgreSQL database reached through a proxy, with a password
    in the URL (trust authentication ignores it) to check that it never leaks."""
    from bot.storage.testing import PostgresUnavailable, temporary_postgres_database

    try:
        with temporary_postgres_database("cj62_health") as url:
            real = make_url(url)
            proxy = Proxy(real.port or 5432, real.host or "127.0.0.1")
            proxied = real.set(host="127.0.0.1", port=proxy.port, password=SECRET)
            monkeypatch.setenv("TRACKER_DB_URL", proxied.render_as_string(hide_password=False))
            try:
                yield proxy
            finally:
                proxy.close()
    except PostgresUnavailable as unavailable:
        pytest.skip(str(unavailable))


async def test_a_conversations_database_that_goes_away_fails_readiness_then_recovers(
    postgres_behind_a_proxy: Proxy, caplog: pytest.LogCaptureFixture
) -> None:
    proxy = postgres_behind_a_proxy
    async for server in health_server(rasa_agent()):
        assert (await ready(server)).status == 200
        proxy.cut()
        try:
            during = await ready(server)
        finally:
            proxy.restore()
        after = await ready(server)
    assert during.status == 503, during.text
    assert during.json()["failed"] == ["tracker_db"]
    assert during.json()["checks"]["tracker_db"] in ("error", "timeout")
    for leak in (SECRET, str(proxy.port), "postgresql", "OperationalError"):
        assert leak not in during.text
    assert SECRET not in caplog.text
    assert after.status == 200, after.text


# --- Redis ------------------------------------------------------------------------------------


def redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=2) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False


async def test_with_redis_url_the_lock_stores_redis_must_answer_ping(monkeypatch: pytest.MonkeyPatch) -> None:
    if not redis_answers():
        pytest.skip(f"Redis injoignable sur {REDIS_URL} : test de santé avec Redis non lancé.")
    monkeypatch.setenv("REDIS_URL", REDIS_URL)
    monkeypatch.setenv("CJ62_REDIS_PREFIX", f"cj62-test-{uuid.uuid4().hex[:8]}:")
    agent = rasa_agent()
    assert agent.lock_store.redis_lock is not None  # the check goes through our lock store's client
    async for server in health_server(agent):
        answer = await ready(server)
    assert answer.status == 200 and answer.json()["checks"]["redis"] == "ok"


async def test_a_redis_that_refuses_connections_fails_readiness(monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]  # bound, never listening: connections are refused
        monkeypatch.setenv("REDIS_URL", f"redis://:{SECRET}@127.0.0.1:{port}/0")
        async for server in health_server(rasa_agent()):
            answer = await ready(server)
    assert answer.status == 503 and answer.json()["failed"] == ["redis"]
    assert SECRET not in answer.text and str(port) not in answer.text


async def test_a_check_that_hangs_is_cut_at_its_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.create_server(("127.0.0.1", 0)) as silent:  # accepts, never answers PING
        monkeypatch.setenv("REDIS_URL", f"redis://127.0.0.1:{silent.getsockname()[1]}/0")
        async for server in health_server(rasa_agent(), timeout=0.5):
            answer = await ready(server)
    assert answer.status == 503
    assert answer.json()["checks"]["redis"] == "timeout"
    assert answer.json()["checks"]["tracker_db"] == "ok"


# --- a real Rasa server, with the channels of credentials.yml ----------------------------------


@pytest.mark.slow
def test_rasa_mounts_the_health_channel_from_credentials_yml(servers) -> None:  # noqa: ANN001
    alive = requests.get(f"{servers.rasa_url}/webhooks/health/", timeout=30)
    answer = requests.get(f"{servers.rasa_url}/webhooks/health/ready", timeout=30)
    assert alive.status_code == 200 and alive.json() == {"status": "ok"}
    assert answer.status_code == 200, answer.text
    checks = answer.json()["checks"]
    assert checks.pop("redis") in ("ok", "absent")  # the environment may name a Redis
    assert checks == {"model": "ok", "tracker_db": "ok", "app_db": "ok"}
