"""The demo page with the chat widget (`/demo`) and the widget's files (`/widget/…`), as docs/widget.md asks.

`/demo` is `web/demo.html` with the browser-facing address of Rasa's socket.io server
(`RASA_PUBLIC_URL`) put in the widget's `data-socket-url`, and the back office's CSP widened by
that one address in `connect-src` (HTTP and WebSocket). `/widget/` serves the files of
`web/widget/` (no sub-folder, no `..`) and socket.io-client from `node_modules`; other sites
embed them, so they carry `Access-Control-Allow-Origin: *` and `Cross-Origin-Resource-Policy:
cross-origin` (public static files: no cookie, no personal data) and are revalidated at each use.
"""

from __future__ import annotations

import html
import os
import re
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

from aiohttp import web

from bot.backoffice.config import ConfigError
from bot.backoffice.security import CSP
from bot.paths import ROOT

WEB = ROOT / "web"
WIDGET = WEB / "widget"
SOCKETIO_CLIENT = ROOT / "node_modules" / "socket.io-client" / "dist" / "socket.io.min.js"
VENDOR = {"vendor/socket.io.min.js": SOCKETIO_CLIENT}
DEFAULT_SOCKET_URL = "http://localhost:5005"
PLACEHOLDER = f'data-socket-url="{DEFAULT_SOCKET_URL}"'
TYPES = {".js": "text/javascript", ".css": "text/css"}
HOST = re.compile(r"[A-Za-z0-9.-]+(:[0-9]{1,5})?")
SOCKET_URL = web.AppKey("socket_url", str)


def socket_url(environ: Mapping[str, str] | None = None) -> str:
    """The address browsers use to reach Rasa's socket.io server (scheme and host, no path)."""
    env = os.environ if environ is None else environ
    raw = (env.get("RASA_PUBLIC_URL") or "").strip().rstrip("/") or DEFAULT_SOCKET_URL
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not HOST.fullmatch(parts.netloc) or parts.path or parts.query:
        raise ConfigError("RASA_PUBLIC_URL doit être une adresse http(s)://hôte[:port], sans chemin.")
    return raw


def demo_csp(url: str) -> str:
    websocket = "wss://" + url.removeprefix("https://") if url.startswith("https://") \
        else "ws://" + url.removeprefix("http://")
    return CSP.replace("connect-src 'self'", f"connect-src 'self' {url} {websocket}")


async def demo(request: web.Request) -> web.Response:
    url = request.app[SOCKET_URL]
    page = (WEB / "demo.html").read_text(encoding="utf-8")
    page = page.replace(PLACEHOLDER, f'data-socket-url="{html.escape(url, quote=True)}"')
    response = web.Response(text=page, content_type="text/html", charset="utf-8")
    response.headers["Content-Security-Policy"] = demo_csp(url)
    return response


def widget_file(name: str) -> Path | None:
    if name in VENDOR:
        return VENDOR[name] if VENDOR[name].is_file() else None
    if "/" in name or "\\" in name or name.startswith("."):
        return None
    file = WIDGET / name
    return file if file.suffix in TYPES and file.is_file() else None


async def widget(request: web.Request) -> web.StreamResponse:
    file = widget_file(request.match_info["name"])
    if file is None:
        raise web.HTTPNotFound()
    return web.FileResponse(file, headers={
        "Content-Type": f"{TYPES[file.suffix]}; charset=utf-8",
        "Access-Control-Allow-Origin": "*",
        "Cross-Origin-Resource-Policy": "cross-origin",
        "Cache-Control": "no-cache",
    })


def setup(app: web.Application, environ: Mapping[str, str] | None = None) -> None:
    app[SOCKET_URL] = socket_url(environ)
    app.router.add_get("/demo", demo)
    app.router.add_get("/widget/{name:.+}", widget)
