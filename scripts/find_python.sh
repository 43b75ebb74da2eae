#!/usr/bin/env bash
# Prints a command that runs Python 3.10 (Rasa 3.6 supports no newer Python).
# Tries, in order: $PYTHON, python3.10 on PATH, a pyenv 3.10.x, python3 if it is 3.10.
set -euo pipefail

is_310() { "$@" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 10) else 1)' >/dev/null 2>&1; }

if [ -n "${PYTHON:-}" ] && is_310 $PYTHON; then echo "$PYTHON"; exit 0; fi
if is_310 python3.10; then echo "python3.10"; exit 0; fi
if command -v pyenv >/dev/null 2>&1; then
  v=$(pyenv versions --bare 2>/dev/null | grep -E '^3\.10(\.[0-9]+)?$' | sort -V | tail -n 1 || true)
  if [ -n "$v" ]; then
    prefix=$(pyenv prefix "$v")
    if is_310 "$prefix/bin/python3"; then echo "$prefix/bin/python3"; exit 0; fi
  fi
fi
if is_310 python3; then echo "python3"; exit 0; fi
echo "Python 3.10 introuvable : installez-le (par exemple avec pyenv) ou indiquez-le avec PYTHON=..." >&2
exit 1
