"""CSRF protection: a synchronizer token in every form, checked on every unsafe request.

Logged in, the token is the session's own (`backoffice_sessions.csrf_token`, server side).
Before login there is no session yet: the login form carries a random token that must match
a pre-login cookie (`HttpOnly`, `SameSite=Strict`), so that no other site can post it. Over
HTTPS the cookie is `Secure` and named with the `__Host-` prefix, as the session's: the browser
then refuses it from a sibling subdomain or plain HTTP, which could otherwise plant a token of
their choosing (issue 16).
A missing or wrong token gives 403 and nothing is done.
"""

from __future__ import annotations

import hmac
import secrets

from aiohttp import web

FIELD = "csrf"
PRELOGIN_COOKIE = "cj62_prelogin"
SECURE_PRELOGIN_COOKIE = "__Host-cj62_prelogin"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def new_token() -> str:
    return secrets.token_urlsafe(32)


def same(expected: str | None, given: object) -> bool:
    return bool(expected) and isinstance(given, str) and hmac.compare_digest(expected.encode(), given.encode())


def prelogin_cookie_name(secure: bool) -> str:
    """As `auth.cookie_name` for the session: the `__Host-` name over HTTPS."""
    return SECURE_PRELOGIN_COOKIE if secure else PRELOGIN_COOKIE


def _prelogin_cookie(request: web.Request) -> str | None:
    from bot.backoffice.app import services  # the app imports this module

    return request.cookies.get(prelogin_cookie_name(services(request).settings.secure_cookies))


def expected_token(request: web.Request) -> str | None:
    session = request.get("session")
    if session is not None:
        return session.csrf_token
    return _prelogin_cookie(request)


def form_token(request: web.Request) -> str:
    """The token to put in this page's forms (sets the pre-login cookie when needed: see `prelogin`)."""
    session = request.get("session")
    if session is not None:
        return session.csrf_token
    token = _prelogin_cookie(request) or request.get("prelogin_token")
    if not token:
        token = new_token()
        request["prelogin_token"] = token
    return token


def set_prelogin_cookie(request: web.Request, response: web.StreamResponse, secure: bool) -> None:
    token = request.get("prelogin_token")
    name = prelogin_cookie_name(secure)
    if token and not request.cookies.get(name):
        response.set_cookie(name, token, httponly=True, secure=secure, samesite="Strict", path="/")


@web.middleware
async def csrf_protection(request: web.Request, handler):  # type: ignore[no-untyped-def]
    if request.method not in SAFE_METHODS:
        form = await request.post()
        if not same(expected_token(request), form.get(FIELD)):
            raise web.HTTPForbidden(reason="CSRF")
    return await handler(request)
