#!/usr/bin/env bash
# Back up one PostgreSQL database of Cap Jeunes 62 (application data or conversations) into a
# custom-format dump: scripts/pg_backup.sh "$DATABASE_URL" backups/app-$(date +%F).dump
# Personal data stays encrypted in the dump (Fernet): keep CJ62_FERNET_KEY safe and separate,
# without it a restored database cannot be read.
set -euo pipefail
url=${1:?URL de la base (DATABASE_URL ou TRACKER_DB_URL)}
out=${2:?fichier de sauvegarde}
url=${url/postgresql+psycopg2:/postgresql:}
mkdir -p "$(dirname "$out")"
umask 077
pg_dump --format=custom --no-owner --no-privileges --file "$out" "$url"
echo "Sauvegarde écrite : $out ($(du -h "$out" | cut -f1))"
