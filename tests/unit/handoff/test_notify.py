"""bot.handoff.notify against a local SMTP server (aiosmtpd on a free port): the e-mail arrives at
the territory's service address with the reference and the link, and no personal data; without
SMTP_URL or an address nothing is sent; a failure never raises."""

from __future__ import annotations

import datetime as dt
import logging
import socket
from collections.abc import Iterator
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from bot import storage
from bot.handoff import notify
from bot.handoff.inboxes import InboxSettingError, InboxSettings
from bot.prescription.repository import SheetRepository

PERSONAL = ("Œdipe", "D’Arcy", "Arcy", "06 12 34 56 78", "0612345678", "12/03/2005", "2005-03-12", "web-secret",
            "oedipe@exemple.fr", "Calais")


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []
        self.logins: list[tuple[bytes, bytes]] = []

    def authenticate(self, server, session, envelope, mechanism, data) -> AuthResult:  # noqa: ANN001
        if isinstance(data, LoginPassword):
            self.logins.append((data.login, data.password))
        return AuthResult(success=True)

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: ANN001, N802 — aiosmtpd's hook name
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = free_port()
    # AUTH without TLS on loopback only (aiosmtpd refuses it otherwise).
    controller = Controller(inbox, hostname="127.0.0.1", port=port, authenticator=inbox.authenticate,
                            auth_require_tls=False)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@pytest.fixture
def inboxes(database_url: str) -> InboxSettings:
    settings = InboxSettings(storage.session_factory(database_url))
    settings.set("calaisis", "insertion", "slai.calaisis@exemple.fr", "compte-1")
    settings.set("calaisis", "logement", "logement.calaisis@exemple.fr", "compte-1")
    return settings


def _body(raw: bytes) -> tuple[str, str]:
    message = message_from_bytes(raw, policy=policy.default)
    return str(message["Subject"]), message.get_content()


async def test_a_new_request_is_notified_without_personal_data(smtp, inboxes, new_request) -> None:  # noqa: ANN001
    inbox, port = smtp
    request = new_request(sender="web-secret", kind="logement", phone="06 12 34 56 78", email="oedipe@exemple.fr")
    environ = {"SMTP_URL": f"smtp://robot:mot%20de%20passe@127.0.0.1:{port}",
               "BACKOFFICE_URL": "https://backoffice.exemple.fr/"}
    assert await notify.notify_new_request(request, inboxes=inboxes, environ=environ) is True
    [(sender, recipients, raw)] = inbox.messages
    assert recipients == ["logement.calaisis@exemple.fr"] and inbox.logins == [(b"robot", b"mot de passe")]
    subject, body = _body(raw)
    assert request.reference in subject and "Calaisis" in subject
    assert f"https://backoffice.exemple.fr/demandes/{request.reference}" in body
    text = raw.decode("utf-8", "replace") + subject + body
    for planted in PERSONAL[:-1]:
        assert planted not in text
    assert "Calais " not in body.replace("Calaisis", "")


async def test_a_transmitted_sheet_goes_to_the_insertion_inbox(smtp, inboxes, database_url: str, key: str) -> None:  # noqa: ANN001
    inbox, port = smtp
    values = {
        "nom": "D’Arcy", "prenom": "Œdipe", "date_naissance": dt.date(2005, 3, 12), "commune": "62193",
        "telephone": "06 12 34 56 78", "derniere_classe": "CAP", "situation_actuelle": "sans emploi",
        "mission_locale": True, "cej": False, "pacea": False, "ase": False, "rsa": False,
        "difficulte_mobilite": False, "difficulte_logement": False, "difficulte_sante": False,
        "difficulte_budget": False, "difficulte_confiance": False, "souhaits": "cuisine", "disponibilites": "matin",
    }
    from bot.prescription.fields import PartialDate

    values["date_sortie_scolaire"] = PartialDate(2024, 6)
    sheet = SheetRepository(storage.session_factory(database_url)).create(
        "graine_de", "jeune", values, consent_at=dt.datetime(2026, 11, 29, tzinfo=dt.timezone.utc), transmit=True)
    assert await notify.notify_sheet_transmitted(sheet, inboxes=inboxes,
                                                 environ={"SMTP_URL": f"smtp://127.0.0.1:{port}"}) is True
    [(_, recipients, raw)] = inbox.messages
    subject, body = _body(raw)
    assert recipients == ["slai.calaisis@exemple.fr"] and sheet.reference in subject
    assert f"http://localhost:8080/fiches/{sheet.reference}" in body
    for planted in PERSONAL[:-1]:
        assert planted not in raw.decode("utf-8", "replace") + subject + body


