"""bot.prescription.repository, against SQLite and PostgreSQL: references, workflow with its
history, search through blind indexes, and nothing personal in clear in the database or the logs."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot import storage
from bot.prescription.models import FLAG_REPRESENTATIVE_NOT_INFORMED, SheetError, SheetNotFound, SheetStatus, SheetType
from bot.prescription.repository import SheetRepository

NOW = dt.datetime(2026, 11, 29, 10, 0, tzinfo=dt.timezone.utc)
LATER = NOW + dt.timedelta(days=2)


def test_a_sheet_is_saved_and_read_back_decrypted(repository: SheetRepository, values) -> None:  # noqa: ANN001
    sheet = repository.create("graine_de", "jeune", values(), consent_at=NOW, sender_id="web-1", now=NOW)
    assert sheet.reference == "PR-2026-000001" or sheet.reference.startswith("PR-2026-")
    assert sheet.status == SheetStatus.BROUILLON and sheet.territory == "calaisis"
    again = repository.get(sheet.reference)
    assert again == sheet
    assert again.values["nom"] == "D’Arcy-Lefèvre" and again.values["date_naissance"] == dt.date(2005, 3, 12)
    assert again.age == 21 and not again.is_minor and again.consent_at == NOW
    assert [(c.from_status, c.to_status, c.actor) for c in again.history] == [(None, SheetStatus.BROUILLON, "jeune")]
    assert repository.get("PR-2026-999999") is None


def test_references_follow_the_sequence_and_the_year_in_paris(repository: SheetRepository, values) -> None:  # noqa: ANN001
    first = repository.create("graine_de", "jeune", values(), consent_at=NOW, now=NOW)
    new_year_in_paris = dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.timezone.utc)  # 00:30 on 1 January in Paris
    second = repository.create("graine_de", "jeune", values(), consent_at=new_year_in_paris, now=new_year_in_paris)
    year, number = int(first.reference[3:7]), int(first.reference[8:])
    assert year == 2026 and second.reference == f"PR-2027-{number + 1:06d}"


def test_transmitting_at_creation_and_the_history(repository: SheetRepository, values) -> None:  # noqa: ANN001
    sheet = repository.create("coach_jeunesse", "jeune", values(), consent_at=NOW, transmit=True, now=NOW)
    assert sheet.status == SheetStatus.TRANSMISE and sheet.transmitted_at == NOW
    validated = repository.change_status(sheet.reference, "validee", "conseiller-42", comment="Dossier complet pour Œdipe", now=LATER)
    assert validated.status == SheetStatus.VALIDEE and validated.status_changed_at == LATER
    assert [(c.from_status, c.to_status, c.actor) for c in validated.history] == [
        (None, SheetStatus.BROUILLON, "jeune"),
        (SheetStatus.BROUILLON, SheetStatus.TRANSMISE, "jeune"),
        (SheetStatus.TRANSMISE, SheetStatus.VALIDEE, "conseiller-42"),
    ]
    assert validated.history[-1].comment == "Dossier complet pour Œdipe"
    with pytest.raises(SheetError, match="ne peut pas passer"):
        repository.change_status(sheet.reference, SheetStatus.BROUILLON, "conseiller-42")
    with pytest.raises(SheetNotFound):
        repository.transmit("PR-2026-999999", "jeune")
    for actor in ("", " jeune", "x" * 65):
        with pytest.raises(SheetError):
            repository.change_status(sheet.reference, SheetStatus.TRANSMISE, actor)


def test_a_minor_whose_representative_is_not_informed_stays_a_flagged_draft(repository: SheetRepository, minor) -> None:  # noqa: ANN001
    sheet = repository.create("graine_de", "jeune", minor(informed=False), consent_at=NOW, transmit=True, now=NOW)
    assert sheet.is_minor and sheet.age == 16
    assert sheet.status == SheetStatus.BROUILLON and sheet.slai_flag == FLAG_REPRESENTATIVE_NOT_INFORMED
    assert sheet.legal_representative_informed is False
    assert [s.reference for s in repository.search(["calaisis"], flagged_only=True)] == [sheet.reference]
    with pytest.raises(SheetError, match="représentant légal"):
        repository.transmit(sheet.reference, "jeune")
    informed = repository.update_fields(sheet.reference, {"representant_informe": True}, "conseiller-7", now=LATER)
    assert informed.slai_flag is None and informed.legal_representative_informed is True
    assert informed.status == SheetStatus.BROUILLON and informed.updated_at == LATER
    assert repository.transmit(informed.reference, "conseiller-7").status == SheetStatus.TRANSMISE


def test_an_informed_minor_is_transmitted_and_adults_have_no_representative(repository: SheetRepository, minor, values) -> None:  # noqa: ANN001
    sheet = repository.create("graine_de", "jeune", minor(informed=True), consent_at=NOW, transmit=True, now=NOW)
    assert sheet.status == SheetStatus.TRANSMISE and sheet.slai_flag is None
    with pytest.raises(SheetError, match="en trop"):
        repository.create("graine_de", "jeune", values(representant_nom="Jocaste"), consent_at=NOW, now=NOW)


def test_missing_required_fields_are_named(repository: SheetRepository, values, minor) -> None:  # noqa: ANN001
    with pytest.raises(SheetError) as raised:
        repository.create("graine_de", "jeune", values(souhaits=None, telephone=""), consent_at=NOW, now=NOW)
    assert "Métiers ou secteurs souhaités" in str(raised.value) and "Téléphone" in str(raised.value)
    with pytest.raises(SheetError, match="Représentant légal informé"):
        repository.create("graine_de", "jeune", minor(informed=None), consent_at=NOW, now=NOW)
    with pytest.raises(SheetError, match="Nom du prescripteur"):
        repository.create("coordo_ase", "professionnel", values(telephone=None), consent_at=NOW, now=NOW)
    with pytest.raises(SheetError):
        repository.create("graine_de", "structure", values(), consent_at=NOW, now=NOW)
    with pytest.raises(ValueError):
        repository.create("graine_de", "jeune", values(), consent_at=dt.datetime(2026, 1, 1), now=NOW)


def test_a_professional_prescribes_without_the_young_persons_phone(repository: SheetRepository, values) -> None:  # noqa: ANN001
    pro = {"prescripteur_structure": "Mission locale du Calaisis", "prescripteur_nom": "Tirésias",
           "prescripteur_telephone": "03 21 00 00 00", "prescripteur_email": "t@ml.fr"}
    sheet = repository.create("coordo_ase", "professionnel", values(telephone=None, **pro), consent_at=NOW, now=NOW)
    assert sheet.role == "professionnel" and "telephone" not in sheet.values
    assert sheet.history[0].actor == "professionnel"


def test_search_by_territory_status_type_name_and_phone(repository: SheetRepository, values) -> None:  # noqa: ANN001
    calais = repository.create("graine_de", "jeune", values(), consent_at=NOW, transmit=True, now=NOW)
    arras = repository.create("coordo_ase", "jeune", values(nom="Martin", commune="62041", telephone="07 00 00 00 01"),
                              consent_at=NOW, now=LATER)
    assert arras.territory == "arrageois"
    assert [s.reference for s in repository.search(None)] == [arras.reference, calais.reference]
    assert [s.reference for s in repository.search(["calaisis"])] == [calais.reference]
    assert repository.search(["calaisis", "arrageois"], status="brouillon")[0].reference == arras.reference
    assert repository.search(None, status=["transmise", "validee"])[0].reference == calais.reference
    assert [s.reference for s in repository.search(None, sheet_type=SheetType.COORDO_ASE)] == [arras.reference]
    for typed in ("D’Arcy-Lefèvre", "darcy lefevre", "D'ARCY LEFÈVRE"):
        assert [s.reference for s in repository.search(["calaisis"], last_name=typed)] == [calais.reference]
    assert repository.search(["arrageois"], last_name="D’Arcy-Lefèvre") == []
    assert [s.reference for s in repository.search(None, phone="+33 7 00 00 00 01")] == [arras.reference]
    assert repository.search([]) == []
    assert len(repository.search(None, limit=1)) == 1 and repository.search(None, limit=1, offset=1)[0].reference == calais.reference


def test_update_fields_moves_the_indexes_and_the_territory(repository: SheetRepository, values) -> None:  # noqa: ANN001
    sheet = repository.create("graine_de", "jeune", values(), consent_at=NOW, now=NOW)
    moved = repository.update_fields(sheet.reference, {"nom": "Thèbes", "commune": "62041", "email": None}, "jeune")
    assert moved.territory == "arrageois" and moved.values["nom"] == "Thèbes" and "email" not in moved.values
    assert repository.search(None, last_name="D’Arcy-Lefèvre") == []
    assert [s.reference for s in repository.search(["arrageois"], last_name="thebes")] == [sheet.reference]
    with pytest.raises(SheetError):
        repository.update_fields(sheet.reference, {"nom": None}, "jeune")
    with pytest.raises(SheetError, match="inconnus"):
        repository.update_fields(sheet.reference, {"age": 12}, "jeune")


def test_reencryption_with_a_new_first_key(repository: SheetRepository, values, monkeypatch: pytest.MonkeyPatch, key: str) -> None:  # noqa: ANN001
    from bot.crypto import ENV_VAR, generate_key

    sheet = repository.create("graine_de", "jeune", values(), consent_at=NOW, transmit=True, sender_id="web-9", now=NOW)
    repository.change_status(sheet.reference, "refusee", "conseiller-1", comment="pas de place")
    new_key = generate_key()
    monkeypatch.setenv(ENV_VAR, f"{new_key},{key}")
    assert repository.reencrypt_all(batch=1) == 1
    monkeypatch.setenv(ENV_VAR, new_key)
    again = repository.get(sheet.reference)
    assert again is not None and again.values["nom"] == "D’Arcy-Lefèvre" and again.history[-1].comment == "pas de place"
    assert [s.reference for s in repository.search(None, last_name="darcy lefevre")] == [sheet.reference]


# --- nothing personal in clear -----------------------------------------------------------------

PLANTED = ["D’Arcy-Lefèvre", "Arcy", "Lefèvre", "Lefevre", "Œdipe", "Oedipe", "oedipe@exemple.fr", "06 12 34 56 78",
           "0612345678", "2005-03-12", "12/03/2005", "Jocaste", "07 11 22 33 44", "0711223344", "2010-01-05",
           "web-secret-sender", "CAP cuisine", "boulangerie"]


def raw_text(url: str) -> str:
    """Everything the database holds, as text: the SQLite files' bytes, or every row of cj62."""
    engine = storage.engine(url)
    if engine.dialect.name == "sqlite":
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(FULL)")
        path = Path(engine.url.database)
        files = [path, *path.parent.glob(path.name + "-*")]
        return "\n".join(f.read_bytes().decode("utf-8", "replace") for f in files if f.exists())
    rows = []
    with engine.connect() as connection:
        tables = connection.execute(sa.text(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'cj62'")).scalars().all()
        for table in tables:
            rows += [str(r) for r in connection.execute(sa.text(f'SELECT t::text FROM cj62."{table}" t')).scalars()]
    return "\n".join(rows)


def test_nothing_personal_is_stored_or_logged_in_clear(repository: SheetRepository, minor, database_url: str,
                                                       caplog: pytest.LogCaptureFixture) -> None:  # noqa: ANN001
    caplog.set_level(logging.DEBUG)
    sheet = repository.create("graine_de", "jeune", minor(informed=False), consent_at=NOW, sender_id="web-secret-sender", now=NOW)
    repository.update_fields(sheet.reference, {"representant_informe": True}, "jeune")
    repository.transmit(sheet.reference, "jeune", comment="Jocaste a été appelée au 07 11 22 33 44")
    repository.search(None, last_name="D’Arcy-Lefèvre", phone="06 12 34 56 78")
    stored = raw_text(database_url)
    assert sheet.reference in stored  # the search works on the real data
    for planted in PLANTED:
        assert planted not in stored, planted
    logged = caplog.text + "\n".join(str(r.args) for r in caplog.records)
    assert sheet.reference in logged
    for planted in PLANTED:
        assert planted not in logged, planted
