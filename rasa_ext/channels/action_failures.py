"""The action server down or failing during a turn: an apology instead of silence.

Rasa 3.6 catches every error of a custom action in `MessageProcessor._run_action`, logs it and
goes on as if the action had returned nothing: the person gets silence (or half an answer), and
the turn is saved without what the action should have done (a form's answer left unvalidated…).

Inside a turn of our channels (`failing_loudly()`, entered by `process_then_erase`), an error
while Rasa calls the action server (connection refused, timeout, an HTTP error other than 400)
is raised as `ActionServerUnavailable` instead. It is a `BaseException`, like
`TrackerUnavailable`, so that it passes Rasa's `except Exception` up to our channels, which
answer `messages.APOLOGY`. Rasa saves a turn only at its end, so nothing of this one is kept: the
conversation continues intact once the server is back (a REST retry with the same `message_id`
is processed again). Outside our channels (Rasa's HTTP API, the back office's calls) Rasa's own
behaviour is unchanged.

`ActionExecutionRejection` (HTTP 400: a form's validation rejecting an answer) is Rasa's normal
flow and passes through untouched. A call the action server never took (HTTP 408, or a request
aiohttp could not write on a connection the server had closed: Sanic drops a connection whose
request has not arrived within 60 s, which happens to a Rasa replica whose event loop is starved
under load) ran no action: it is sent once more on a new connection, in any turn, before failing.

The wrapper is put on `RemoteAction.run` the first time a turn enters `failing_loudly()`; the log
lines name the action, never the conversation.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

logger = logging.getLogger(__name__)

_in_channel_turn: ContextVar[bool] = ContextVar("cj62_in_channel_turn", default=False)
_MARK = "_cj62_fails_loudly"


class ActionServerUnavailable(BaseException):  # noqa: N818 — not an Exception on purpose
    """The action server could not run an action of this turn (see the module doc)."""


def request_not_written(error: BaseException) -> bool:
    """Whether Rasa's error says the action server never took the request (no action ran): HTTP 408,
    or aiohttp failing to write the request on a connection the server closed."""
    cause = error.__cause__ or error.__context__
    if getattr(cause, "status", None) == 408:
        return True
    return isinstance(cause, OSError) and not isinstance(cause, ConnectionRefusedError) \
        and "write" in str(cause).lower()


def install() -> None:
    """Wrap Rasa's `RemoteAction.run` once (idempotent)."""
    from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
    from rasa.shared.exceptions import RasaException

    original = RemoteAction.run
    if getattr(original, _MARK, False):
        return

    @functools.wraps(original)
    async def run(self: RemoteAction, *args: Any, **kwargs: Any) -> Any:
        try:
            try:
                return await original(self, *args, **kwargs)
            except ActionExecutionRejection:
                raise
            except RasaException as error:
                if not request_not_written(error):
                    raise
                logger.warning("Action server closed the connection before the request of %s was written: "
                               "sent again.", self.name())
                return await original(self, *args, **kwargs)
        except ActionExecutionRejection:
            raise
        except (RasaException, asyncio.TimeoutError) as error:
            if not _in_channel_turn.get():
                raise
            logger.error("Action server unavailable for %s (%s): the turn is dropped with an apology.",
                         self.name(), type(error).__name__)
            raise ActionServerUnavailable(self.name()) from None

    setattr(run, _MARK, True)
    RemoteAction.run = run  # type: ignore[method-assign]


@contextlib.contextmanager
def failing_loudly() -> Iterator[None]:
    """Within this block (one turn of our channels), a failing action server raises
    `ActionServerUnavailable` (see the module doc)."""
    install()
    token = _in_channel_turn.set(True)
    try:
        yield
    finally:
        _in_channel_turn.reset(token)
