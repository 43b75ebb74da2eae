"""Health endpoints for load balancers and Kubernetes probes, mounted by Rasa as an input channel.

Rasa's own `GET /` says only that the process answers, and `GET /status` needs the JWT: neither
tells a probe whether this replica can take a conversation. credentials.yml names this class, so
Rasa mounts it under `/webhooks/health/`, outside its authenticated API:

- `GET /webhooks/health/` (liveness): 200 `{"status": "ok"}` as long as the event loop answers;
- `GET /webhooks/health/ready` (readiness): the model is loaded, the conversations database and
  the application database answer `SELECT 1`, and Redis answers `PING` when `REDIS_URL` is set;
  200 `{"status": "ok", "checks": {...}}`, or 503 with `"status": "error"`, the failing checks
  in `"failed"` and each one's result (`ok`, `absent`, `error`, `timeout`).

Each check runs at most `check_timeout` seconds (all of them at once), and the body carries no
URL, secret or exception text; the log names the check and the exception's type only. The
database checks run on two threads of their own, so a database that hangs keeps at most two
threads and never Rasa's default executor.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import sqlalchemy as sa
from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from rasa_ext import action_client

logger = logging.getLogger(__name__)

OK, ABSENT, ERROR, TIMEOUT = "ok", "absent", "error", "timeout"
CHECK_TIMEOUT = 2.0  # seconds; the probes' own timeout (deploy/k8s) is longer
_executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="cj62-health")


def _select_one(engine: sa.engine.Engine) -> None:
    with engine.connect() as connection:
        connection.execute(sa.text("SELECT 1"))


def _tracker_engine(agent: Any) -> sa.engine.Engine | None:
    """The engine of our SQL tracker store, under Rasa's `FailSafeTrackerStore` wrapper."""
    store = getattr(agent, "tracker_store", None)
    inner = getattr(store, "_tracker_store", store)  # FailSafeTrackerStore keeps the real one there
    return getattr(inner, "engine", None)


class HealthInput(InputChannel):
    """Liveness and readiness under `/webhooks/health/` (credentials key: this module path)."""

    check_timeout = CHECK_TIMEOUT

    def __init__(self) -> None:
        self._redis: Any = None  # our own client, only when the lock store has none

    @classmethod
    def name(cls) -> str:
        return "health"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        health = Blueprint("cj62_health", __name__)

        @health.after_server_stop
        async def close_action_sessions(*_: Any) -> None:
            await action_client.close_sessions()

        @health.route("/", methods=["GET"])
        async def alive(_: Request) -> HTTPResponse:
            return response.json({"status": OK})

        @health.route("/ready", methods=["GET"])
        async def ready(request: Request) -> HTTPResponse:
            checks = await self.readiness(getattr(request.app.ctx, "agent", None))
            failed = [name for name, result in checks.items() if result not in (OK, ABSENT)]
            if failed:
                return response.json({"status": ERROR, "failed": failed, "checks": checks}, status=503)
            return response.json({"status": OK, "checks": checks})

        return health

    async def readiness(self, agent: Any) -> dict[str, str]:
        """Every check at once, each bounded by `check_timeout`."""
        checks: dict[str, Callable[[], Awaitable[str]]] = {
            "model": lambda: self._model(agent),
            "tracker_db": lambda: self._tracker_db(agent),
            "app_db": self._app_db,
            "redis": lambda: self._redis_ping(agent),
        }
        results = await asyncio.gather(*(self._bounded(name, check) for name, check in checks.items()))
        return dict(zip(checks, results))

    async def _bounded(self, name: str, check: Callable[[], Awaitable[str]]) -> str:
        try:
            return await asyncio.wait_for(check(), timeout=self.check_timeout)
        except asyncio.TimeoutError:
            logger.warning("Health check %s timed out after %.1f s.", name, self.check_timeout)
            return TIMEOUT
        except Exception as error:  # noqa: BLE001 — any failure is a failed check; its text may hold a URL
            logger.warning("Health check %s failed (%s).", name, type(error).__name__)
            return ERROR

    @staticmethod
    async def _model(agent: Any) -> str:
        return OK if agent is not None and agent.is_ready() else ERROR

    @staticmethod
    async def _in_thread(function: Callable[..., None], *args: Any) -> str:
        await asyncio.get_running_loop().run_in_executor(_executor, function, *args)
        return OK

    async def _tracker_db(self, agent: Any) -> str:
        engine = _tracker_engine(agent)
        if engine is None:
            return ABSENT  # a store without a database (in memory): nothing to check
        return await self._in_thread(_select_one, engine)

    async def _app_db(self) -> str:
        from bot.storage import engine

        def check() -> None:
            _select_one(engine())  # DATABASE_URL; built on first use, so inside the thread

        return await self._in_thread(check)

    async def _redis_ping(self, agent: Any) -> str:
        client = self._redis_client(agent)
        if client is None:
            return ABSENT
        await client.ping()
        return OK

    def _redis_client(self, agent: Any) -> Any:
        """The lock store's Redis client; our own from `REDIS_URL` if the lock store has none."""
        redis_lock = getattr(getattr(agent, "lock_store", None), "redis_lock", None)
        if redis_lock is not None:
            return redis_lock.redis
        url = (os.environ.get("REDIS_URL") or "").strip()
        if not url:
            return None
        if self._redis is None:
            import redis.asyncio as redis

            self._redis = redis.from_url(url, socket_connect_timeout=self.check_timeout,
                                         socket_timeout=self.check_timeout)
        return self._redis
