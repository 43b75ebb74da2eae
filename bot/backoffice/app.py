"""The back-office application: `create_app(settings)` builds it, `serve(host, port)` runs it.

Middlewares, outermost first: security headers, error pages (403/404/500 rendered in French;
a foreign and a missing object give the same 404 page), authentication (`auth`), CSRF (`csrf`).
Templates are Jinja2 with autoescape on for every `.html` file. Repositories are synchronous:
handlers call them through `asyncio.to_thread` (`db()`), so a slow query never blocks the loop.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import aiohttp_jinja2
import jinja2
from aiohttp import web

from bot.backoffice import csrf, filters
from bot.backoffice.accounts import AccountRepository
from bot.backoffice.audit import AuditLog
from bot.backoffice.auth import authentication
from bot.backoffice.config import Settings
from bot.backoffice.security import on_prepare, security_headers
from bot.backoffice.sessions import SessionStore
from bot.backoffice.throttle import LoginThrottle
from bot.handoff.inboxes import InboxSettings
from bot.handoff.repository import ContactRequestRepository
from bot.prescription.repository import SheetRepository

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
SERVICES = web.AppKey("services", object)
logger = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass
class Services:
    settings: Settings
    requests: ContactRequestRepository
    sheets: SheetRepository
    accounts: AccountRepository
    audit: AuditLog
    inboxes: InboxSettings
    sessions: SessionStore
    throttle: LoginThrottle
    login_delays: list[float] = field(default_factory=list)  # every delay applied (tests read it)

    @classmethod
    def build(cls, settings: Settings) -> Services:
        from bot.storage import session_factory

        factory = session_factory(settings.database_url)
        return cls(
            settings=settings,
            requests=ContactRequestRepository(factory, clock=settings.clock),
            sheets=SheetRepository(factory, clock=settings.clock),
            accounts=AccountRepository(factory, hasher=settings.hasher, clock=settings.clock),
            audit=AuditLog(factory, clock=settings.clock),
            inboxes=InboxSettings(factory, clock=settings.clock),
            sessions=SessionStore(factory, clock=settings.clock),
            throttle=LoginThrottle(factory, clock=settings.clock),
        )


def services(request: web.Request) -> Services:
    return request.app[SERVICES]  # type: ignore[return-value]


async def db(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run a blocking repository call in a worker thread."""
    return await asyncio.to_thread(function, *args, **kwargs)


def render(request: web.Request, template: str, context: dict[str, Any] | None = None, *,
           status: int = 200) -> web.Response:
    response = aiohttp_jinja2.render_template(template, request, {**_context(request), **(context or {})},
                                              status=status)
    csrf.set_prelogin_cookie(request, response, services(request).settings.secure_cookies)
    return response


_ERRORS = {
    404: ("Page introuvable", "Cette page n'existe pas, ou elle n'est pas accessible avec votre compte."),
    405: ("Action impossible", "Cette adresse ne s'utilise pas ainsi."),
    400: ("Demande incorrecte", "Le formulaire envoyé est incomplet ou incorrect."),
    413: ("Envoi trop volumineux", "Le texte envoyé est trop long."),
}
SERVER_ERROR = ("Une erreur est survenue : l'action n'a peut-être pas été faite. Réessayez ; si cela persiste, "
                "prévenez l'équipe technique.")
_FORBIDDEN = {
    "CSRF": "Le formulaire a expiré ou ne vient pas de cette page : rechargez la page et recommencez.",
    "admin": "Cette page est réservée aux administrateurs et administratrices.",
}


@web.middleware
async def error_pages(request: web.Request, handler):  # type: ignore[no-untyped-def]
    try:
        return await handler(request)
    except web.HTTPException as error:
        if error.status == 403:
            return render(request, "error.html", {"title": "Accès refusé",
                                                  "message": _FORBIDDEN.get(error.reason, _FORBIDDEN["admin"])},
                          status=403)
        if error.status in _ERRORS:
            title, message = _ERRORS[error.status]
            return render(request, "error.html", {"title": title, "message": message}, status=error.status)
        if 300 <= error.status < 400:
            redirect = web.Response(status=error.status, headers=error.headers)
            for name, morsel in error.cookies.items():
                redirect.cookies[name] = morsel
            return redirect
        raise
    except Exception as error:  # noqa: BLE001 — a page, never a traceback; the log names the kind only
        logger.error("Back office: %s on %s %s.", type(error).__name__, request.method, request.path)
        return render(request, "error.html", {"title": "Erreur", "message": SERVER_ERROR}, status=500)


def _context(request: web.Request) -> dict[str, Any]:
    """What every page needs (built here rather than by aiohttp_jinja2's context processors,
    whose middleware runs innermost and so not for error pages raised by outer middlewares)."""
    account = request.get("account")
    session = request.get("session")
    return {
        "account": account if session is not None and session.second_factor_done else None,
        "csrf_token": csrf.form_token(request),
        "csrf_field": csrf.FIELD,
        "path": request.path,
        "request": request,
        "notice": None,
        "error": None,
    }


def create_app(settings: Settings | None = None) -> web.Application:
    """The aiohttp application (nothing is connected until it starts)."""
    settings = settings or Settings.from_env()
    app = web.Application(
        middlewares=[security_headers, error_pages, authentication, csrf.csrf_protection],
        client_max_size=256 * 1024,
    )
    app[SERVICES] = Services.build(settings)
    environment = aiohttp_jinja2.setup(
        app,
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html",), default_for_string=True, default=True),
        undefined=jinja2.StrictUndefined,
    )
    filters.install(environment)
    app.on_response_prepare.append(on_prepare)
    if settings.migrate_on_start:
        app.on_startup.append(_migrate)

    from bot.backoffice.views import admin, indicators, login, public, requests, sheets, widget

    for module in (public, widget, login, requests, sheets, indicators, admin):
        module.setup(app)
    app.router.add_static("/static/", STATIC, name="static")
    return app


async def _migrate(app: web.Application) -> None:
    from bot.storage import migrate

    await asyncio.to_thread(migrate, app[SERVICES].settings.database_url)  # type: ignore[attr-defined]


def serve(host: str, port: int, settings: Settings | None = None) -> None:
    """Run the back office until interrupted (Ctrl-C)."""
    from bot.backoffice.security import AccessLogger

    app = create_app(settings)
    logger.info("Back office on http://%s:%s", host, port)
    web.run_app(app, host=host, port=port, access_log_class=AccessLogger, print=None)
