"""E-mail to a territory's service address about a new contact request or a transmitted sheet.

The e-mail holds **no personal data**: the reference, the territory, the kind and a link to the
back office (`BACKOFFICE_URL`), nothing the person said. It goes through aiosmtplib to
`SMTP_URL` (`smtp://user:password@host:port`; `smtps://` for TLS from the start; a plain
`smtp://` must upgrade with STARTTLS, and the sending fails when the server does not offer it — a
stripped STARTTLS would otherwise send the login in clear (issue 16); only a relay on this machine
(127.0.0.1, ::1, localhost) may be spoken to in clear), from `SMTP_FROM`.

`SMTP_URL` unset → no e-mail, and one INFO line "notifications par e-mail désactivées
(SMTP_URL absent)" per process. No inbox address for that territory and kind → no e-mail, one
INFO line. A failure is logged (its kind, never an address or a value) and never raised: the
request or the sheet is saved whatever happens here, and the back office shows it.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

from bot.handoff.inboxes import InboxSettings
from bot.handoff.models import ContactRequest, RequestKind

logger = logging.getLogger(__name__)

DEFAULT_BACKOFFICE_URL = "http://localhost:8080"
DEFAULT_FROM = "Cap Jeunes 62 <ne-pas-repondre@cap-jeunes-62.invalid>"
DISABLED_LOG = "notifications par e-mail désactivées (SMTP_URL absent)"
SMTP_TIMEOUT = 15.0
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "::1", "localhost"})

_disabled_logged = False


class SmtpConfigError(ValueError):
    pass


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    use_tls: bool
    username: str | None = None
    password: str | None = None

    @property
    def start_tls(self) -> bool | None:
        """aiosmtplib's `start_tls`: required (True) but on the loopback, where None lets it decide."""
        if self.use_tls:
            return False  # TLS from the first byte already
        return None if self.host in LOOPBACK_HOSTS else True

    @classmethod
    def parse(cls, url: str) -> SmtpSettings:
        parts = urlsplit(url.strip())
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise SmtpConfigError("SMTP_URL doit être de la forme smtp://utilisateur:motdepasse@hôte:port (ou smtps://).")
        try:
            port = parts.port
        except ValueError:
            raise SmtpConfigError("SMTP_URL : port invalide.") from None
        tls = parts.scheme == "smtps"
        return cls(
            host=parts.hostname, port=port or (465 if tls else 25), use_tls=tls,
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
        )


def _settings(environ: Mapping[str, str]) -> SmtpSettings | None:
    global _disabled_logged
    url = (environ.get("SMTP_URL") or "").strip()
    if not url:
        if not _disabled_logged:
            logger.info(DISABLED_LOG)
            _disabled_logged = True
        return None
    return SmtpSettings.parse(url)


def backoffice_url(environ: Mapping[str, str] | None = None) -> str:
    env = os.environ if environ is None else environ
    return ((env.get("BACKOFFICE_URL") or "").strip() or DEFAULT_BACKOFFICE_URL).rstrip("/")


def _territory_name(territory: str) -> str:
    from bot.knowledge import knowledge

    known = knowledge().territories.get(territory)
    return known.name if known is not None else territory


def request_email(request: ContactRequest, base_url: str) -> tuple[str, str]:
    """(subject, body) for a new request: the reference, territory, kind and link only."""
    where = _territory_name(request.territory)
    subject = f"Nouvelle demande de contact {request.reference} — {where} ({request.kind.label})"
    body = (
        "Bonjour,\n\n"
        f"Une nouvelle demande de contact ({request.kind.label}) attend votre territoire ({where}) "
        f"dans le back-office Cap Jeunes 62 : {request.reference}.\n\n"
        f"Pour la consulter (connexion requise) : {base_url}/demandes/{request.reference}\n\n"
        "Ce message ne contient volontairement aucune donnée personnelle.\n"
        "— Cap Jeunes 62 (message automatique, ne pas répondre)\n"
    )
    return subject, body


def sheet_email(reference: str, territory: str, base_url: str) -> tuple[str, str]:
    where = _territory_name(territory)
    subject = f"Fiche de prescription transmise {reference} — {where}"
    body = (
        "Bonjour,\n\n"
        f"Une fiche de prescription a été transmise au SLAI ({where}) : {reference}.\n\n"
        f"Pour l'étudier (connexion requise) : {base_url}/fiches/{reference}\n\n"
        "Ce message ne contient volontairement aucune donnée personnelle.\n"
        "— Cap Jeunes 62 (message automatique, ne pas répondre)\n"
    )
    return subject, body


async def _send(to: str, subject: str, body: str, settings: SmtpSettings, sender: str) -> None:
    import aiosmtplib

    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    await aiosmtplib.send(
        message, hostname=settings.host, port=settings.port, username=settings.username,
        password=settings.password, use_tls=settings.use_tls, start_tls=settings.start_tls, timeout=SMTP_TIMEOUT,
    )


async def _notify(what: str, reference: str, territory: str, kind: RequestKind, subject_body: tuple[str, str],
                  inboxes: InboxSettings | None, environ: Mapping[str, str]) -> bool:
    try:
        settings = _settings(environ)
        if settings is None:
            return False
        inboxes = inboxes or InboxSettings()
        to = await asyncio.to_thread(inboxes.address, territory, kind)
        if not to:
            logger.info("No %s inbox address for %s: no e-mail for %s %s.", kind.value, territory, what, reference)
            return False
        subject, body = subject_body
        await _send(to, subject, body, settings, (environ.get("SMTP_FROM") or "").strip() or DEFAULT_FROM)
    except Exception as error:  # noqa: BLE001 — a notification never breaks the request
        logger.warning("E-mail about %s %s not sent (%s).", what, reference, type(error).__name__)
        return False
    logger.info("E-mail sent about %s %s (%s, %s).", what, reference, territory, kind.value)
    return True


async def notify_new_request(request: ContactRequest, *, inboxes: InboxSettings | None = None,
                             environ: Mapping[str, str] | None = None) -> bool:
    """E-mail the territory's inbox of the request's kind; True when sent. Never raises."""
    env = os.environ if environ is None else environ
    return await _notify("request", request.reference, request.territory, request.kind,
                         request_email(request, backoffice_url(env)), inboxes, env)


async def notify_sheet_transmitted(sheet, *, inboxes: InboxSettings | None = None,  # type: ignore[no-untyped-def]
                                   environ: Mapping[str, str] | None = None) -> bool:
    """E-mail the territory's "insertion" inbox (the SLAI) that `sheet` (a `Sheet`) was transmitted.

    True when sent. Never raises.
    """
    env = os.environ if environ is None else environ
    return await _notify("sheet", sheet.reference, sheet.territory, RequestKind.INSERTION,
                         sheet_email(sheet.reference, sheet.territory, backoffice_url(env)), inboxes, env)
