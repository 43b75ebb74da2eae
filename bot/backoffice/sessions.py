"""Server-side sessions of the back office, in the application database.

The cookie carries a random token (256 bits); the table keeps its SHA-256, the account, the
session's CSRF token (`csrf.py`), whether the second factor was given, and two dates. A session
ends at logout (its row is deleted: revoked at once), after `IDLE_TIMEOUT` without a request,
or `ABSOLUTE_LIFETIME` after login, whichever comes first; disabling an account or resetting
its second factor deletes its sessions. A new token is issued at login and again when the
second factor is given (no session fixation).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import sessionmaker

from bot.backoffice.models import SessionRecord
from bot.storage.engine import session_factory, write_session

IDLE_TIMEOUT = dt.timedelta(minutes=30)
ABSOLUTE_LIFETIME = dt.timedelta(hours=12)
# last_seen_at is written at most this often (a page view need not always write).
TOUCH_EVERY = dt.timedelta(seconds=60)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class SessionInfo:
    token: str
    account_id: int
    csrf_token: str
    second_factor_done: bool
    created_at: dt.datetime
    last_seen_at: dt.datetime


class SessionStore:
    def __init__(self, sessions: sessionmaker | None = None, *, clock: Callable[[], dt.datetime],
                 idle_timeout: dt.timedelta = IDLE_TIMEOUT,
                 absolute_lifetime: dt.timedelta = ABSOLUTE_LIFETIME) -> None:
        self._sessions = sessions
        self.clock = clock
        self.idle_timeout = idle_timeout
        self.absolute_lifetime = absolute_lifetime

    @property
    def sessions(self) -> sessionmaker:
        if self._sessions is None:
            self._sessions = session_factory()
        return self._sessions

    def create(self, account_id: int, *, second_factor_done: bool) -> SessionInfo:
        now = self.clock()
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        with write_session(self.sessions) as session:
            self._delete_expired(session, now)
            session.add(SessionRecord(token_hash=token_hash(token), account_id=account_id, csrf_token=csrf,
                                      second_factor_done=second_factor_done, created_at=now, last_seen_at=now))
        return SessionInfo(token, account_id, csrf, second_factor_done, now, now)

    def load(self, token: str) -> SessionInfo | None:
        """The live session of `token` (its idle clock restarted), or None (expired ones are deleted)."""
        if not token or len(token) > 100:
            return None
        now = self.clock()
        with write_session(self.sessions) as session:
            record = session.get(SessionRecord, token_hash(token))
            if record is None:
                return None
            if self._expired(record, now):
                session.delete(record)
                return None
            if now - record.last_seen_at >= TOUCH_EVERY:
                record.last_seen_at = now
            return SessionInfo(token, record.account_id, record.csrf_token, record.second_factor_done,
                               record.created_at, record.last_seen_at)

    def complete_second_factor(self, token: str) -> SessionInfo | None:
        """Replace the session by a new one (new token and CSRF token) with the second factor done."""
        with write_session(self.sessions) as session:
            record = session.get(SessionRecord, token_hash(token))
            if record is None or self._expired(record, self.clock()):
                return None
            account_id = record.account_id
            session.delete(record)
        return self.create(account_id, second_factor_done=True)

    def revoke_others(self, account_id: int, keep_token: str) -> int:
        """End every session of the account but `keep_token`'s (a password change); how many ended."""
        with write_session(self.sessions) as session:
            return session.execute(
                sa.delete(SessionRecord).where(SessionRecord.account_id == account_id)
                .where(SessionRecord.token_hash != token_hash(keep_token))
                .execution_options(synchronize_session=False)
            ).rowcount

    def revoke(self, token: str) -> None:
        with write_session(self.sessions) as session:
            session.execute(sa.delete(SessionRecord).where(SessionRecord.token_hash == token_hash(token)))

    def _expired(self, record: SessionRecord, now: dt.datetime) -> bool:
        return now - record.last_seen_at >= self.idle_timeout or now - record.created_at >= self.absolute_lifetime

    def _delete_expired(self, session: sa.orm.Session, now: dt.datetime) -> None:
        session.execute(
            sa.delete(SessionRecord)
            .where(sa.or_(SessionRecord.last_seen_at <= now - self.idle_timeout,
                          SessionRecord.created_at <= now - self.absolute_lifetime))
            .execution_options(synchronize_session=False)
        )
