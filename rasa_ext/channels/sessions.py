"""Signed session ids for the socket.io channel, and the origins allowed to open a socket.

The server issues every session id: 128 random bits, written as 32 lowercase hex characters,
followed by an HMAC-SHA256 signature of that id (`<id>.<signature>`, the *token*). The id alone
is the conversation id (Rasa's `sender_id` and the socket.io room); the token is what the widget
keeps in its tab's `sessionStorage` and sends back to resume the conversation. Nothing is stored
server-side: the signature proves that the server issued the id. A token is a bearer token:
whoever holds it can resume that conversation (docs/widget.md, "Modèle de menace").

Key: `CJ62_SESSION_SECRET` (at least 32 characters; several separated by commas for a rotation:
the first signs, every one verifies), else keys derived by HKDF from `CJ62_FERNET_KEY` (so dev
needs no new secret; each Fernet key of a rotation list gives a verifying key). In production
(`CJ62_ENV=production`) one of the two is required; in dev without either, a random key for this
process is used, with a warning (sessions then end with the process).

Origins: `ALLOWED_ORIGINS` (comma-separated, default `http://localhost:8080`), compared on
scheme, host and port (the default port made explicit, so `https://a.fr` = `https://a.fr:443`).

Nothing here logs a token, and no error message repeats a secret.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import logging
import os
import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from bot.settings import is_production

logger = logging.getLogger(__name__)

SECRET_VAR = "CJ62_SESSION_SECRET"
FERNET_VAR = "CJ62_FERNET_KEY"
ORIGINS_VAR = "ALLOWED_ORIGINS"
DEFAULT_ORIGINS = "http://localhost:8080"
MIN_SECRET_LENGTH = 32

_HKDF_INFO = b"cap-jeunes-62 socket.io session v1"
_TOKEN = re.compile(r"([0-9a-f]{32})\.([A-Za-z0-9_-]{43})")
_DEFAULT_PORTS = {"http": 80, "https": 443}


class SessionConfigError(RuntimeError):
    """The session key or the allowed origins cannot be set up (message in French, no secret in it)."""


@dataclass(frozen=True)
class Session:
    """An issued session: `session_id` is the conversation id, `token` what the client keeps."""

    session_id: str
    token: str


def _derive(material: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_HKDF_INFO).derive(material)


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(",")]


def _secret_keys(value: str) -> tuple[bytes, ...]:
    parts = _split(value)
    if any(len(part) < MIN_SECRET_LENGTH for part in parts):
        raise SessionConfigError(
            f"{SECRET_VAR} : chaque secret doit compter au moins {MIN_SECRET_LENGTH} caractères "
            "(plusieurs secrets se séparent par des virgules). Générez-en un avec : "
            'python -c "import secrets; print(secrets.token_urlsafe(32))"'
        )
    return tuple(_derive(part.encode("utf-8")) for part in parts)


def _fernet_keys(value: str) -> tuple[bytes, ...]:
    keys = []
    for position, part in enumerate(_split(value), start=1):
        try:
            raw = base64.urlsafe_b64decode(part.encode("ascii"))
        except (binascii.Error, UnicodeEncodeError, ValueError):
            raw = b""
        if len(raw) != 32:
            raise SessionConfigError(
                f"{FERNET_VAR} : la clé n° {position} n'est pas une clé Fernet (32 octets en base64 URL) ; "
                f"impossible d'en dériver la clé des sessions (ou définissez {SECRET_VAR})."
            )
        keys.append(_derive(raw))
    return tuple(keys)


class SessionSigner:
    """Issues and verifies signed session ids (see the module doc). The first key signs."""

    def __init__(self, keys: Sequence[bytes]) -> None:
        if not keys:
            raise SessionConfigError("Aucune clé pour signer les sessions.")
        self._keys = tuple(keys)

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> SessionSigner:
        environ = os.environ if environ is None else environ
        secret = environ.get(SECRET_VAR, "").strip()
        if secret:
            return cls(_secret_keys(secret))
        fernet = environ.get(FERNET_VAR, "").strip()
        if fernet:
            return cls(_fernet_keys(fernet))
        if is_production(environ):
            raise SessionConfigError(
                f"En production, {SECRET_VAR} ou {FERNET_VAR} est obligatoire pour signer les sessions du widget."
            )
        logger.warning(
            "Neither %s nor %s is set: socket.io sessions are signed with a random key and end with this process.",
            SECRET_VAR,
            FERNET_VAR,
        )
        return cls([secrets.token_bytes(32)])

    def _signature(self, key: bytes, session_id: str) -> str:
        digest = hmac.new(key, session_id.encode("ascii"), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")

    def issue(self) -> Session:
        """A new session: 128 random bits, signed with the first key."""
        session_id = secrets.token_hex(16)
        return Session(session_id, f"{session_id}.{self._signature(self._keys[0], session_id)}")

    def verify(self, token: object) -> Session | None:
        """The session of a token this server issued (under any of its keys), else None.

        Anything else — not a string, malformed, a foreign or forged signature — gives None.
        """
        if not isinstance(token, str) or len(token) > 80:
            return None
        match = _TOKEN.fullmatch(token)
        if match is None:
            return None
        session_id, signature = match.groups()
        valid = False
        for key in self._keys:  # every key is tried: no early exit that would time the match
            valid |= hmac.compare_digest(self._signature(key, session_id), signature)
        return Session(session_id, token) if valid else None


# --- origins -------------------------------------------------------------------------------------


def normalize_origin(value: object) -> str | None:
    """`scheme://host:port` in lower case with the port made explicit, or None if not an http(s) origin."""
    if not isinstance(value, str):
        return None
    parts = urlsplit(value.strip())
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return None
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username or parts.password:
        return None
    try:
        port = parts.port or _DEFAULT_PORTS[scheme]
    except ValueError:  # a port that is not a number, or out of range
        return None
    host = parts.hostname.lower()
    if "*" in host:
        return None
    if ":" in host:
        host = f"[{host}]"
    return f"{scheme}://{host}:{port}"


def allowed_origins(environ: Mapping[str, str] | None = None) -> frozenset[str]:
    """The normalized origins of `ALLOWED_ORIGINS` (unset or blank: the dev default)."""
    environ = os.environ if environ is None else environ
    value = environ.get(ORIGINS_VAR, "").strip() or DEFAULT_ORIGINS
    origins = set()
    for position, part in enumerate(_split(value), start=1):
        origin = normalize_origin(part)
        if origin is None:
            raise SessionConfigError(
                f"{ORIGINS_VAR} : l'entrée n° {position} n'est pas une origine http(s) "
                "(attendu : schéma://hôte[:port], sans chemin ni « * »)."
            )
        origins.add(origin)
    return frozenset(origins)
