"""A progressive delay after failed logins, per account and per IP address — never a lockout.

After n failures the next attempt waits min(2^(n-1), 30) seconds (1 s, 2 s, 4 s … 30 s) before
the password is even checked: guessing gets slow, while the real person can still log in (a
hard lockout would let anyone lock any adviser out). The longer of the account's and the IP's
delays applies. Counters are forgotten after `FORGET_AFTER` without failure; a successful login
resets the account's counter (not the IP's, or a person holding one account could wipe the
counter of the address they guess other accounts from). Keys are stored hashed (SHA-256), in
the application database, so replicas share them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable

import sqlalchemy as sa
from sqlalchemy.orm import sessionmaker

from bot.backoffice.models import LoginThrottleRecord
from bot.storage.engine import read_session, session_factory, write_session

MAX_DELAY = 30.0
FORGET_AFTER = dt.timedelta(hours=1)


def account_key(email: str) -> str:
    return hashlib.sha256(f"compte:{email.strip().lower()}".encode()).hexdigest()


def ip_key(ip: str) -> str:
    return hashlib.sha256(f"ip:{ip}".encode()).hexdigest()


def delay_after(failures: int) -> float:
    return 0.0 if failures <= 0 else min(MAX_DELAY, float(2 ** min(failures - 1, 10)))


class LoginThrottle:
    def __init__(self, sessions: sessionmaker | None = None, *, clock: Callable[[], dt.datetime]) -> None:
        self._sessions = sessions
        self.clock = clock

    @property
    def sessions(self) -> sessionmaker:
        if self._sessions is None:
            self._sessions = session_factory()
        return self._sessions

    def failures(self, key: str) -> int:
        with read_session(self.sessions) as session:
            record = session.get(LoginThrottleRecord, key)
            if record is None or self.clock() - record.last_failure_at >= FORGET_AFTER:
                return 0
            return record.failures

    def delay(self, keys: Iterable[str]) -> float:
        return max((delay_after(self.failures(key)) for key in keys), default=0.0)

    def record_failure(self, keys: Iterable[str]) -> None:
        now = self.clock()
        with write_session(self.sessions) as session:
            for key in keys:
                record = session.get(LoginThrottleRecord, key)
                if record is None:
                    session.add(LoginThrottleRecord(key=key, failures=1, last_failure_at=now))
                    continue
                stale = now - record.last_failure_at >= FORGET_AFTER
                record.failures = 1 if stale else record.failures + 1
                record.last_failure_at = now
            session.execute(
                sa.delete(LoginThrottleRecord).where(LoginThrottleRecord.last_failure_at <= now - FORGET_AFTER)
                .execution_options(synchronize_session=False)
            )

    def reset(self, key: str) -> None:
        with write_session(self.sessions) as session:
            session.execute(sa.delete(LoginThrottleRecord).where(LoginThrottleRecord.key == key))
