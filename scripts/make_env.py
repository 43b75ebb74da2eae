"""Create `.env` with development secrets if it does not exist (never used in production).

Secrets are random; the file is git-ignored. Existing values are kept, missing ones added.
"""

from __future__ import annotations

import base64
import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENV = ROOT / ".env"


def _fernet_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


GENERATORS = {
    "CJ62_ENV": lambda: "dev",
    "RASA_AUTH_TOKEN": lambda: secrets.token_urlsafe(32),
    "RASA_JWT_SECRET": lambda: secrets.token_urlsafe(32),
    "ACTION_TOKEN": lambda: secrets.token_urlsafe(32),
    "CJ62_FERNET_KEY": _fernet_key,
}


def main() -> None:
    existing: dict[str, str] = {}
    if ENV.exists():
        for line in ENV.read_text(encoding="utf-8").splitlines():
            if "=" in line and not line.lstrip().startswith("#"):
                key, value = line.split("=", 1)
                existing[key.strip()] = value.strip()
    missing = {k: g() for k, g in GENERATORS.items() if k not in existing}
    if missing:
        with ENV.open("a", encoding="utf-8") as handle:
            if not existing:
                handle.write("# Secrets de développement, générés par make run. Jamais en production.\n")
            for key, value in missing.items():
                handle.write(f"{key}={value}\n")
        ENV.chmod(0o600)
        print(f".env : {len(missing)} valeur(s) ajoutée(s)")


if __name__ == "__main__":
    main()
