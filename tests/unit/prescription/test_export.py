"""bot.prescription.export: a CSV that French Excel opens as is."""

from __future__ import annotations

import csv
import datetime as dt
import io

from bot.prescription.export import header, sheets_csv, territory_csv
from bot.prescription.fields import ALL_FIELDS
from bot.prescription.models import Sheet, SheetStatus, SheetType
from bot.prescription.repository import SheetRepository

NOW = dt.datetime(2026, 11, 29, 10, 0, tzinfo=dt.timezone.utc)


def make(values: dict, **changes) -> Sheet:  # noqa: ANN003
    base = dict(reference="PR-2026-000007", sheet_type=SheetType.GRAINE_DE, role="jeune", status=SheetStatus.TRANSMISE,
                territory="calaisis", values=values, consent_at=NOW, created_at=NOW, updated_at=NOW,
                status_changed_at=NOW, transmitted_at=NOW)
    base.update(changes)
    return Sheet(**base)


def rows(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert text.endswith("\r\n")
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=";"))


def test_columns_encoding_and_dates(values) -> None:  # noqa: ANN001
    data = sheets_csv([make(values(souhaits="cuisine; vente\net « service »"))])
    assert data.decode("utf-8-sig").count("\r\n") == 2  # the header and one row; the typed line break stays inside
    first_line = data.decode("utf-8-sig").split("\r\n")[0]
    assert first_line.split(";")[:6] == ["Référence", "Type de fiche", "Statut", "Signalement SLAI", "Nom", "Prénom"]
    assert header() == ["Référence", "Type de fiche", "Statut", "Signalement SLAI", *(f.label for f in ALL_FIELDS)]
    (row,) = rows(data)
    assert row["Nom"] == "D’Arcy-Lefèvre" and row["Prénom"] == "Œdipe"
    assert row["Date de naissance"] == "12/03/2005" and row["Date de sortie du système scolaire"] == "06/2024"
    assert row["Date de création"] == "29/11/2026" and row["Consentement recueilli le"] == "29/11/2026"
    assert row["Commune"] == "Calais" and row["Territoire"] == "Calaisis" and row["Âge"] == "21 ans"
    assert row["Suivi par une mission locale"] == "oui" and row["En CEJ (contrat d'engagement jeune)"] == "non"
    assert row["Métiers ou secteurs souhaités"] == "cuisine; vente\net « service »"
    assert row["Nom du représentant légal"] == "" and row["Statut"] == "transmise au SLAI"


def test_a_typed_formula_never_runs_in_excel(values) -> None:  # noqa: ANN001
    (row,) = rows(sheets_csv([make(values(souhaits="=HYPERLINK(\"http://x\")", disponibilites="+33 le matin",
                                          situation_actuelle="@SUM(A1)"))]))
    assert row["Métiers ou secteurs souhaités"] == "'=HYPERLINK(\"http://x\")"
    assert row["Disponibilités"] == "'+33 le matin" and row["Situation actuelle"] == "'@SUM(A1)"


def test_one_territory_from_the_database(database_url: str, key: str, values) -> None:  # noqa: ANN001
    from bot import storage

    repository = SheetRepository(storage.session_factory(database_url))
    calais = repository.create("graine_de", "jeune", values(), consent_at=NOW, now=NOW)
    repository.create("graine_de", "jeune", values(commune="62041"), consent_at=NOW, now=NOW)
    exported = rows(territory_csv(repository, "calaisis", page=1))
    assert [r["Référence"] for r in exported] == [calais.reference]
    assert rows(territory_csv(repository, "ternois")) == []
