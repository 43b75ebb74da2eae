"""A progressive limit on login and second-factor attempts, per account and per client — never a lockout.

After n failures the next attempt may come min(2^(n-1), 30) seconds after the last one (1 s, 2 s,
4 s … 30 s): guessing gets slow, while the real person can still log in (a hard lockout would let
anyone lock any adviser out). The later of the account's and the client's times applies.

It is a limit, not a delay (issue 16): `admit` counts an attempt, in one transaction that locks
the counters, before the password or code is checked, as a failure until `succeeded` says
otherwise. So of concurrent attempts only the first is admitted; the others find the next time
pushed back and are refused unchecked (a delay that each request first waited, then checked,
let 20 parallel guesses through every 30 s). The view may wait once for the time announced.

Counters are forgotten after `FORGET_AFTER` without failure; a success resets the account's
counter and takes back the client's provisional failure (the client's earlier failures stay, or a
person holding one account could wipe the counter of the address they guess other accounts
from). Keys are stored hashed (SHA-256), in the application database, so replicas share them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable
from typing import Any

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


def _forgotten(record: LoginThrottleRecord | None, now: dt.datetime) -> bool:
    """No counter, or one whose last failure is `FORGET_AFTER` old."""
    return record is None or now - record.last_failure_at >= FORGET_AFTER


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
            return 0 if _forgotten(record, self.clock()) else record.failures

    def delay(self, keys: Iterable[str]) -> float:
        return max((delay_after(self.failures(key)) for key in keys), default=0.0)

    @staticmethod
    def _wait(record: LoginThrottleRecord | None, now: dt.datetime) -> float:
        if _forgotten(record, now):
            return 0.0
        ready = record.last_failure_at + dt.timedelta(seconds=delay_after(record.failures))
        return max(0.0, (ready - now).total_seconds())

    def admit(self, keys: Iterable[str]) -> float:
        """0.0 when the attempt may be checked now (and it is counted as a failure on every key);
        otherwise the seconds until it may, and nothing is recorded."""
        now = self.clock()
        try:
            with write_session(self.sessions) as session:
                records = {key: session.get(LoginThrottleRecord, key, with_for_update=True) for key in keys}
                wait = max((self._wait(record, now) for record in records.values()), default=0.0)
                if wait > 0:
                    return wait
                self._count_failure(session, records, now)
        except sa.exc.IntegrityError:  # PostgreSQL: a concurrent first attempt created the counter first
            return delay_after(1)
        return 0.0

    def succeeded(self, account: str, client: str) -> None:
        """The admitted attempt was right: forget the account's failures, take back the client's provisional one."""
        with write_session(self.sessions) as session:
            session.execute(sa.delete(LoginThrottleRecord).where(LoginThrottleRecord.key == account))
            record = session.get(LoginThrottleRecord, client, with_for_update=True)
            if record is not None:
                record.failures = max(0, record.failures - 1)

    @staticmethod
    def _count_failure(session: Any, records: dict[str, LoginThrottleRecord | None], now: dt.datetime) -> None:
        for key, record in records.items():
            if record is None:
                session.add(LoginThrottleRecord(key=key, failures=1, last_failure_at=now))
                continue
            record.failures = 1 if _forgotten(record, now) else record.failures + 1
            record.last_failure_at = now
        session.execute(
            sa.delete(LoginThrottleRecord).where(LoginThrottleRecord.last_failure_at <= now - FORGET_AFTER)
            .execution_options(synchronize_session=False)
        )
