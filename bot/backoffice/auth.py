"""Who is asking: the session cookie, the account behind it, and what each kind of page requires.

- Public pages (`PUBLIC_PATHS`, `/static/`, `/widget/`) need nothing.
- The second-factor pages and logout need a session whose password step is done.
- Everything else needs a complete session: password, plus TOTP for admins. Without one, a GET
  is redirected to the login page (which brings the visitor back afterwards) and anything else
  too; `/admin/…` pages also need the admin role (403).

The cookie is `HttpOnly`, `SameSite=Strict`, `Path=/`, and `Secure` with the `__Host-` prefix
whenever the back office is served over HTTPS (always in production).
"""

from __future__ import annotations

import asyncio
import re
from urllib.parse import quote, urlsplit

from aiohttp import web

from bot.backoffice.accounts import Account
from bot.backoffice.sessions import SessionInfo

COOKIE = "cj62_session"
SECURE_COOKIE = "__Host-cj62_session"
PUBLIC_PATHS = frozenset({
    "/", "/connexion", "/demo", "/confidentialite", "/mentions-legales", "/accessibilite", "/sante",
})
SECOND_FACTOR_PATHS = frozenset({"/connexion/code", "/connexion/activation", "/deconnexion"})

# What the WHATWG URL parser removes before reading a URL: ASCII tab, LF and CR, anywhere.
_BROWSER_DROPPED = re.compile(r"[\t\n\r]")


def cookie_name(secure: bool) -> str:
    return SECURE_COOKIE if secure else COOKIE


def set_session_cookie(response: web.StreamResponse, session: SessionInfo, secure: bool) -> None:
    response.set_cookie(cookie_name(secure), session.token, httponly=True, secure=secure, samesite="Strict", path="/")


def clear_session_cookie(response: web.StreamResponse, secure: bool) -> None:
    response.del_cookie(cookie_name(secure), path="/")


def current_account(request: web.Request) -> Account:
    """The logged-in account (the middleware guarantees one on protected pages)."""
    account = request.get("account")
    if account is None:
        raise web.HTTPSeeOther("/connexion")
    return account


def safe_next(target: str | None) -> str:
    """A local path to go back to after login, as the browser will read it (never another site).

    Browsers drop tabs and newlines anywhere in a URL and read a backslash as a slash, so
    "/<tab>/evil.example" is "//evil.example" to them, another site: the target is taken after the
    same normalisation, and refused when it then has a scheme, a host, a control character or a
    space, or does not start with a single slash.
    """
    default = "/demandes"
    if not target:
        return default
    cleaned = _BROWSER_DROPPED.sub("", target)
    if (not cleaned.startswith("/") or cleaned.startswith("//") or "\\" in cleaned
            or any(ord(c) < 0x21 or ord(c) == 0x7F for c in cleaned)):
        return default
    parts = urlsplit(cleaned)
    if parts.scheme or parts.netloc or cleaned.startswith(("/connexion", "/deconnexion")):
        return default
    return cleaned


def login_redirect(request: web.Request) -> web.HTTPSeeOther:
    target = request.path_qs if request.method == "GET" else request.path
    return web.HTTPSeeOther("/connexion?suite=" + quote(safe_next(target), safe="/"))


def second_factor_path(account: Account) -> str:
    return "/connexion/code" if account.totp_enabled else "/connexion/activation"


@web.middleware
async def authentication(request: web.Request, handler):  # type: ignore[no-untyped-def]
    from bot.backoffice.app import services

    found = services(request)
    secure = found.settings.secure_cookies
    request["session"] = request["account"] = None
    token = request.cookies.get(cookie_name(secure))
    if token:
        session = await asyncio.to_thread(found.sessions.load, token)
        if session is not None:
            account = await asyncio.to_thread(found.accounts.get, session.account_id)
            if account is None or not account.active:
                await asyncio.to_thread(found.sessions.revoke, token)
            else:
                request["session"], request["account"] = session, account
    path = request.path
    if path in PUBLIC_PATHS or path.startswith(("/static/", "/widget/")):
        return await handler(request)
    session, account = request["session"], request["account"]
    if session is None:
        raise login_redirect(request)
    if path in SECOND_FACTOR_PATHS:
        return await handler(request)
    if not session.second_factor_done:
        raise web.HTTPSeeOther(second_factor_path(account))
    if path.startswith("/admin") and not account.is_admin:
        raise web.HTTPForbidden(reason="admin")
    return await handler(request)
