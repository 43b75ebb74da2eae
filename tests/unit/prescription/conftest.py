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


# --- a sheet's values, with planted personal data ---------------------------------------------

import datetime as dt  # noqa: E402
from collections.abc import Callable  # noqa: E402
from typing import Any  # noqa: E402

from bot.prescription.fields import PartialDate  # noqa: E402
from bot.prescription.repository import SheetRepository  # noqa: E402

NOW = dt.datetime(2026, 11, 29, 10, 0, tzinfo=dt.timezone.utc)


def adult_values(**changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "nom": "D’Arcy-Lefèvre", "prenom": "Œdipe", "date_naissance": dt.date(2005, 3, 12),
        "commune": "62193", "telephone": "06 12 34 56 78", "email": "oedipe@exemple.fr",
        "derniere_classe": "CAP cuisine", "date_sortie_scolaire": PartialDate(2024, 6),
        "situation_actuelle": "sans emploi", "mission_locale": True, "cej": False, "pacea": False, "ase": True,
        "rsa": False, "difficulte_mobilite": True, "difficulte_logement": False, "difficulte_sante": False,
        "difficulte_budget": True, "difficulte_confiance": True, "souhaits": "cuisine, boulangerie",
        "disponibilites": "tous les matins",
    }
    values.update(changes)
    return {k: v for k, v in values.items() if v is not None}


def minor_values(informed: bool, **changes: Any) -> dict[str, Any]:
    return adult_values(date_naissance=dt.date(2010, 1, 5), representant_nom="Jocaste Thèbes",
                        representant_telephone="07 11 22 33 44", representant_informe=informed, **changes)


@pytest.fixture
def values() -> Callable[..., dict[str, Any]]:
    return adult_values


@pytest.fixture
def minor() -> Callable[..., dict[str, Any]]:
    return minor_values


@pytest.fixture
def repository(database_url: str, key: str) -> SheetRepository:
    return SheetRepository(storage.session_factory(database_url))
