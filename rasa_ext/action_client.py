"""One keep-alive HTTP session per endpoint and event loop for Rasa's calls to the action server.

Rasa 3.6's `EndpointConfig.request` opens `aiohttp.ClientSession()` for every call and closes it
after the answer: a new TCP connection (and its handshake, and a socket in TIME_WAIT) for every
action of every turn, 8 % of the Rasa process's CPU under load (issue 15). `install()` makes
`EndpointConfig.session()` hand out one session per endpoint and running loop, kept open, so its
connector reuses connections; the `async with` of `request()` then leaves it open.

The session has the same headers, authentication and timeout as Rasa's; a session whose loop has
ended is never reused (the tests start several loops in one process). It runs when Rasa imports
our channels (`rasa_ext/channels/__init__.py`), before any action is called; the health channel
closes the loop's sessions when the server stops (`close_sessions`).
"""

from __future__ import annotations

import asyncio
import weakref
from typing import Any

import aiohttp
from rasa.utils.endpoints import EndpointConfig

_rasa_session = EndpointConfig.session
# Per running loop: the open session of each set of session settings (what `session()` depends on).
_sessions: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, aiohttp.ClientSession]] = (
    weakref.WeakKeyDictionary()
)


class _KeptOpen:
    """The session as `async with` wants it, without closing it on exit."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self.session = session

    async def __aenter__(self) -> aiohttp.ClientSession:
        return self.session

    async def __aexit__(self, *_: Any) -> None:
        return None


def kept_session(endpoint: EndpointConfig) -> _KeptOpen:
    """The open session of `endpoint` in the running loop, created on first use."""
    loop = asyncio.get_running_loop()
    sessions = _sessions.setdefault(loop, {})
    settings = repr((sorted((endpoint.headers or {}).items()), endpoint.basic_auth))
    session = sessions.get(settings)
    if session is None or session.closed:
        session = _rasa_session(endpoint)
        sessions[settings] = session
    return _KeptOpen(session)


async def close_sessions() -> None:
    """Close the running loop's sessions (server shutdown)."""
    for session in _sessions.pop(asyncio.get_running_loop(), {}).values():
        await session.close()


def install() -> None:
    """Make Rasa's endpoint calls reuse one session per endpoint and loop (idempotent)."""
    EndpointConfig.session = kept_session  # type: ignore[method-assign]