async def test_without_smtp_url_nothing_is_sent_and_the_log_says_so(inboxes, new_request, caplog, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(notify, "_disabled_logged", False)
    caplog.set_level(logging.INFO, logger="bot.handoff.notify")
    request = new_request()
    assert await notify.notify_new_request(request, inboxes=inboxes, environ={}) is False
    assert await notify.notify_new_request(request, inboxes=inboxes, environ={"SMTP_URL": " "}) is False
    assert [r.getMessage() for r in caplog.records] == [notify.DISABLED_LOG]  # once per process


async def test_no_address_or_a_dead_server_never_raises(smtp, inboxes, new_request, caplog) -> None:  # noqa: ANN001
    _, port = smtp
    caplog.set_level(logging.INFO)
    elsewhere = new_request(territory="ternois", phone="06 12 34 56 78")
    assert await notify.notify_new_request(elsewhere, inboxes=inboxes,
                                           environ={"SMTP_URL": f"smtp://127.0.0.1:{port}"}) is False
    request = new_request(phone="06 12 34 56 78")
    for url in (f"smtp://127.0.0.1:{free_port()}", "http://pas-smtp", "smtp://127.0.0.1:99999"):
        assert await notify.notify_new_request(request, inboxes=inboxes, environ={"SMTP_URL": url}) is False
    assert "not sent" in caplog.text
    for planted in PERSONAL[:-1] + ("slai.calaisis@exemple.fr",):
        assert planted not in caplog.text


def test_smtp_urls() -> None:
    plain = notify.SmtpSettings.parse("smtp://robot:p%40ss@mail.exemple.fr:587")
    assert (plain.host, plain.port, plain.use_tls, plain.username, plain.password) == (
        "mail.exemple.fr", 587, False, "robot", "p@ss")
    tls = notify.SmtpSettings.parse("smtps://mail.exemple.fr")
    assert (tls.port, tls.use_tls, tls.username) == (465, True, None)
    for bad in ("mail.exemple.fr", "http://mail", "smtp://"):
        with pytest.raises(notify.SmtpConfigError):
            notify.SmtpSettings.parse(bad)


def test_inbox_settings(inboxes: InboxSettings) -> None:
    assert inboxes.address("calaisis", "insertion") == "slai.calaisis@exemple.fr"
    inboxes.set("calaisis", "insertion", "", "compte-1")
    assert inboxes.address("calaisis", "insertion") is None
    for territory, email in (("nord", "a@b.fr"), ("calaisis", "pas-une-adresse")):
        with pytest.raises(InboxSettingError):
            inboxes.set(territory, "insertion", email, "compte-1")


@pytest.mark.parametrize(("url", "start_tls"), [
    ("smtp://robot:secret@mail.exemple.fr:587", True), ("smtp://mail.exemple.fr", True),
    ("smtps://robot:secret@mail.exemple.fr", False), ("smtp://127.0.0.1:2525", None), ("smtp://localhost", None),
])
def test_tls_is_required_beyond_this_machine(url: str, start_tls: bool | None) -> None:
    """Issue 16: STARTTLS was opportunistic, so a stripped offer sent the SMTP login in clear."""
    assert notify.SmtpSettings.parse(url).start_tls is start_tls


async def test_a_server_that_offers_no_starttls_gets_no_login(smtp, inboxes, new_request, monkeypatch) -> None:  # noqa: ANN001
    inbox, port = smtp
    monkeypatch.setattr(notify, "LOOPBACK_HOSTS", frozenset())  # as if the relay were on the network
    environ = {"SMTP_URL": f"smtp://robot:mot%20de%20passe@127.0.0.1:{port}"}
    assert await notify.notify_new_request(new_request(kind="logement"), inboxes=inboxes, environ=environ) is False
    assert inbox.logins == [] and inbox.messages == []
