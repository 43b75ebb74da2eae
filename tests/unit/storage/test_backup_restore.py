"""Backup and restore of the application database with the scripts docs/exploitation.md gives,
against the local PostgreSQL: a sheet saved before the backup reads the same after the restore."""

from __future__ import annotations

import datetime as dt
import os
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
            # The URL travels by the environment, named (issue 16: never a password on a command line).
            environ = {**os.environ, "SOURCE_URL": source, "TARGET_URL": target}
            subprocess.run(["bash", "scripts/pg_backup.sh", "SOURCE_URL", str(dump)], cwd=ROOT, check=True,
                           capture_output=True, env=environ)
            assert dump.stat().st_mode & 0o077 == 0  # readable by its owner only
            assert b"Arcy" not in dump.read_bytes()  # personal data stays encrypted in the dump
            subprocess.run(["bash", "scripts/pg_restore.sh", str(dump), "TARGET_URL"], cwd=ROOT, check=True,
                           capture_output=True, env=environ)
            restored = SheetRepository(storage.session_factory(target)).get(saved.reference)
            assert restored is not None and restored.values == saved.values and restored.status == saved.status
            storage.migrate(target)  # already at head: nothing to do, no error
    except PostgresUnavailable as unavailable:
        pytest.skip(str(unavailable))


def test_the_database_password_never_reaches_a_command_line(tmp_path: Path) -> None:
    """pg_env.sh turns the URL named by a variable into libpq's variables (issue 16)."""
    script = ('source scripts/pg_env.sh && cj62_pg_env SOME_URL && '
              'echo "$PGHOST|$PGPORT|$PGUSER|$PGPASSWORD|$PGDATABASE"')
    environ = {**os.environ, "SOME_URL": "postgresql+psycopg2://cj62:p%40ss%20w0rd@db.exemple:5433/cj62_app"}
    done = subprocess.run(["bash", "-c", script], cwd=ROOT, capture_output=True, text=True, env=environ, check=True)
    assert done.stdout.strip() == "db.exemple|5433|cj62|p@ss w0rd|cj62_app"
    for name in ("pg_backup.sh", "pg_restore.sh"):
        text = (ROOT / "scripts" / name).read_text(encoding="utf-8")
        assert '"$url"' not in text and "cj62_pg_env" in text
    missing = subprocess.run(["bash", "-c", "source scripts/pg_env.sh && cj62_pg_env ABSENT_URL"], cwd=ROOT,
                             capture_output=True, text=True, env={k: v for k, v in os.environ.items()
                                                                  if k != "ABSENT_URL"})
    assert missing.returncode == 2 and "ABSENT_URL" in missing.stderr
