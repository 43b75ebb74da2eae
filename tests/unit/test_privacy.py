"""bot.privacy against SQLite and PostgreSQL: erasure leaves no row, the export is exactly one
person, the purge keeps what is within its retention (with `now` given, never the clock)."""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot import privacy, storage
from bot.crypto import ENV_VAR, generate_key
from bot.prescription.fields import PartialDate
from bot.prescription.repository import SheetRepository
from bot.privacy import Stores, erase_person, erase_sender, export_person, months_before, purge
from bot.storage.testing import PostgresUnavailable, clear_application_data, temporary_postgres_database

UTC = dt.timezone.utc
NOW = dt.datetime(2026, 11, 29, 10, 0, tzinfo=UTC)
# Contact requests (bot.handoff) are erased and purged with the rest: none in these tests.
NO_REQUESTS_PURGED = {"demandes_de_contact": 0, "messages_de_conseillers": 0}
NO_REQUESTS = {**NO_REQUESTS_PURGED, "evenements_meta": 0, "reperes_meta": 0}


def values(**changes) -> dict:  # noqa: ANN003
    base = {
        "nom": "D’Arcy-Lefèvre", "prenom": "Œdipe", "date_naissance": dt.date(2005, 3, 12), "commune": "62193",
        "telephone": "06 12 34 56 78", "derniere_classe": "CAP", "date_sortie_scolaire": PartialDate(2024, 6),
        "situation_actuelle": "sans emploi", "mission_locale": True, "cej": False, "pacea": False, "ase": False,
        "rsa": False, "difficulte_mobilite": True, "difficulte_logement": False, "difficulte_sante": False,
        "difficulte_budget": False, "difficulte_confiance": True, "souhaits": "cuisine", "disponibilites": "le matin",
    }
    base.update(changes)
    return base


# --- two stores: the application database and Rasa's events table -----------------------------

EVENTS = sa.Table(  # the columns of Rasa 3.6's SQLTrackerStore.SQLEvent
    "events", sa.MetaData(),
    sa.Column("id", sa.Integer, primary_key=True), sa.Column("sender_id", sa.String(255), nullable=False, index=True),
    sa.Column("type_name", sa.String(255), nullable=False), sa.Column("timestamp", sa.Float),
    sa.Column("intent_name", sa.String(255)), sa.Column("action_name", sa.String(255)), sa.Column("data", sa.Text),
)


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    try:
        with temporary_postgres_database("cj62_test_privacy") as url:
            storage.migrate(url)
            engine = storage.engine(url)
            with engine.begin() as connection:
                connection.execute(sa.text("CREATE SCHEMA rasa"))
                EVENTS.to_metadata(sa.MetaData(), schema="rasa").create(connection)
            yield url
    except PostgresUnavailable as error:
        pytest.skip(str(error))


def events_table(url: str) -> sa.Table:
    return EVENTS.to_metadata(sa.MetaData(), schema="rasa") if url.startswith("postgresql") else EVENTS


@pytest.fixture(params=["sqlite", "postgresql"])
def stores(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Stores]:
    monkeypatch.setenv(ENV_VAR, generate_key())
    monkeypatch.delenv("POSTGRESQL_SCHEMA", raising=False)
    if request.param == "sqlite":
        app, tracker = f"sqlite:///{tmp_path / 'app.db'}", f"sqlite:///{tmp_path / 'tracker.db'}"
        storage.migrate(app)
        with storage.engine(tracker).begin() as connection:
            EVENTS.create(connection)
        yield Stores(app_url=app, tracker_url=tracker)
        storage.dispose_engine(app)
        storage.dispose_engine(tracker)
    else:
        url = request.getfixturevalue("postgres_url")
        clear_application_data(url)
        with storage.engine(url).begin() as connection:
            connection.execute(events_table(url).delete())
        yield Stores(app_url=url, tracker_url=url)  # one database, two schemas (cj62, rasa)


