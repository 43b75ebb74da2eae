"""Accounts, sessions, the login throttle and the audit log against SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pyotp
import pytest
import sqlalchemy as sa
from backoffice_support import FAST_HASHER, PASSWORD, Clock

from bot import storage
from bot.backoffice.accounts import AccountError, AccountRepository, actor_id
from bot.backoffice.audit import AuditAction, AuditLog
from bot.backoffice.sessions import SessionStore, token_hash
from bot.backoffice.throttle import LoginThrottle, account_key, delay_after
from bot.storage.testing import PostgresUnavailable, clear_application_data, temporary_postgres_database


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    try:
        with temporary_postgres_database("cj62_backoffice") as url:
            storage.migrate(url)
            yield url
    except PostgresUnavailable as error:
        pytest.skip(str(error))


@pytest.fixture(params=["sqlite", "postgresql"])
def factory(request: pytest.FixtureRequest, tmp_path, key: str):  # noqa: ANN001, ANN201
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'app.db'}"
        storage.migrate(url)
        yield storage.session_factory(url)
        storage.dispose_engine(url)
    else:
        url = request.getfixturevalue("postgres_url")
        clear_application_data(url)
        yield storage.session_factory(url)


def column(factory, table: str, name: str) -> list:  # noqa: ANN001
    """Raw values of one column, as stored."""
    schema = None if factory.kw["bind"].dialect.name == "sqlite" else "cj62"
    with factory() as session:
        return list(session.execute(sa.select(sa.column(name)).select_from(sa.table(table, schema=schema))).scalars())


def test_accounts(factory) -> None:  # noqa: ANN001
    clock = Clock()
    accounts = AccountRepository(factory, hasher=FAST_HASHER, clock=clock)
    herve = accounts.create(" Herve@Exemple.FR ", "conseiller", PASSWORD, territories=["calaisis", "audomarois"])
    assert herve.email == "herve@exemple.fr" and herve.territories == ("audomarois", "calaisis")
    assert herve.display_name == "herve" and herve.scope == ("audomarois", "calaisis") and herve.can_see("calaisis")
    assert not herve.can_see("arrageois") and actor_id(herve.actor) == herve.id
    [stored] = column(factory, "accounts", "password_hash")
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert accounts.authenticate("HERVE@exemple.fr", PASSWORD).id == herve.id
    assert accounts.authenticate("herve@exemple.fr", "mauvais") is None
    assert accounts.authenticate("absent@exemple.fr", PASSWORD) is None
    with pytest.raises(AccountError, match="existe déjà"):
        accounts.create("herve@exemple.fr", "admin", PASSWORD)
    for email, role, password, territories in (("x", "admin", PASSWORD, []), ("y@exemple.fr", "chef", PASSWORD, []),
                                               ("y@exemple.fr", "admin", "court", []),
                                               ("y@exemple.fr", "conseiller", PASSWORD, [])):
        with pytest.raises(AccountError):
            accounts.create(email, role, password, territories=territories)
    accounts.set_disabled(herve.id, True)
    assert accounts.authenticate("herve@exemple.fr", PASSWORD) is None
    accounts.set_disabled(herve.id, False)
    assert accounts.set_territories(herve.id, ["ternois"]).territories == ("ternois",)

    admin = accounts.create("admin@exemple.fr", "admin", PASSWORD)
    assert admin.scope is None and admin.can_see("arrageois") and not admin.totp_enabled
    secret = accounts.totp_secret_for_enrolment(admin.id)
    assert accounts.totp_secret_for_enrolment(admin.id) == secret
    assert not accounts.verify_totp(admin.id, pyotp.TOTP(secret).at(clock()))  # not confirmed yet
    assert accounts.verify_totp(admin.id, pyotp.TOTP(secret).at(clock()), confirm=True)
    assert not accounts.verify_totp(admin.id, pyotp.TOTP(secret).at(clock()))  # each code once
    clock.advance(seconds=30)
    assert accounts.verify_totp(admin.id, pyotp.TOTP(secret).at(clock()))
    assert not accounts.verify_totp(admin.id, "12345") and not accounts.verify_totp(admin.id, "abcdef")
    assert accounts.get(admin.id).totp_enabled
    assert secret not in str(column(factory, "accounts", "totp_secret"))
    assert not accounts.reset_totp(admin.id).totp_enabled
    assert accounts.names()[admin.actor] == "admin"


def test_sessions_and_revocation(factory) -> None:  # noqa: ANN001
    clock = Clock()
    account = AccountRepository(factory, hasher=FAST_HASHER, clock=clock).create(
        "a@exemple.fr", "conseiller", PASSWORD, territories=["calaisis"])
    store = SessionStore(factory, clock=clock)
    session = store.create(account.id, second_factor_done=False)
    [stored] = column(factory, "backoffice_sessions", "token_hash")
    assert stored == token_hash(session.token) != session.token
    assert store.load(session.token).account_id == account.id and store.load("faux") is None
    renewed = store.complete_second_factor(session.token)
    assert renewed.token != session.token and renewed.csrf_token != session.csrf_token and renewed.second_factor_done
    assert store.load(session.token) is None
    clock.advance(minutes=29)
    assert store.load(renewed.token) is not None
    clock.advance(minutes=30)
    assert store.load(renewed.token) is None
    other = store.create(account.id, second_factor_done=True)
    store.revoke(other.token)
    assert store.load(other.token) is None


def test_throttle_and_audit(factory) -> None:  # noqa: ANN001
    clock = Clock()
    throttle = LoginThrottle(factory, clock=clock)
    key = account_key("a@exemple.fr")
    assert [delay_after(n) for n in range(8)] == [0, 1, 2, 4, 8, 16, 30, 30] and delay_after(100) == 30
    for failure in range(3):  # each attempt at its allowed time is admitted and counted
        if failure:
            clock.advance(seconds=delay_after(failure))
        assert throttle.admit([key, "client"]) == 0
    assert throttle.failures(key) == 3 and throttle.delay([key, "autre"]) == 4
    assert throttle.admit([key]) == 4 and throttle.failures(key) == 3  # too soon: refused, not counted
    clock.advance(seconds=4)
    assert throttle.admit([key, "client"]) == 0
    throttle.succeeded(key, "client")  # the account forgets, the client keeps its earlier failures
    assert throttle.delay([key]) == 0 and throttle.failures("client") == 3
    audit = AuditLog(factory, clock=clock)
    audit.record("compte-1", AuditAction.VALIDATION, "PR-2026-000001", "calaisis")
    clock.advance(minutes=1)
    audit.record("compte-2", AuditAction.EXPORT_CSV, "fiches calaisis", "calaisis")
    entries = audit.entries()
    assert [(e.actor, e.action, e.object_ref) for e in entries] == [
        ("compte-2", AuditAction.EXPORT_CSV, "fiches calaisis"), ("compte-1", AuditAction.VALIDATION, "PR-2026-000001")]
    assert [e.actor for e in audit.entries(action="validation")] == ["compte-1"]
    assert entries[1].at == clock() - dt.timedelta(minutes=1)
