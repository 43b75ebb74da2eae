"""What the back office needs, read from the environment once at start-up (or built by tests).

| variable | meaning | default |
|---|---|---|
| `BACKOFFICE_PORT` | port | 8080 |
| `BACKOFFICE_HOST` | interface | 127.0.0.1 (put a reverse proxy with HTTPS in front) |
| `BACKOFFICE_URL` | public address, for links in e-mails | http://localhost:8080 |
| `CJ62_ENV` | `production`: Secure cookies, refuses to start without its secrets or with `BOT_TODAY` | `dev` |
| `DATABASE_URL`, `CJ62_FERNET_KEY` | application data and its key | see `bot.storage`, `bot.crypto` |
| `RASA_URL`, `RASA_AUTH_TOKEN`, `RASA_JWT_SECRET` | the delivery client (`bot.handoff.delivery`) | 127.0.0.1:5005 |
| `BACKOFFICE_CLIENT_IP_HEADER` | the proxy's client-address header (`X-Real-IP`), for the login limit | TCP peer |

`BACKOFFICE_CLIENT_IP_HEADER` only when every request comes through that proxy (deploy/nginx sets
`X-Real-IP`): a client reaching the back office directly could write the header itself.

The clock and the sleeper are injected so that tests control idle time and login delays
without waiting.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field

from argon2 import PasswordHasher

from bot.handoff.delivery import RasaClient
from bot.handoff.notify import backoffice_url
from bot.settings import is_production

DEFAULT_PORT = 8080
DEFAULT_HOST = "127.0.0.1"
Sleeper = Callable[[float], Awaitable[None]]


class ConfigError(RuntimeError):
    """The back office cannot start as configured (French message, never a secret)."""


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


@dataclass
class Settings:
    database_url: str | None = None  # None: DATABASE_URL
    production: bool = False
    secure_cookies: bool = False
    public_url: str = "http://localhost:8080"
    rasa: RasaClient = field(default_factory=RasaClient)
    clock: Callable[[], dt.datetime] = utc_now
    sleeper: Sleeper = asyncio.sleep
    hasher: PasswordHasher = field(default_factory=PasswordHasher)
    migrate_on_start: bool = True
    client_ip_header: str | None = None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        production = is_production(env)
        if production:
            missing = [name for name in ("CJ62_FERNET_KEY", "RASA_JWT_SECRET", "BACKOFFICE_URL")
                       if not (env.get(name) or "").strip()]
            if missing:
                raise ConfigError("En production, ces variables sont obligatoires : " + ", ".join(missing) + ".")
            if (env.get("BOT_TODAY") or "").strip():
                raise ConfigError("BOT_TODAY est refusée en production.")
            if not env["BACKOFFICE_URL"].strip().startswith("https://"):
                raise ConfigError("En production, BACKOFFICE_URL doit commencer par https:// (cookies Secure).")
        from bot.crypto import cipher

        try:
            cipher(env)  # refuses a missing or malformed key now rather than at the first page
        except Exception as error:  # noqa: BLE001 — CryptoError, with its French message
            raise ConfigError(str(error)) from None
        return cls(
            database_url=(env.get("DATABASE_URL") or "").strip() or None,
            production=production,
            # Secure cookies are not sent over plain http://localhost: off in dev unless the URL is https.
            secure_cookies=production or backoffice_url(env).startswith("https://"),
            public_url=backoffice_url(env),
            rasa=RasaClient.from_env(env),
            client_ip_header=(env.get("BACKOFFICE_CLIENT_IP_HEADER") or "").strip() or None,
        )


def port_from_env(environ: Mapping[str, str] | None = None) -> int:
    env = os.environ if environ is None else environ
    raw = (env.get("BACKOFFICE_PORT") or "").strip()
    if not raw:
        return DEFAULT_PORT
    if not raw.isdigit() or not 0 < int(raw) < 65536:
        raise ConfigError("BACKOFFICE_PORT doit être un numéro de port (1 à 65535).")
    return int(raw)


def host_from_env(environ: Mapping[str, str] | None = None) -> str:
    env = os.environ if environ is None else environ
    return (env.get("BACKOFFICE_HOST") or "").strip() or DEFAULT_HOST
