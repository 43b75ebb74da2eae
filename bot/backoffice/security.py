"""Security headers on every response, and an access log that never writes a query string.

The CSP allows nothing but this origin: no inline script or style, no plugin, no framing
(`frame-ancestors 'none'`, with `X-Frame-Options` for older browsers), forms posted here only.
Pages are not cached (they show personal data); static files are. The demo page and the widget's
files set their own CSP and cross-origin headers (views/widget.py).
"""

from __future__ import annotations

import logging

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger

CSP = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))
HEADERS = {
    "Content-Security-Policy": CSP,
    "Strict-Transport-Security": "max-age=63072000; includeSubDomains",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}


def apply_headers(request: web.Request, response: web.StreamResponse) -> None:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if not request.path.startswith(("/static/", "/widget/")):
        response.headers["Cache-Control"] = "no-store"


@web.middleware
async def security_headers(request: web.Request, handler):  # type: ignore[no-untyped-def]
    try:
        response = await handler(request)
    except web.HTTPException as error:
        apply_headers(request, error)
        raise
    apply_headers(request, response)
    return response


async def on_prepare(request: web.Request, response: web.StreamResponse) -> None:
    """Also for responses that bypass middlewares (file responses, errors of the server itself)."""
    apply_headers(request, response)


class AccessLogger(AbstractAccessLogger):
    """Method, path (never the query string: it may hold a searched name), status, duration."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        self.logger.info("%s %s %s %.3fs", request.method, request.path, response.status, time)


access_logger = logging.getLogger("bot.backoffice.access")
