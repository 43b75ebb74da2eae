"""Backup and restore of the application database with the scripts docs/exploitation.md gives,
against the local PostgreSQL: a sheet saved before the backup reads the same after the restore."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pytest

from bot import storage
from bot.prescription.repository import SheetRepository
from bot.storage.testing import PostgresUnavailable, temporary_postgres_database

ROOT = Path(__file__).resolve().parents[3]
NOW = dt.datetime(2026, 11, 29, 10, 0, tzinfo=dt.timezone.utc)


def test_a_backup_restored_into_an_empty_database_gives_back_the_sheets(tmp_path: Path, key: str) -> None:
    import shutil

    from backoffice_support import values

    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("pg_dump / pg_restore absents (paquet postgresql-client) : sauvegarde non testée.")
    dump = tmp_path / "sauvegardes" / "app.dump"
    try:
        with temporary_postgres_database("cj62_backup") as source, temporary_postgres_database("cj62_restore") as target:
            storage.migrate(source)
            saved = SheetRepository(storage.session_factory(source)).create(
                "graine_de", "jeune", values(), consent_at=NOW, transmit=True, sender_id="web-1", now=NOW)
            subprocess.run(["bash", "scripts/pg_backup.sh", source, str(dump)], cwd=ROOT, check=True, capture_output=True)
            assert dump.stat().st_mode & 0o077 == 0  # readable by its owner only
            assert b"Arcy" not in dump.read_bytes()  # personal data stays encrypted in the dump
            subprocess.run(["bash", "scripts/pg_restore.sh", str(dump), target], cwd=ROOT, check=True,
                           capture_output=True)
            restored = SheetRepository(storage.session_factory(target)).get(saved.reference)
            assert restored is not None and restored.values == saved.values and restored.status == saved.status
            storage.migrate(target)  # already at head: nothing to do, no error
    except PostgresUnavailable as unavailable:
        pytest.skip(str(unavailable))
