#!/usr/bin/env bash
# Restore a dump made by scripts/pg_backup.sh into an EMPTY PostgreSQL database, naming the
# variable that holds its URL (never the URL itself, which carries the password):
#   scripts/pg_restore.sh backups/app-2026-11-29.dump DATABASE_URL
# Then start the services with the same CJ62_FERNET_KEY as when the dump was made.
set -euo pipefail
source "$(dirname "$0")/pg_env.sh"
dump=${1:?fichier de sauvegarde}
name=${2:?nom de la variable de la base vide où restaurer (DATABASE_URL ou TRACKER_DB_URL)}
cj62_pg_env "$name"
pg_restore --exit-on-error --no-owner --no-privileges --dbname "$PGDATABASE" "$dump"
echo "Restauration terminée dans la base cible."
