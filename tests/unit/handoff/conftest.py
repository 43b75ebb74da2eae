"""A migrated application database per test (SQLite file; the local PostgreSQL, one database per
session emptied before each test), a fresh Fernet key, and a repository on them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from bot import storage
from bot.crypto import ENV_VAR, generate_key
from bot.handoff.repository import ContactRequestRepository
from bot.storage.testing import PostgresUnavailable, clear_application_data, temporary_postgres_database

NOW = dt.datetime(2026, 11, 29, 10, 0, tzinfo=dt.timezone.utc)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    try:
        with temporary_postgres_database("cj62_handoff") as url:
            storage.migrate(url)
            yield url
    except PostgresUnavailable as error:
        pytest.skip(str(error))


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'app.db'}"
        storage.migrate(url)
        yield url
        storage.dispose_engine(url)
    else:
        url = request.getfixturevalue("postgres_url")
        clear_application_data(url)
        yield url


@pytest.fixture
def key(monkeypatch: pytest.MonkeyPatch) -> str:
    value = generate_key()
    monkeypatch.setenv(ENV_VAR, value)
    return value


@pytest.fixture
def repository(database_url: str, key: str) -> ContactRequestRepository:
    return ContactRequestRepository(storage.session_factory(database_url))


SUMMARY = {"role": "jeune", "age": 19, "commune": "Calais", "situations": ["ase_sorti"], "schemes": ["coordo_ase"]}
TRANSCRIPT = ["Bonjour, je m'appelle Œdipe D’Arcy", "je voudrais parler à quelqu'un, mon numéro 06 12 34 56 78"]


@pytest.fixture
def new_request(repository: ContactRequestRepository):  # noqa: ANN201
    """Create a request with planted personal data; keyword arguments override the defaults."""

    def create(sender: str = "web-1", **changes):  # noqa: ANN003, ANN202
        options = dict(sender_id=sender, channel="socketio", territory="calaisis", kind="insertion",
                       summary=SUMMARY, transcript=TRANSCRIPT, now=NOW)
        options.update(changes)
        return repository.create(**options)

    return create
