#!/usr/bin/env bash
# Back up one PostgreSQL database of Cap Jeunes 62 (application data or conversations) into a
# custom-format dump, naming the variable that holds its URL (never the URL: it carries the
# password, and every argument shows in `ps`):
#   scripts/pg_backup.sh DATABASE_URL backups/app-$(date +%F).dump
# Personal data stays encrypted in the dump (Fernet): keep CJ62_FERNET_KEY safe and separate,
# without it a restored database cannot be read.
set -euo pipefail
source "$(dirname "$0")/pg_env.sh"
name=${1:?nom de la variable de la base (DATABASE_URL ou TRACKER_DB_URL)}
out=${2:?fichier de sauvegarde}
cj62_pg_env "$name"
mkdir -p "$(dirname "$out")"
umask 077
pg_dump --format=custom --no-owner --no-privileges --file "$out"
echo "Sauvegarde écrite : $out ($(du -h "$out" | cut -f1))"