def add_events(stores: Stores, sender_id: str, *moments: dt.datetime) -> None:
    table = events_table(stores.tracker_url)
    with storage.engine(stores.tracker_url).begin() as connection:
        for moment in moments:
            connection.execute(table.insert().values(sender_id=sender_id, type_name="user", timestamp=moment.timestamp(),
                                                     data='{"text": "chiffré"}'))


def count_events(stores: Stores, sender_id: str | None = None) -> int:
    table = events_table(stores.tracker_url)
    query = sa.select(sa.func.count()).select_from(table)
    if sender_id is not None:
        query = query.where(table.c.sender_id == sender_id)
    with storage.engine(stores.tracker_url).connect() as connection:
        return connection.execute(query).scalar_one()


def count_rows(stores: Stores) -> dict[str, int]:
    counts = {}
    with storage.engine(stores.app_url).connect() as connection:
        for table in storage.models_metadata().sorted_tables:
            counts[table.name] = connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
    return {name: count for name, count in counts.items() if count or name.startswith("sheet")}


def repository(stores: Stores) -> SheetRepository:
    return SheetRepository(storage.session_factory(stores.app_url))


# --- erasure of a sender ("supprime mes données") ----------------------------------------------

def test_erasing_a_sender_leaves_none_of_its_rows(stores: Stores, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    sheets = repository(stores)
    mine = [sheets.create("graine_de", "jeune", values(), consent_at=NOW, sender_id="web-A", transmit=True, now=NOW),
            sheets.create("coach_jeunesse", "jeune", values(), consent_at=NOW, sender_id="web-A", now=NOW)]
    sheets.change_status(mine[0].reference, "refusee", "conseiller-1", comment="Œdipe a déménagé")
    other = sheets.create("graine_de", "jeune", values(nom="Martin"), consent_at=NOW, sender_id="web-B", now=NOW)
    add_events(stores, "web-A", NOW, NOW, NOW)
    add_events(stores, "web-B", NOW)

    counts = erase_sender("web-A", stores=stores)

    assert counts == {"fiches": 2, "changements_de_statut": 4, "evenements_de_conversation": 3, **NO_REQUESTS}
    assert count_events(stores, "web-A") == 0 and count_events(stores, "web-B") == 1
    assert count_rows(stores) == {"sheets": 1, "sheet_status_changes": 1}
    assert all(sheets.get(s.reference) is None for s in mine) and sheets.get(other.reference) is not None
    assert erase_sender("web-A", stores=stores) == {"fiches": 0, "changements_de_statut": 0, "evenements_de_conversation": 0, **NO_REQUESTS}
    assert "Arcy" not in caplog.text and "Œdipe" not in caplog.text and "web-A" not in caplog.text


def test_erasing_a_messenger_conversation_takes_its_queued_events_and_marks(stores: Stores) -> None:
    from bot.meta_inbox import MetaInbox, MetaMarkRecord
    from bot.storage.engine import write_session

    inbox = MetaInbox(stores.sessions)
    assert inbox.enqueue("evt-1", "fb-A", {"text": "Œdipe, 06 12 34 56 78"}, NOW)
    assert inbox.enqueue("evt-2", "fb-B", {"text": "bonjour"}, NOW)
    with write_session(stores.sessions) as session:
        for sender in ("fb-A", "fb-B"):
            session.add(MetaMarkRecord(key=f"vu:{inbox.sender_key(sender)}", value="x", expires_at=NOW))
    counts = erase_sender("fb-A", stores=stores)
    assert counts["evenements_meta"] == 1 and counts["reperes_meta"] == 1
    assert erase_sender("fb-B", stores=stores)["evenements_meta"] == 1


def test_erasing_a_sender_without_a_tracker_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_VAR, generate_key())
    app = f"sqlite:///{tmp_path / 'app.db'}"
    storage.migrate(app)
    missing = tmp_path / "pas-encore" / "tracker.db"
    stores = Stores(app_url=app, tracker_url=f"sqlite:///{missing}")
    assert erase_sender("web-A", stores=stores)["evenements_de_conversation"] == 0
    assert purge(NOW, stores=stores)["evenements_de_conversation"] == 0
    assert not missing.exists() and not missing.parent.exists()
    with pytest.raises(ValueError):
        erase_sender("", stores=stores)


