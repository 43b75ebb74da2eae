"""What every repository of the application database shares: its sessions, its cipher, its clock.

All three are injectable (tests pass a database, a key, a fixed clock); by default the sessions
come from `DATABASE_URL` on first use and the cipher from `CJ62_FERNET_KEY` at each call, so that
building a repository never connects or reads a key.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy.orm import sessionmaker

from bot.crypto import Cipher, cipher
from bot.storage.engine import session_factory

Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class Repository:
    def __init__(self, sessions: sessionmaker | None = None, crypto: Cipher | None = None,
                 clock: Clock = utc_now) -> None:
        self._sessions = sessions
        self._cipher = crypto
        self._clock = clock

    @property
    def sessions(self) -> sessionmaker:
        if self._sessions is None:
            self._sessions = session_factory()
        return self._sessions

    @property
    def cipher(self) -> Cipher:
        return self._cipher if self._cipher is not None else cipher()
