"""The action server, hardened: `python -m rasa_ext.action_server [--port 5055]`.

rasa_sdk's own server (`rasa run actions`) binds 0.0.0.0, asks nothing of its callers, allows
any CORS origin and answers an error with the whole request, that is the conversation. This
wraps `rasa_sdk.endpoint.create_app`:

- bound to `ACTION_HOST` (default 127.0.0.1), port `--port` or `ACTION_PORT` (default 5055);
- every route but `/health` requires the header `X-Action-Token` equal to `ACTION_TOKEN`
  (compared in constant time), which Rasa sends (`endpoints.yml`); `ACTION_TOKEN` is required in
  production (`CJ62_ENV=production`), and without it in development the server says so at start;
- no CORS (only Rasa calls it, server to server);
- an error answers `{"error": "…"}` in French, never the request, and logs the exception's type
  and place only (no user text).
"""

from __future__ import annotations

import argparse
import hmac
import logging
import os
from collections.abc import Mapping
from typing import Any

from rasa_sdk import endpoint
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.failures import describe_failure
from bot.settings import is_production

logger = logging.getLogger(__name__)

TOKEN_HEADER = "X-Action-Token"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 5055
REFUSED = "Jeton du serveur d'actions absent ou invalide."
FAILED = "L'action a échoué."


class ActionServerConfigError(RuntimeError):
    """The action server cannot start as configured (French message, never a secret)."""


def token_from_env(environ: Mapping[str, str] | None = None) -> str | None:
    env = os.environ if environ is None else environ
    token = (env.get("ACTION_TOKEN") or "").strip() or None
    if token is None and is_production(env):
        raise ActionServerConfigError("En production, ACTION_TOKEN est obligatoire pour le serveur d'actions.")
    return token


def create_app(token: str | None, package: str = "actions") -> Sanic:
    app = endpoint.create_app(package, cors_origins=[])

    @app.on_request
    async def check_token(request: Request) -> HTTPResponse | None:
        if token is None or request.path == "/health":
            return None
        given = request.headers.get(TOKEN_HEADER) or ""
        if hmac.compare_digest(given.encode("utf-8", "replace"), token.encode()):
            return None
        logger.warning("Action server: request refused (token missing or invalid).")
        return response.json({"error": REFUSED}, status=401)

    async def failure(request: Request, error: Exception) -> HTTPResponse:
        logger.error("Action server error: %s", describe_failure(error))
        status = getattr(error, "status_code", 500)
        return response.json({"error": FAILED}, status=status if isinstance(status, int) and status >= 400 else 500)

    app.error_handler.add(Exception, failure)
    return app


def main(argv: list[str] | None = None, environ: Mapping[str, str] | None = None) -> None:
    env = os.environ if environ is None else environ
    parser = argparse.ArgumentParser(description="Serveur d'actions de Cap Jeunes 62")
    parser.add_argument("--port", type=int, default=int(env.get("ACTION_PORT") or DEFAULT_PORT))
    parser.add_argument("--host", default=(env.get("ACTION_HOST") or DEFAULT_HOST))
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s - %(message)s")
    token = token_from_env(env)
    if token is None:
        logger.warning("ACTION_TOKEN is not set: the action server accepts any caller (development only).")
    app: Any = create_app(token)
    logger.info("Action server on http://%s:%s (token %s).", args.host, args.port, "required" if token else "off")
    app.run(host=args.host, port=args.port, workers=1, access_log=False)


if __name__ == "__main__":
    main()