# --- one person, by post ----------------------------------------------------------------------

def people(stores: Stores) -> dict[str, list[str]]:
    sheets = repository(stores)
    oedipe = [
        sheets.create("graine_de", "jeune", values(), consent_at=NOW, sender_id="web-1", transmit=True, now=NOW).reference,
        sheets.create("coach_jeunesse", "jeune", values(nom="DARCY LEFEVRE", telephone="+33 6 12 34 56 78"),
                      consent_at=NOW, sender_id="web-2", now=NOW).reference,
    ]
    namesake = [sheets.create("graine_de", "jeune", values(prenom="Antigone", telephone="07 99 99 99 99"),
                              consent_at=NOW, sender_id="web-3", now=NOW).reference]
    stranger = [sheets.create("graine_de", "jeune", values(nom="Martin", prenom="Ismène", telephone="07 88 88 88 88"),
                              consent_at=NOW, sender_id="web-1b", now=NOW).reference]
    for sender in ("web-1", "web-2", "web-3", "web-1b"):
        add_events(stores, sender, NOW, NOW)
    return {"oedipe": oedipe, "namesake": namesake, "stranger": stranger}


def test_the_export_is_exactly_that_persons_sheets(stores: Stores) -> None:
    known = people(stores)
    by_phone = export_person(phone="06.12.34.56.78", stores=stores)
    json.dumps(by_phone)  # JSON-ready
    assert sorted(s["reference"] for s in by_phone["fiches"]) == sorted(known["oedipe"])
    first = next(s for s in by_phone["fiches"] if s["reference"] == known["oedipe"][0])
    fields = {f["champ"]: f["valeur"] for f in first["champs"]}
    assert fields["prenom"] == "Œdipe" and fields["date_naissance"] == "2005-03-12" and fields["date_sortie_scolaire"] == "2024-06"
    assert next(f for f in first["champs"] if f["champ"] == "prenom")["libelle"] == "Prénom"
    assert [(h["de"], h["vers"]) for h in first["historique"]] == [(None, "brouillon"), ("brouillon", "transmise")]
    assert first["statut"] == "transmise" and first["type"] == "graine_de" and first["territoire"] == "calaisis"

    by_reference = export_person(reference=known["oedipe"][1], stores=stores)
    assert sorted(s["reference"] for s in by_reference["fiches"]) == sorted(known["oedipe"])
    namesake = export_person(reference=known["namesake"][0], stores=stores)
    assert [s["reference"] for s in namesake["fiches"]] == known["namesake"]
    assert export_person(phone="01 02 03 04 05", stores=stores) == {"fiches": []}
    assert export_person(reference="PR-2026-999999", stores=stores) == {"fiches": []}
    with pytest.raises(ValueError):
        export_person(stores=stores)
    with pytest.raises(ValueError):
        export_person(phone="06 12 34 56 78", reference=known["oedipe"][0], stores=stores)


def test_erasing_a_person_by_phone_takes_their_sheets_and_conversations_only(stores: Stores) -> None:
    known = people(stores)
    counts = erase_person(phone="06 12 34 56 78", stores=stores)
    assert counts == {"fiches": 2, "changements_de_statut": 3, "evenements_de_conversation": 4, **NO_REQUESTS}
    assert count_events(stores, "web-1") == 0 and count_events(stores, "web-2") == 0
    assert count_events(stores, "web-3") == 2 and count_events(stores, "web-1b") == 2
    sheets = repository(stores)
    assert all(sheets.get(r) is None for r in known["oedipe"])
    assert all(sheets.get(r) is not None for r in known["namesake"] + known["stranger"])
    assert export_person(phone="06 12 34 56 78", stores=stores) == {"fiches": []}


def test_erasing_a_person_by_reference(stores: Stores) -> None:
    known = people(stores)
    counts = erase_person(reference=known["namesake"][0], stores=stores)
    assert counts == {"fiches": 1, "changements_de_statut": 1, "evenements_de_conversation": 2, **NO_REQUESTS}
    assert count_rows(stores)["sheets"] == 3 and count_events(stores, "web-3") == 0


