"""Issue 4 end to end: a sheet from orientation to a saved reference, on SQLite and PostgreSQL, with
nothing personal in clear in any database; refusing consent; erasure in every store."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from chat import answer_questions, texts
from rasa_servers import running_servers
from sheet_chat import fill_sheet

pytestmark = pytest.mark.slow

NAME, FIRST_NAME = "Zyxwoquet", "Œlise"
PHONE, BIRTH = "06 98 76 54 32", "12/03/2009"
ANSWERS = {
    "nom": NAME, "prenom": FIRST_NAME, "date_naissance": BIRTH, "telephone": PHONE, "email": "/dont_know",
    "derniere_classe": "seconde", "date_sortie_scolaire": "juin 2025", "situation_actuelle": "rien en ce moment",
    "referent_ase_mds": "/dont_know", "difficulte_autre": "/dont_know", "souhaits": "la cuisine",
    "disponibilites": "tous les matins", "representant_nom": "Marceline Zyxwoquet",
    "representant_telephone": "03 21 00 00 01", "representant_informe": "oui",
}
PLANTED = (NAME, PHONE, "06987654", "2009-03-12", "12/03/2009", "Marceline")


def orient_then_fill(servers, sender: str) -> tuple[str, list[str]]:
    """A 16-year-old drop-out in Lens: orientation ("graine de" fits), then the sheet."""
    transcript = ["> g 16 ans et jhabite a lens"]
    replies = answer_questions(servers, sender, servers.say(sender, "g 16 ans et jhabite a lens"),
                               {"besoin": "formation", "decrochage_scolaire": "oui", "neet": "oui"}, transcript)
    assert "/request_sheet" in str(replies), "\n".join(transcript) + texts(replies)
    collected, filled = fill_sheet(servers, sender, ANSWERS)
    return texts(collected), transcript + filled


def raw_contents(database_url: str) -> str:
    """Every text value of every table, as stored."""
    engine = sa.create_engine(database_url)
    chunks = []
    try:
        with engine.connect() as connection:
            inspector = sa.inspect(connection)
            schemas = [None] if engine.dialect.name == "sqlite" else ["cj62", "rasa", "public"]
            for schema in schemas:
                for table in inspector.get_table_names(schema=schema):
                    qualified = f'"{schema}"."{table}"' if schema else f'"{table}"'
                    for row in connection.execute(sa.text(f"SELECT * FROM {qualified}")):
                        chunks.append(" ".join(str(value) for value in row))
    finally:
        engine.dispose()
    return "\n".join(chunks)


def sqlite_bytes(path: Path) -> bytes:
    return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))


@pytest.fixture(scope="module")
def pg_servers(model, tmp_path_factory):
    from bot.storage.testing import PostgresUnavailable, temporary_postgres_database

    try:
        with temporary_postgres_database("cj62_e2e_app") as app_url, \
                temporary_postgres_database("cj62_e2e_tracker") as tracker_url:
            with running_servers(model, tmp_path_factory.mktemp("pg"), DATABASE_URL=app_url,
                                 TRACKER_DB_URL=tracker_url) as servers:
                servers.urls = {"app": app_url, "tracker": tracker_url}
                yield servers
    except PostgresUnavailable as unavailable:
        pytest.skip(str(unavailable))


def check_saved_and_sealed(servers, app_url: str, tracker_url: str, files: list[Path]) -> None:
    sender = f"fiche-{uuid.uuid4().hex[:10]}"
    text, transcript = orient_then_fill(servers, sender)
    assert re.search(r"PR-2026-\d{6}", text), "\n".join(transcript)
    assert "03 21 13 19 35" in text  # the SLAI of Lens-Liévin
    stored = raw_contents(app_url) + raw_contents(tracker_url)
    raw = b"".join(sqlite_bytes(f) for f in files)
    for planted in PLANTED:
        assert planted not in stored, f"{planted!r} en clair dans une base"
        assert planted.encode() not in raw, f"{planted!r} en clair dans un fichier"
    assert sender in stored  # the conversation is there, only sealed


def test_sqlite_a_sheet_is_saved_with_its_reference_and_nothing_personal_in_clear(servers) -> None:
    app, tracker = servers.workdir / "app.db", servers.workdir / "tracker.db"
    check_saved_and_sealed(servers, f"sqlite:///{app}", f"sqlite:///{tracker}", [app, tracker])


def test_postgresql_a_sheet_is_saved_with_its_reference_and_nothing_personal_in_clear(pg_servers) -> None:
    check_saved_and_sealed(pg_servers, pg_servers.urls["app"], pg_servers.urls["tracker"], [])


def test_refusing_consent_stores_nothing_personal(servers) -> None:
    sender = f"refus-{uuid.uuid4().hex[:10]}"
    servers.say(sender, "bonjour")
    replies = servers.say(sender, "je veux remplir une fiche de prescription")
    assert "Pour ta fiche, je vais te demander" in texts(replies)
    answer = texts(servers.say(sender, "/deny"))
    assert "rien" in answer.lower()
    servers.say(sender, NAME)  # typed anyway: not a sheet answer any more
    app = servers.workdir / "app.db"
    assert sender not in raw_contents(f"sqlite:///{app}")
    with sa.create_engine(f"sqlite:///{app}").connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM sheets")).scalar() is not None


def test_erasure_leaves_no_row_of_that_sender_even_after_one_more_message(servers) -> None:
    sender = f"efface-{uuid.uuid4().hex[:10]}"
    orient_then_fill(servers, sender)
    app, tracker = servers.workdir / "app.db", servers.workdir / "tracker.db"
    from bot.crypto import SENDER, cipher

    sender_index = cipher().blind_index(SENDER, sender)
    assert sender_index in raw_contents(f"sqlite:///{app}")
    assert "efface tout" in texts(servers.say(sender, "supprime mes données")).lower()
    assert "effacé" in texts(servers.say(sender, "/affirm"))
    rows = raw_contents(f"sqlite:///{tracker}") + raw_contents(f"sqlite:///{app}")
    assert sender not in rows and sender_index not in rows
    servers.say(sender, "bonjour")  # one more message: a new conversation, nothing old comes back
    with sa.create_engine(f"sqlite:///{tracker}").connect() as connection:
        kinds = [row[0] for row in connection.execute(
            sa.text("SELECT type_name FROM events WHERE sender_id = :s ORDER BY id"), {"s": sender})]
    assert kinds and kinds[0] in ("action", "session_started") and "slot" not in kinds[:3]
    assert sender_index not in raw_contents(f"sqlite:///{app}")
