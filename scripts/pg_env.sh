# Sourced by pg_backup.sh and pg_restore.sh: the database URL held in the environment variable
# named $1 (DATABASE_URL or TRACKER_DB_URL) becomes libpq's PGHOST, PGPORT, PGUSER, PGPASSWORD and
# PGDATABASE, so that no password is ever on a command line (ps shows every argument, issue 16).
# The URL is read by name from the environment, not passed as an argument, for the same reason.
cj62_pg_env() {
  local name=${1:?nom de la variable qui contient l\'URL (DATABASE_URL ou TRACKER_DB_URL)}
  [ -n "${!name:-}" ] || { echo "$name n'est pas définie." >&2; return 2; }
  local key value
  while IFS= read -r -d '' key && IFS= read -r -d '' value; do
    export "$key=$value"
  done < <(CJ62_PG_URL_NAME="$name" python3 -c '
import os, sys
from urllib.parse import unquote, urlsplit
url = urlsplit(os.environ[os.environ["CJ62_PG_URL_NAME"]].replace("postgresql+psycopg2:", "postgresql:", 1))
if url.scheme != "postgresql":
    sys.exit("Seule une URL postgresql:// se sauvegarde ainsi.")
for key, value in (("PGHOST", url.hostname), ("PGPORT", url.port), ("PGUSER", url.username),
                   ("PGPASSWORD", url.password), ("PGDATABASE", url.path.lstrip("/"))):
    if value:
        sys.stdout.write(f"{key}\0{unquote(str(value))}\0")
')
  [ -n "${PGDATABASE:-}" ] || { echo "$name ne nomme pas de base." >&2; return 2; }
}
