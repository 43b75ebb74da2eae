"""Back-office accounts: advisers (`conseiller`, one or more territories) and admins.

Passwords are hashed with argon2id (argon2-cffi's defaults); a login for an unknown or disabled
address still verifies a hash, so the answer takes the same time. Admins need a TOTP second
factor: its secret is stored encrypted and a code is accepted once (`totp_last_step`).
There is no default account: the first one is created with `python -m bot users create`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

import pyotp
import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy.orm import Session, sessionmaker

from bot.backoffice.models import AccountRecord, AccountTerritoryRecord, Role, SessionRecord
from bot.crypto import Cipher
from bot.storage.engine import read_session, write_session
from bot.storage.repository import Clock, Repository, utc_now

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024
TOTP_ISSUER = "Cap Jeunes 62"
TOTP_STEP = 30
_EMAIL = re.compile(r"^[^@\s<>\"',;]+@[^@\s<>\"',;]+\.[^@\s<>\"',;]+$")


class AccountError(ValueError):
    """An account cannot be created or changed as asked (French message, never a password)."""



def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


def check_email(email: str) -> str:
    email = normalize_email(email)
    if not _EMAIL.match(email) or len(email) > 254:
        raise AccountError("Adresse e-mail invalide.")
    return email


def check_password(password: str) -> str:
    """Refuse weak passwords: fewer than 12 characters (a passphrase is welcome)."""
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"Mot de passe trop court : au moins {MIN_PASSWORD_LENGTH} caractères "
                           "(une phrase de passe est idéale).")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AccountError(f"Mot de passe trop long : au plus {MAX_PASSWORD_LENGTH} caractères.")
    if len(set(password)) < 4:
        raise AccountError("Mot de passe trop simple : variez les caractères.")
    return password


def check_territories(territories: Iterable[str]) -> tuple[str, ...]:
    from bot.knowledge import TERRITORY_IDS

    chosen = tuple(t for t in TERRITORY_IDS if t in set(territories))
    unknown = sorted(set(territories) - set(TERRITORY_IDS))
    if unknown:
        raise AccountError("Territoire inconnu : " + ", ".join(unknown) + f" (attendus : {', '.join(TERRITORY_IDS)}).")
    return chosen


@dataclass(frozen=True)
class Account:
    id: int
    email: str
    display_name: str
    role: Role
    territories: tuple[str, ...]
    created_at: dt.datetime
    disabled_at: dt.datetime | None = None
    last_login_at: dt.datetime | None = None
    totp_enabled: bool = False

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def active(self) -> bool:
        return self.disabled_at is None

    @property
    def actor(self) -> str:
        """How the account appears in histories and the audit log: its id, never its name."""
        return f"compte-{self.id}"

    @property
    def scope(self) -> tuple[str, ...] | None:
        """The territories this account may see; None: all (admins)."""
        return None if self.is_admin else self.territories

    def can_see(self, territory: str) -> bool:
        return self.is_admin or territory in self.territories


def actor_id(actor: str) -> int | None:
    """The account id of an actor string ("compte-12" → 12)."""
    if actor.startswith("compte-") and actor[7:].isdigit():
        return int(actor[7:])
    return None


class AccountRepository(Repository):
    def __init__(self, sessions: sessionmaker | None = None, crypto: Cipher | None = None,
                 hasher: PasswordHasher | None = None, clock: Clock = utc_now) -> None:
        super().__init__(sessions, crypto, clock)
        self.hasher = hasher or PasswordHasher()
        self._dummy_hash: str | None = None

    # --- creating and changing -----------------------------------------------------------------

    def create(self, email: str, role: Role | str, password: str, *, territories: Iterable[str] = (),
               display_name: str | None = None) -> Account:
        email = check_email(email)
        try:
            role = Role(role)
        except ValueError:
            raise AccountError("Rôle inconnu : « conseiller » ou « admin ».") from None
        chosen = check_territories(territories)
        if role == Role.CONSEILLER and not chosen:
            raise AccountError("Un compte conseiller a au moins un territoire (--territoire).")
        check_password(password)
        name = (display_name or "").strip() or email.split("@")[0]
        if len(name) > 200:
            raise AccountError("Nom trop long (200 caractères au plus).")
        with write_session(self.sessions) as session:
            if session.execute(sa.select(AccountRecord.id).where(AccountRecord.email == email)).first():
                raise AccountError("Un compte existe déjà pour cette adresse.")
            record = AccountRecord(email=email, display_name=name, role=role.value,
                                   password_hash=self.hasher.hash(password), created_at=self._clock())
            session.add(record)
            session.flush()
            for territory in chosen:
                session.add(AccountTerritoryRecord(account_id=record.id, territory=territory))
            session.flush()
            return self._account(session, record)

    def set_territories(self, account_id: int, territories: Iterable[str]) -> Account:
        chosen = check_territories(territories)
        with write_session(self.sessions) as session:
            record = self._record(session, account_id)
            if record.role == Role.CONSEILLER.value and not chosen:
                raise AccountError("Un compte conseiller a au moins un territoire.")
            session.execute(sa.delete(AccountTerritoryRecord).where(AccountTerritoryRecord.account_id == account_id))
            for territory in chosen:
                session.add(AccountTerritoryRecord(account_id=account_id, territory=territory))
            session.flush()
            return self._account(session, record)

    def set_disabled(self, account_id: int, disabled: bool) -> Account:
        """Disable (its sessions end at once) or enable an account."""
        with write_session(self.sessions) as session:
            record = self._record(session, account_id)
            record.disabled_at = (record.disabled_at or self._clock()) if disabled else None
            if disabled:
                session.execute(sa.delete(SessionRecord).where(SessionRecord.account_id == account_id))
            return self._account(session, record)

    def set_password(self, account_id: int, password: str) -> None:
        check_password(password)
        with write_session(self.sessions) as session:
            self._record(session, account_id).password_hash = self.hasher.hash(password)

    def reset_totp(self, account_id: int) -> Account:
        """Forget the second factor: the next login enrols a new one. Ends the account's sessions."""
        with write_session(self.sessions) as session:
            record = self._record(session, account_id)
            record.totp_secret = record.totp_confirmed_at = record.totp_last_step = None
            session.execute(sa.delete(SessionRecord).where(SessionRecord.account_id == account_id))
            return self._account(session, record)

    # --- reading -----------------------------------------------------------------------------

    def get(self, account_id: int) -> Account | None:
        with read_session(self.sessions) as session:
            record = session.get(AccountRecord, account_id)
            return self._account(session, record) if record is not None else None

    def by_email(self, email: str) -> Account | None:
        with read_session(self.sessions) as session:
            record = session.execute(
                sa.select(AccountRecord).where(AccountRecord.email == normalize_email(email))
            ).scalar_one_or_none()
            return self._account(session, record) if record is not None else None

    def all(self) -> list[Account]:
        with read_session(self.sessions) as session:
            records = session.execute(sa.select(AccountRecord).order_by(AccountRecord.email)).scalars().all()
            return [self._account(session, r) for r in records]

    def names(self) -> dict[str, str]:
        """actor string → display name, to show who did what."""
        with read_session(self.sessions) as session:
            return {f"compte-{i}": name for i, name in session.execute(
                sa.select(AccountRecord.id, AccountRecord.display_name)).all()}

    # --- authentication ------------------------------------------------------------------------

    def authenticate(self, email: str, password: str) -> Account | None:
        """The active account with this address and password, else None (same cost either way)."""
        with write_session(self.sessions) as session:
            record = session.execute(
                sa.select(AccountRecord).where(AccountRecord.email == normalize_email(email))
            ).scalar_one_or_none()
            if record is None or record.disabled_at is not None or not isinstance(password, str):
                self._waste_time(password if isinstance(password, str) else "")
                return None
            try:
                self.hasher.verify(record.password_hash, password[:MAX_PASSWORD_LENGTH])
            except (VerifyMismatchError, VerificationError, InvalidHashError):
                return None
            if self.hasher.check_needs_rehash(record.password_hash):
                record.password_hash = self.hasher.hash(password)
            record.last_login_at = self._clock()
            return self._account(session, record)

    def _waste_time(self, password: str) -> None:
        if self._dummy_hash is None:
            self._dummy_hash = self.hasher.hash("cap-jeunes-62 dummy password")
        try:
            self.hasher.verify(self._dummy_hash, password[:MAX_PASSWORD_LENGTH] or "x")
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            pass

    def totp_secret_for_enrolment(self, account_id: int) -> str:
        """The secret to show while the second factor is not confirmed (created on first call)."""
        with write_session(self.sessions) as session:
            record = self._record(session, account_id)
            if record.totp_confirmed_at is not None:
                raise AccountError("Le second facteur est déjà activé.")
            if record.totp_secret is None:
                record.totp_secret = self.cipher.encrypt(pyotp.random_base32())
            return self.cipher.decrypt(record.totp_secret)

    def verify_totp(self, account_id: int, code: str, *, confirm: bool = False) -> bool:
        """Check a 6-digit code (one step of drift allowed, each step accepted once).

        With `confirm`, a valid code also activates a secret being enrolled.
        """
        code = (code or "").replace(" ", "")
        if not (code.isdigit() and len(code) == 6):
            return False
        now = self._clock()
        with write_session(self.sessions) as session:
            record = self._record(session, account_id)
            if record.totp_secret is None or (record.totp_confirmed_at is None and not confirm):
                return False
            totp = pyotp.TOTP(self.cipher.decrypt(record.totp_secret), interval=TOTP_STEP)
            current = int(now.timestamp()) // TOTP_STEP
            for step in (current, current - 1, current + 1):
                if record.totp_last_step is not None and step <= record.totp_last_step:
                    continue
                if pyotp.utils.strings_equal(totp.at(step * TOTP_STEP), code):
                    record.totp_last_step = step
                    if record.totp_confirmed_at is None:
                        record.totp_confirmed_at = now
                    return True
            return False

    @staticmethod
    def provisioning_uri(secret: str, email: str) -> str:
        return pyotp.TOTP(secret, interval=TOTP_STEP).provisioning_uri(name=email, issuer_name=TOTP_ISSUER)

    # --- internals -----------------------------------------------------------------------------

    @staticmethod
    def _record(session: Session, account_id: int) -> AccountRecord:
        record = session.get(AccountRecord, account_id)
        if record is None:
            raise AccountError("Compte introuvable.")
        return record

    @staticmethod
    def _account(session: Session, record: AccountRecord) -> Account:
        from bot.knowledge import TERRITORY_IDS

        mine = set(session.execute(
            sa.select(AccountTerritoryRecord.territory).where(AccountTerritoryRecord.account_id == record.id)
        ).scalars())
        return Account(
            id=record.id, email=record.email, display_name=record.display_name, role=Role(record.role),
            territories=tuple(t for t in TERRITORY_IDS if t in mine), created_at=record.created_at,
            disabled_at=record.disabled_at, last_login_at=record.last_login_at,
            totp_enabled=record.totp_confirmed_at is not None,
        )
