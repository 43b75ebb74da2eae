#!/usr/bin/env bash
# Production on one host (CJ62_ENV=production): M action servers (127.0.0.1:5055+i), N Rasa replicas
# (127.0.0.1:5005+i, each using action server i mod M) and the back office (BACKOFFICE_PORT, 8080),
# against PostgreSQL (DATABASE_URL, TRACKER_DB_URL) and Redis (REDIS_URL). Put a load balancer
# (deploy/ for an nginx example) in front of the replicas. Usage: scripts/run_prod.sh [N] [M]
# Secrets come from the environment only; a missing one stops the start with its name.
set -euo pipefail
cd "$(dirname "$0")/.."
export RASA_TELEMETRY_ENABLED=false CJ62_ENV=production

REPLICAS=${1:-2}
ACTION_SERVERS=${2:-1}
missing=()
for name in DATABASE_URL TRACKER_DB_URL REDIS_URL CJ62_FERNET_KEY RASA_JWT_SECRET ACTION_TOKEN BACKOFFICE_URL; do
  [ -n "${!name:-}" ] || missing+=("$name")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Production : variables manquantes : ${missing[*]}" >&2
  exit 2
fi
[ -z "${BOT_TODAY:-}" ] || { echo "Production : BOT_TODAY est refusée." >&2; exit 2; }
case "$TRACKER_DB_URL$DATABASE_URL" in
  *sqlite*) echo "Production : DATABASE_URL et TRACKER_DB_URL doivent être des URL PostgreSQL." >&2; exit 2 ;;
esac
MODEL=$(ls -t models/*.tar.gz 2>/dev/null | head -1 || true)
[ -n "$MODEL" ] || { echo "Aucun modèle dans models/ : lancez make train." >&2; exit 2; }

mkdir -p logs var/run
.venv/bin/python -m bot db upgrade >> logs/prod-migrate.log 2>&1
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT INT TERM

for ((i = 0; i < ACTION_SERVERS; i++)); do
  .venv/bin/python -m rasa_ext.action_server --port $((5055 + i)) >> "logs/actions-$i.log" 2>&1 &
  pids+=($!)
done
# Behind deploy/nginx, which sets X-Real-IP: the login limit counts per client, not per proxy.
BACKOFFICE_CLIENT_IP_HEADER="${BACKOFFICE_CLIENT_IP_HEADER:-X-Real-IP}" \
  .venv/bin/python -m bot backoffice >> logs/backoffice.log 2>&1 &
pids+=($!)
# ALLOWED_ORIGINS is comma-separated; Rasa's --cors takes one argument per origin.
cors=() allowed=${ALLOWED_ORIGINS:-}
IFS=, read -ra origins <<< "${allowed// /}"
[ ${#origins[@]} -eq 0 ] || cors=(--cors "${origins[@]}")
for ((i = 0; i < REPLICAS; i++)); do
  endpoints="var/run/endpoints-$i.yml"
  sed "s#http://127.0.0.1:5055/webhook#http://127.0.0.1:$((5055 + i % ACTION_SERVERS))/webhook#" endpoints.yml > "$endpoints"
  # The HTTP API takes a JWT in the Authorization header only (no token in a query string); the
  # secret goes from RASA_JWT_SECRET to Rasa inside the process, never on a command line (ps).
  .venv/bin/python -m rasa_ext.run --model "$MODEL" --interface 127.0.0.1 --port $((5005 + i)) \
    --credentials credentials.yml --endpoints "$endpoints" --enable-api \
    "${cors[@]}" >> "logs/rasa-$i.log" 2>&1 &
  pids+=($!)
done
echo "Production : ${REPLICAS} réplique(s) Rasa (5005…), ${ACTION_SERVERS} serveur(s) d'actions (5055…), back-office ; journaux dans logs/."
wait -n "${pids[@]}"
echo "Un processus s'est arrêté : arrêt de tous (voir logs/)." >&2
exit 1
