#!/usr/bin/env bash
# Starts one process of Cap Jeunes 62 in the container image (deploy/Dockerfile), as
# scripts/run_prod.sh does on one host: `entrypoint.sh rasa | actions | backoffice | migrate`.
# Inside a pod each process listens on 0.0.0.0 (named here, explicitly), never by default.
# A missing or empty secret stops the start with its name, whatever CJ62_ENV says: an empty
# RASA_JWT_SECRET, say, would leave Rasa's HTTP API without authentication.
set -euo pipefail
cd "$(dirname "$0")/.."

require() {
  local missing=() name
  for name in "$@"; do
    [ -n "${!name:-}" ] || missing+=("$name")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "Variables manquantes : ${missing[*]}" >&2
    exit 2
  fi
}

if [ "${CJ62_ENV:-}" = production ] && [ -n "${BOT_TODAY:-}" ]; then
  echo "Production : BOT_TODAY est refusée." >&2
  exit 2
fi

case "${1:-}" in
  rasa)
    require DATABASE_URL TRACKER_DB_URL REDIS_URL CJ62_FERNET_KEY RASA_JWT_SECRET ACTION_TOKEN ACTION_SERVER_URL
    # endpoints.yml names the action server on 127.0.0.1; in a cluster it is a Service.
    endpoints=$(mktemp --suffix=.yml)
    sed "s#http://127.0.0.1:5055/webhook#${ACTION_SERVER_URL}#" endpoints.yml > "$endpoints"
    cors=() allowed=${ALLOWED_ORIGINS:-}
    IFS=, read -ra origins <<< "${allowed// /}"
    [ ${#origins[@]} -eq 0 ] || cors=(--cors "${origins[@]}")
    # Rasa takes the JWT secret only as an argument: rasa_ext.run hands it over inside the process
    # from RASA_JWT_SECRET, so that it is not on the command line; the HTTP API then requires a JWT.
    exec python -m rasa_ext.run --model models --interface 0.0.0.0 --port 5005 \
      --credentials credentials.yml --endpoints "$endpoints" --enable-api "${cors[@]}"
    ;;
  actions)
    require DATABASE_URL CJ62_FERNET_KEY ACTION_TOKEN
    exec python -m rasa_ext.action_server --host 0.0.0.0  # port: ACTION_PORT, 5055
    ;;
  backoffice)
    require DATABASE_URL CJ62_FERNET_KEY RASA_JWT_SECRET BACKOFFICE_URL
    exec python -m bot backoffice --host 0.0.0.0  # port: BACKOFFICE_PORT, 8080
    ;;
  migrate)
    require DATABASE_URL
    exec python -m bot db upgrade
    ;;
  *)
    echo "Usage : entrypoint.sh rasa | actions | backoffice | migrate" >&2
    exit 2
    ;;
esac