# --- retention ---------------------------------------------------------------------------------

def test_months_before_counts_calendar_months() -> None:
    assert months_before(dt.datetime(2026, 11, 29, 10, tzinfo=UTC), 12) == dt.datetime(2025, 11, 29, 10, tzinfo=UTC)
    assert months_before(dt.datetime(2026, 3, 31, tzinfo=UTC), 1) == dt.datetime(2026, 2, 28, tzinfo=UTC)
    assert months_before(dt.datetime(2028, 3, 31, tzinfo=UTC), 1) == dt.datetime(2028, 2, 29, tzinfo=UTC)
    assert months_before(dt.datetime(2026, 1, 15, tzinfo=UTC), 13) == dt.datetime(2024, 12, 15, tzinfo=UTC)
    assert months_before(NOW, 0) == NOW


def test_the_purge_keeps_what_is_within_its_retention(stores: Stores) -> None:
    sheets = repository(stores)
    old = NOW - dt.timedelta(days=400)
    stale = sheets.create("graine_de", "jeune", values(), consent_at=old, now=old)
    recent_change = sheets.create("graine_de", "jeune", values(), consent_at=old, transmit=True, now=old)
    sheets.change_status(recent_change.reference, "validee", "conseiller-1", now=NOW - dt.timedelta(days=30))
    fresh = sheets.create("graine_de", "jeune", values(), consent_at=NOW, now=NOW - dt.timedelta(days=330))
    add_events(stores, "quiet", NOW - dt.timedelta(days=300), NOW - dt.timedelta(days=200))   # last: ~6.6 months
    add_events(stores, "back-again", NOW - dt.timedelta(days=300), NOW - dt.timedelta(days=10))
    add_events(stores, "active", NOW - dt.timedelta(days=1))

    expected = {"fiches": 1, "changements_de_statut": 1, "conversations": 1, "evenements_de_conversation": 2,
                **NO_REQUESTS_PURGED}
    assert purge(NOW, dry_run=True, stores=stores) == expected
    assert count_rows(stores)["sheets"] == 3 and count_events(stores) == 5  # a dry run deletes nothing
    assert purge(NOW, stores=stores) == expected
    assert sheets.get(stale.reference) is None
    assert sheets.get(recent_change.reference) is not None and sheets.get(fresh.reference) is not None
    assert count_events(stores, "quiet") == 0 and count_events(stores, "back-again") == 2 and count_events(stores, "active") == 1
    assert purge(NOW, stores=stores) == {"fiches": 0, "changements_de_statut": 0, "conversations": 0, "evenements_de_conversation": 0, **NO_REQUESTS_PURGED}

    shorter = purge(NOW, sheets_months=10, conversations_months=0, stores=stores)
    assert shorter == {"fiches": 1, "changements_de_statut": 1, "conversations": 2, "evenements_de_conversation": 3, **NO_REQUESTS_PURGED}
    assert sheets.get(fresh.reference) is None and count_events(stores) == 0


def test_later_issues_add_their_rules_in_one_place(stores: Stores) -> None:
    seen: list[tuple[dt.datetime, bool]] = []
    rule = privacy.RetentionRule("exemple_futur", "exemple d'une règle future", 3,
                                 lambda _stores, cutoff, dry_run: seen.append((cutoff, dry_run)) or {"exemple_futur": 0})
    privacy.register_retention_rule(rule)
    try:
        with pytest.raises(ValueError):
            privacy.register_retention_rule(rule)
        counts = purge(NOW, months={"exemple_futur": 1}, dry_run=True, stores=stores)
        assert counts["exemple_futur"] == 0 and seen == [(months_before(NOW, 1), True)]
    finally:
        del privacy.RETENTION_RULES["exemple_futur"]
    with pytest.raises(ValueError, match="unknown"):
        purge(NOW, months={"inconnue": 1}, stores=stores)
    with pytest.raises(ValueError):
        purge(dt.datetime(2026, 1, 1), stores=stores)
