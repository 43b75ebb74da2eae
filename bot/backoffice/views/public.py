"""Public pages: home (→ the inbox or the login page), `/confidentialite` (rendered from
docs/confidentialite.md), `/mentions-legales`, `/accessibilite`, and `/sante` for health checks.

Markdown is rendered by markdown-it-py in CommonMark mode with raw HTML off (any HTML in the
file is shown as text) and its link validation (no `javascript:` links): safe even if the
document one day holds something unexpected.
"""

from __future__ import annotations

from functools import lru_cache

from aiohttp import web
from markupsafe import Markup

from bot.backoffice.app import render
from bot.paths import ROOT

PRIVACY_DOCUMENT = ROOT / "docs" / "confidentialite.md"


async def home(request: web.Request) -> web.Response:
    session = request.get("session")
    raise web.HTTPSeeOther("/demandes" if session is not None and session.second_factor_done else "/connexion")


async def health(_: web.Request) -> web.Response:
    return web.Response(text="ok")


@lru_cache(maxsize=4)
def markdown_html(text: str) -> str:
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")
    return parser.render(text)


async def privacy(request: web.Request) -> web.Response:
    try:
        text = PRIVACY_DOCUMENT.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise web.HTTPNotFound() from None
    return render(request, "public/markdown.html", {
        "title": "Confidentialité", "content": Markup(markdown_html(text)),
    })


async def legal(request: web.Request) -> web.Response:
    return render(request, "public/mentions.html")


async def accessibility(request: web.Request) -> web.Response:
    return render(request, "public/accessibilite.html")


def setup(app: web.Application) -> None:
    app.router.add_get("/", home)
    app.router.add_get("/sante", health)
    app.router.add_get("/confidentialite", privacy)
    app.router.add_get("/mentions-legales", legal)
    app.router.add_get("/accessibilite", accessibility)
