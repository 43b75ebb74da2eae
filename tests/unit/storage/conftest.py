"""A migrated application database for each test, in SQLite (a temporary file) and PostgreSQL
(one fresh database for the session, emptied before each test), and a Fernet key."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot import storage
from bot.crypto import ENV_VAR, generate_key
from bot.storage.testing import PostgresUnavailable, clear_application_data, temporary_postgres_database

DATABASES = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    try:
        with temporary_postgres_database("cj62_test") as url:
            storage.migrate(url)
            yield url
    except PostgresUnavailable as error:
        pytest.skip(str(error))


@pytest.fixture(params=DATABASES)
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
