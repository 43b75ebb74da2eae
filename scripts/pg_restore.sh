#!/usr/bin/env bash
# Restore a dump made by scripts/pg_backup.sh into an EMPTY PostgreSQL database:
# scripts/pg_restore.sh backups/app-2026-11-29.dump "$DATABASE_URL"
# Then start the services with the same CJ62_FERNET_KEY as when the dump was made.
set -euo pipefail
dump=${1:?fichier de sauvegarde}
url=${2:?URL de la base vide où restaurer}
url=${url/postgresql+psycopg2:/postgresql:}
pg_restore --exit-on-error --no-owner --no-privileges --dbname "$url" "$dump"
echo "Restauration terminée dans la base cible."
