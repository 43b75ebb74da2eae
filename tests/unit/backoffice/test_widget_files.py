"""The back office serves the demo page with the widget, and the widget's files for other sites (docs/widget.md)."""

from __future__ import annotations

import pytest

from bot.backoffice.config import ConfigError
from bot.backoffice.views.widget import socket_url


async def test_the_demo_page_points_the_widget_at_rasa_and_lets_it_connect(backoffice) -> None:  # noqa: ANN001
    response = await backoffice.browser().get("/demo")
    body = await response.text()
    assert response.status == 200
    assert 'data-socket-url="http://localhost:5005"' in body and 'src="/widget/cj62-widget.js"' in body
    csp = response.headers["Content-Security-Policy"]
    assert "connect-src 'self' http://localhost:5005 ws://localhost:5005" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(("path", "kind"), [
    ("/widget/cj62-widget.js", "text/javascript"),
    ("/widget/cj62-widget.css", "text/css"),
    ("/widget/connection.js", "text/javascript"),
    ("/widget/vendor/socket.io.min.js", "text/javascript"),
])
async def test_the_widget_files_can_be_embedded_by_another_site(backoffice, path: str, kind: str) -> None:  # noqa: ANN001
    response = await backoffice.browser().get(path)
    assert response.status == 200
    assert response.headers["Content-Type"].startswith(kind)
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Cross-Origin-Resource-Policy"] == "cross-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert len(await response.read()) > 100


@pytest.mark.parametrize("path", ["/widget/../demo.html", "/widget/%2e%2e/demo.html", "/widget/vendor/x.js",
                                  "/widget/demo.html", "/widget/.hidden.js", "/widget/absent.js"])
async def test_nothing_else_is_served_under_widget(backoffice, path: str) -> None:  # noqa: ANN001
    response = await backoffice.browser().get(path, allow_redirects=False)
    assert response.status in (303, 404)  # "../" is normalised away: /demo.html, a private path
    assert "data-socket-url" not in await response.text()


def test_the_public_rasa_address_is_checked() -> None:
    assert socket_url({}) == "http://localhost:5005"
    assert socket_url({"RASA_PUBLIC_URL": "https://rasa.exemple.fr/"}) == "https://rasa.exemple.fr"
    for wrong in ("javascript:alert(1)", "https://rasa.exemple.fr/chemin", "rasa.exemple.fr", 'http://a"b'):
        with pytest.raises(ConfigError):
            socket_url({"RASA_PUBLIC_URL": wrong})
