"""A back office per test on a migrated SQLite database, with an injected clock and sleeper, a
fake Rasa server on loopback, three accounts (two advisers of different territories, one admin
with TOTP) and the aiohttp test client (no pytest-aiohttp: TestServer/TestClient directly)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from backoffice_support import FAST_HASHER, Browser, Clock, People, Sleeper, make_people

from bot import storage
from bot.backoffice.app import SERVICES, Services, create_app
from bot.backoffice.config import Settings
from bot.crypto import ENV_VAR, generate_key
from bot.handoff.delivery import RasaClient
from bot.handoff.testing import FakeRasa


@dataclass
class Backoffice:
    app: web.Application
    client: TestClient
    clock: Clock
    sleeper: Sleeper
    services: Services
    rasa: FakeRasa
    people: People
    url: str
    _sessions: list[aiohttp.ClientSession] = field(default_factory=list)

    def browser(self) -> Browser:
        """A new visitor with its own cookies."""
        session = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
        self._sessions.append(session)
        return Browser(session, self.url, self.clock)

    async def as_(self, who: str) -> Browser:
        """A visitor logged in as "herve", "sandra" or "admin"."""
        browser = self.browser()
        account = getattr(self.people, who)
        response = await browser.login(account.email, totp_secret=self.people.admin_secret if who == "admin" else None)
        assert response.status == 303, await response.text()
        return browser


@pytest.fixture
def key(monkeypatch: pytest.MonkeyPatch) -> str:
    value = generate_key()
    monkeypatch.setenv(ENV_VAR, value)
    return value


@pytest.fixture
def database_url(tmp_path, key: str) -> Iterator[str]:  # noqa: ANN001
    url = f"sqlite:///{tmp_path / 'app.db'}"
    storage.migrate(url)
    yield url
    storage.dispose_engine(url)


@pytest.fixture
async def backoffice(database_url: str, tmp_path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Backoffice]:  # noqa: ANN001
    monkeypatch.setenv("TRACKER_DB_URL", f"sqlite:///{tmp_path / 'tracker.db'}")
    clock = Clock()
    sleeper = Sleeper(clock)
    async with FakeRasa() as rasa:
        settings = Settings(database_url=database_url, rasa=RasaClient(rasa.url, token="jeton"), clock=clock,
                            sleeper=sleeper, hasher=FAST_HASHER, migrate_on_start=False)
        app = create_app(settings)
        client = TestClient(TestServer(app))
        await client.start_server()
        found = app[SERVICES]
        people = make_people(found.accounts, clock)
        running = Backoffice(app, client, clock, sleeper, found, rasa, people, str(client.make_url("")))
        try:
            yield running
        finally:
            for session in running._sessions:
                await session.close()
            await client.close()
