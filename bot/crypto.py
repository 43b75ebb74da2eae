"""Encryption of personal data at rest, and blind indexes to find it again without decrypting.

`CJ62_FERNET_KEY` holds one Fernet key, or several separated by commas for a rotation: the
first key encrypts, every key decrypts (`MultiFernet`). To rotate, put the new key first, run
`python -m bot db rechiffre` (re-encrypts and re-indexes the application data with it), then
drop the old key.

A blind index is an HMAC-SHA256 of a normalised value under a key derived from the Fernet key
material by HKDF, so there is no second secret to manage. The same name or phone gives the same
index (exact search); the index says nothing about the value without the key. Each kind of value
has its own derived key (`nom`, `telephone`, `expediteur`…), so equal indexes of two kinds never
reveal that two different fields hold the same text. Searches compute the index under every key
of the list, so a rotation never hides a row before it is re-indexed.

Nothing here logs, and no error message repeats a key or a value.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from bot.text import normalize

ENV_VAR = "CJ62_FERNET_KEY"
_HKDF_INFO = b"cap-jeunes-62 blind index v1 "
_NON_DIGITS = re.compile(r"\D+")

# Kinds of blind index: one derived key each.
NAME = "nom"
PHONE = "telephone"
SENDER = "expediteur"
KINDS = (NAME, PHONE, SENDER)


class CryptoError(RuntimeError):
    """The key is missing or malformed, or a token cannot be decrypted (message in French)."""


def generate_key() -> str:
    """A new random Fernet key, as `CJ62_FERNET_KEY` expects it."""
    return Fernet.generate_key().decode("ascii")


def _parse_keys(value: str) -> tuple[bytes, ...]:
    parts = [part.strip() for part in value.split(",")]
    if not value.strip() or any(not part for part in parts):
        raise CryptoError(
            f"{ENV_VAR} est vide ou contient une clé vide : une ou plusieurs clés Fernet séparées par des virgules "
            "sont attendues."
        )
    keys = []
    for position, part in enumerate(parts, start=1):
        try:
            raw = base64.urlsafe_b64decode(part.encode("ascii"))
        except (binascii.Error, UnicodeEncodeError, ValueError):
            raw = b""
        if len(raw) != 32:
            raise CryptoError(
                f"{ENV_VAR} : la clé n° {position} n'est pas une clé Fernet (32 octets en base64 URL). "
                "Générez-en une avec : python -c \"from bot.crypto import generate_key; print(generate_key())\""
            )
        keys.append(part.encode("ascii"))
    return tuple(keys)


def _index_key(fernet_key: bytes, kind: str) -> bytes:
    material = base64.urlsafe_b64decode(fernet_key)
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_HKDF_INFO + kind.encode("ascii"))
    return hkdf.derive(material)


def normalize_name(name: str) -> str:
    """The key of a name for its blind index: case, accents, spaces, hyphens and apostrophes do not
    count ("D’Arcy-Lefèvre", "DARCY LEFEVRE" and "d'arcy-lefevre" have the same index)."""
    return normalize(name).replace(" ", "")


def normalize_phone(phone: str) -> str:
    """The key of a phone for its blind index: its national digits ("+33 6 12…" and "06 12…" agree)."""
    digits = _NON_DIGITS.sub("", phone)
    if digits.startswith("0033"):
        digits = "0" + digits[4:]
    elif digits.startswith("33") and len(digits) == 11:
        digits = "0" + digits[2:]
    return digits


_NORMALIZERS = {NAME: normalize_name, PHONE: normalize_phone, SENDER: lambda value: value}


class Cipher:
    """Encrypts, decrypts and indexes with the keys of `CJ62_FERNET_KEY` (first key first)."""

    def __init__(self, keys: tuple[bytes, ...]) -> None:
        if not keys:
            raise CryptoError(f"{ENV_VAR} : aucune clé.")
        self._fernet = MultiFernet([Fernet(key) for key in keys])
        self._index_keys = {kind: tuple(_index_key(key, kind) for key in keys) for kind in KINDS}

    @classmethod
    def from_value(cls, value: str) -> Cipher:
        return cls(_parse_keys(value))

    # --- encryption ---------------------------------------------------------------------------

    def encrypt(self, text: str) -> str:
        return self._fernet.encrypt(text.encode("utf-8")).decode("ascii")

    def decrypt(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode("ascii")).decode("utf-8")
        except (InvalidToken, UnicodeError) as error:
            raise CryptoError(
                f"Donnée illisible avec les clés de {ENV_VAR} (clé retirée trop tôt, ou donnée altérée)."
            ) from error

    def encrypt_json(self, data: Mapping[str, Any] | list[Any]) -> str:
        return self.encrypt(json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")))

    def decrypt_json(self, token: str) -> Any:
        return json.loads(self.decrypt(token))

    def rotate(self, token: str) -> str:
        """The same data encrypted with the first key (for a key rotation)."""
        try:
            return self._fernet.rotate(token.encode("ascii")).decode("ascii")
        except InvalidToken as error:
            raise CryptoError(f"Donnée illisible avec les clés de {ENV_VAR}.") from error

    # --- blind indexes ------------------------------------------------------------------------

    def blind_index(self, kind: str, value: str) -> str | None:
        """The index of `value` under the first key (what is stored); None for an empty value."""
        indexes = self._indexes(kind, value)
        return indexes[0] if indexes else None

    def blind_indexes(self, kind: str, value: str) -> tuple[str, ...]:
        """The index of `value` under every key (what a search compares with)."""
        return self._indexes(kind, value)

    def _indexes(self, kind: str, value: str) -> tuple[str, ...]:
        key = _NORMALIZERS[kind](value)
        if not key:
            return ()
        message = key.encode("utf-8")
        return tuple(hmac.new(k, message, hashlib.sha256).hexdigest() for k in self._index_keys[kind])


@lru_cache(maxsize=4)
def _cipher_for(value: str) -> Cipher:
    return Cipher.from_value(value)


def cipher(environ: Mapping[str, str] | None = None) -> Cipher:
    """The cipher of `CJ62_FERNET_KEY` (read at each call, so tests may change it; built once per value)."""
    environ = os.environ if environ is None else environ
    value = environ.get(ENV_VAR)
    if value is None or not value.strip():
        raise CryptoError(
            f"{ENV_VAR} n'est pas définie : la clé de chiffrement des données personnelles est obligatoire "
            "(en développement, `make run` la crée dans .env)."
        )
    return _cipher_for(value.strip())
