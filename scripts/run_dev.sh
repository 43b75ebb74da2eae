#!/usr/bin/env bash
# Start the assistant in development: action server on 127.0.0.1:5055, the back office (with the
# demo page of the widget at /demo) on 127.0.0.1:8080, Rasa on 127.0.0.1:5005 with our channels and
# its HTTP API protected by RASA_AUTH_TOKEN. Logs in logs/.
# Trains a model first when none matches the current data (rasa train skips otherwise).
set -euo pipefail
cd "$(dirname "$0")/.."
export RASA_TELEMETRY_ENABLED=false
mkdir -p logs var models
.venv/bin/python scripts/make_env.py
set -a; source .env; set +a

RASA_PORT=${RASA_PORT:-5005}
ACTION_PORT=${ACTION_PORT:-5055}

echo "Entraînement du modèle si nécessaire…"
.venv/bin/rasa train --config config.yml --domain domain.yml --data data --out models --quiet >> logs/train.log 2>&1 \
  || { echo "L'entraînement a échoué : voir logs/train.log" >&2; exit 1; }

.venv/bin/python -m bot db upgrade >> logs/actions.log 2>&1 \
  || { echo "La base de données ne se met pas à jour : voir logs/actions.log" >&2; exit 1; }
.venv/bin/python -m rasa_ext.action_server --port "$ACTION_PORT" >> logs/actions.log 2>&1 &
ACTIONS_PID=$!
RASA_URL="http://127.0.0.1:${RASA_PORT}" .venv/bin/python -m bot backoffice >> logs/backoffice.log 2>&1 &
BACKOFFICE_PID=$!
trap 'kill $ACTIONS_PID $BACKOFFICE_PID 2>/dev/null || true' EXIT INT TERM

echo "Back-office et démonstration du widget : http://localhost:${BACKOFFICE_PORT:-8080}/demo (journal : logs/backoffice.log)"

echo "Assistant : http://127.0.0.1:${RASA_PORT}/webhooks/rest/webhook (journal : logs/rasa.log)"
# ALLOWED_ORIGINS is comma-separated; Rasa's --cors takes one argument per origin.
allowed=${ALLOWED_ORIGINS:-http://localhost:8080}
IFS=, read -ra origins <<< "${allowed// /}"
.venv/bin/rasa run --model models --interface 127.0.0.1 --port "$RASA_PORT" \
  --credentials credentials.yml --endpoints endpoints.yml \
  --enable-api --auth-token="$RASA_AUTH_TOKEN" --cors "${origins[@]}" \
  >> logs/rasa.log 2>&1
