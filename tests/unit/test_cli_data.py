"""`python -m bot db | purge | personne`, end to end in a subprocess, as an administrator runs them."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot import storage
from bot.crypto import generate_key
from bot.paths import ROOT
from bot.prescription.fields import PartialDate
from bot.prescription.repository import SheetRepository
from bot.storage.testing import PostgresUnavailable, temporary_postgres_database

NOW = dt.datetime(2026, 11, 29, 10, 0, tzinfo=dt.timezone.utc)
KEY = generate_key()


def environment(tmp_path: Path, **changes: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("BOT_TODAY", "POSTGRESQL_SCHEMA")}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'app.db'}", TRACKER_DB_URL=f"sqlite:///{tmp_path / 'tracker.db'}",
               CJ62_FERNET_KEY=KEY, BOT_TODAY="2026-11-29")
    env.update(changes)
    return {k: v for k, v in env.items() if v != ""}


def bot(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot", *args], capture_output=True, text=True, cwd=tmp_path,
                          env=environment(tmp_path, **env), timeout=120)


def one_french_error(done: subprocess.CompletedProcess) -> str:
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("erreur : "), done.stderr
    assert "Traceback" not in done.stderr
    return done.stderr


def save_sheet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **changes) -> str:  # noqa: ANN003
    monkeypatch.setenv("CJ62_FERNET_KEY", KEY)
    url = f"sqlite:///{tmp_path / 'app.db'}"
    values = {
        "nom": "D’Arcy-Lefèvre", "prenom": "Œdipe", "date_naissance": dt.date(2005, 3, 12), "commune": "62193",
        "telephone": "06 12 34 56 78", "derniere_classe": "CAP", "date_sortie_scolaire": PartialDate(2024, 6),
        "situation_actuelle": "sans emploi", "mission_locale": True, "cej": False, "pacea": False, "ase": False,
        "rsa": False, "difficulte_mobilite": True, "difficulte_logement": False, "difficulte_sante": False,
        "difficulte_budget": False, "difficulte_confiance": True, "souhaits": "cuisine", "disponibilites": "le matin",
    }
    values.update(changes)
    try:
        return SheetRepository(storage.session_factory(url)).create(
            "graine_de", "jeune", values, consent_at=NOW, sender_id="web-1", transmit=True, now=NOW).reference
    finally:
        storage.dispose_engine(url)


def test_an_administrator_exports_then_erases_one_person(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    one_french_error(bot(tmp_path, "personne", "export", "--phone", "06 12 34 56 78"))  # not migrated yet
    upgraded = bot(tmp_path, "db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    assert "à jour" in upgraded.stdout and "sqlite file" in upgraded.stdout
    reference = save_sheet(tmp_path, monkeypatch)
    other = save_sheet(tmp_path, monkeypatch, nom="Martin", telephone="07 00 00 00 00")

    exported = bot(tmp_path, "personne", "export", "--phone", "+33 6 12 34 56 78")
    assert exported.returncode == 0, exported.stderr
    document = json.loads(exported.stdout)
    assert [s["reference"] for s in document["fiches"]] == [reference]
    assert {f["champ"]: f["valeur"] for f in document["fiches"][0]["champs"]}["nom"] == "D’Arcy-Lefèvre"
    by_reference = json.loads(bot(tmp_path, "personne", "export", "--reference", reference).stdout)
    assert by_reference == document

    dry = bot(tmp_path, "purge", "--dry-run", BOT_TODAY="2028-01-01")
    assert dry.returncode == 0, dry.stderr
    assert "simulation" in dry.stdout and "fiches : 2" in dry.stdout

    erased = bot(tmp_path, "personne", "efface", "--telephone", "06 12 34 56 78")
    assert erased.returncode == 0, erased.stderr
    assert "fiches : 1" in erased.stdout and "evenements_de_conversation : 0" in erased.stdout
    assert json.loads(bot(tmp_path, "personne", "export", "--phone", "06 12 34 56 78").stdout) == {"fiches": []}

    kept = bot(tmp_path, "purge")  # within 12 months of its last status change
    assert kept.returncode == 0 and "fiches : 0" in kept.stdout
    gone = bot(tmp_path, "purge", "--fiches-mois", "0", BOT_TODAY="2026-12-01")
    assert "fiches : 1" in gone.stdout
    assert json.loads(bot(tmp_path, "personne", "export", "--reference", other).stdout) == {"fiches": []}
    for output in (exported.stderr, erased.stdout, erased.stderr, dry.stdout, gone.stdout):
        assert "Arcy" not in output and "06 12" not in output


def test_errors_are_one_french_line(tmp_path: Path) -> None:
    assert bot(tmp_path, "db", "upgrade").returncode == 0
    missing_key = one_french_error(bot(tmp_path, "personne", "export", "--phone", "0612345678", CJ62_FERNET_KEY=""))
    assert "CJ62_FERNET_KEY" in missing_key
    bad_key = one_french_error(bot(tmp_path, "personne", "efface", "--phone", "0612345678", CJ62_FERNET_KEY="cle-secrete-invalide"))
    assert "CJ62_FERNET_KEY" in bad_key and "cle-secrete-invalide" not in bad_key
    bad_url = bot(tmp_path, "db", "upgrade", DATABASE_URL="postgresql://u:mot-de-passe@127.0.0.1:1/rien")
    assert "mot-de-passe" not in one_french_error(bad_url)
    assert "mot-de-passe" not in one_french_error(bot(tmp_path, "db", "upgrade", DATABASE_URL="n'importe:quoi@"))
    assert "06 12 34 56 78" in one_french_error(bot(tmp_path, "personne", "efface", "--phone", "12"))  # the example
    one_french_error(bot(tmp_path, "personne", "export"))
    one_french_error(bot(tmp_path, "personne", "export", "--phone", "0612345678", "--reference", "PR-2026-000001"))
    one_french_error(bot(tmp_path, "personne", "supprime", "--phone", "0612345678"))
    one_french_error(bot(tmp_path, "purge", "--fiches-mois", "-1"))
    one_french_error(bot(tmp_path, "purge", "--fiches-mois", "douze"))
    assert "utilisation" in bot(tmp_path, "personne", "efface", "--help").stdout


def test_db_upgrade_on_postgresql(tmp_path: Path) -> None:
    try:
        with temporary_postgres_database("cj62_test_cli") as url:
            first = bot(tmp_path, "db", "upgrade", DATABASE_URL=url)
            assert first.returncode == 0, first.stderr
            assert "postgresql at 127.0.0.1" in first.stdout
            purged = bot(tmp_path, "purge", "--dry-run", DATABASE_URL=url, TRACKER_DB_URL=url)
            assert purged.returncode == 0, purged.stderr
            assert "fiches : 0" in purged.stdout and "evenements_de_conversation : 0" in purged.stdout
    except PostgresUnavailable as error:
        pytest.skip(str(error))


def test_the_cli_runs_from_the_repository_too() -> None:
    done = subprocess.run([sys.executable, "-m", "bot", "--help"], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 0 and "personne" in done.stdout and "purge" in done.stdout
