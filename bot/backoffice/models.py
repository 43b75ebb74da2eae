"""Tables of the back office (schema `cj62`, migration 0003).

- `accounts`, `account_territories`: advisers (`conseiller`, one or more territories) and admins;
  argon2id password hashes; the TOTP secret encrypted (Fernet).
- `backoffice_sessions`: server-side sessions. The cookie holds a random token; the table holds
  its SHA-256 only, so a leaked table cannot be replayed as cookies.
- `login_throttle`: failed logins per account and per IP (keys hashed), for the progressive delay.
- `audit_log`: who viewed, exported, transferred, validated, refused or erased personal data:
  account id, action, object reference, when — never a personal value.
"""

from __future__ import annotations

from enum import Enum

import sqlalchemy as sa

from bot.storage.base import Base, UtcDateTime, table


class Role(str, Enum):
    CONSEILLER = "conseiller"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return {Role.CONSEILLER: "conseiller ou conseillère", Role.ADMIN: "administrateur ou administratrice"}[self]


class AccountRecord(Base):
    __tablename__ = "accounts"

    id = sa.Column(sa.Integer, primary_key=True)
    email = sa.Column(sa.String(254), nullable=False, unique=True)
    display_name = sa.Column(sa.String(200), nullable=False)
    role = sa.Column(sa.String(16), nullable=False)
    password_hash = sa.Column(sa.String(255), nullable=False)
    totp_secret = sa.Column(sa.Text, nullable=True)  # Fernet token
    totp_confirmed_at = sa.Column(UtcDateTime, nullable=True)
    totp_last_step = sa.Column(sa.BigInteger, nullable=True)  # refuses a code used twice
    created_at = sa.Column(UtcDateTime, nullable=False)
    disabled_at = sa.Column(UtcDateTime, nullable=True)
    last_login_at = sa.Column(UtcDateTime, nullable=True)


class AccountTerritoryRecord(Base):
    __tablename__ = "account_territories"

    account_id = sa.Column(
        sa.Integer, sa.ForeignKey(f"{table('accounts')}.id", ondelete="CASCADE"), primary_key=True,
    )
    territory = sa.Column(sa.String(32), primary_key=True)


class SessionRecord(Base):
    __tablename__ = "backoffice_sessions"

    token_hash = sa.Column(sa.String(64), primary_key=True)
    account_id = sa.Column(
        sa.Integer, sa.ForeignKey(f"{table('accounts')}.id", ondelete="CASCADE"), nullable=False, index=True,
    )
    csrf_token = sa.Column(sa.String(64), nullable=False)
    second_factor_done = sa.Column(sa.Boolean, nullable=False)
    created_at = sa.Column(UtcDateTime, nullable=False)
    last_seen_at = sa.Column(UtcDateTime, nullable=False, index=True)


class LoginThrottleRecord(Base):
    __tablename__ = "login_throttle"

    key = sa.Column(sa.String(64), primary_key=True)
    failures = sa.Column(sa.Integer, nullable=False)
    last_failure_at = sa.Column(UtcDateTime, nullable=False)


class AuditRecord(Base):
    __tablename__ = "audit_log"

    id = sa.Column(sa.Integer, primary_key=True)
    at = sa.Column(UtcDateTime, nullable=False, index=True)
    actor = sa.Column(sa.String(64), nullable=False)
    action = sa.Column(sa.String(32), nullable=False)
    object_ref = sa.Column(sa.String(64), nullable=True)
    territory = sa.Column(sa.String(32), nullable=True)
