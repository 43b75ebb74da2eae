"""A channel mounted as Rasa mounts it, on a real Sanic server on a free port, with a fake agent
(tests of rasa_ext/)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage, register
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa_servers import free_port
from sanic import Sanic


@dataclass
class FakeAgent:
    """What Rasa's `register` and our channels use of the Agent: `handle_message` and `tracker_store`.

    It records each `UserMessage` and answers a fixed French text with buttons through the
    message's output channel, or raises (quoting the text, to check it never reaches a log).
    """

    tracker_store: InMemoryTrackerStore = field(default_factory=lambda: InMemoryTrackerStore(Domain.empty()))
    received: list[UserMessage] = field(default_factory=list)
    fail: bool = False
    answer: str = "Bonjour ! Que cherchez-vous ?"
    buttons: list[dict[str, str]] = field(
        default_factory=lambda: [
            {"title": "Un logement", "payload": "/chercher_logement"},
            {"title": "Un accompagnement", "payload": "/chercher_accompagnement"},
        ]
    )

    async def handle_message(self, message: UserMessage) -> None:
        self.received.append(message)
        if self.fail:
            raise RuntimeError(f"échec en traitant {message.text!r}")
        answer = {"text": self.answer, "buttons": list(self.buttons)}
        await message.output_channel.send_response(message.sender_id, answer)


@dataclass
class Server:
    app: Sanic
    agent: Any  # FakeAgent unless the test brings its own
    url: str


async def serve(channel: InputChannel, agent: Any = None) -> AsyncIterator[Server]:
    """Mount `channel` as Rasa does (`register`, under /webhooks/) and serve it on a free port."""
    # Sanic's test mode: without it, a second app started in the process fails while Sanic
    # rewrites ("touches up") its protocol methods a second time.
    Sanic.test_mode = True
    app = Sanic(f"test_{uuid.uuid4().hex}", configure_logging=False)
    agent = agent if agent is not None else FakeAgent()
    app.ctx.agent = agent
    register([channel], app, route="/webhooks/")
    port = free_port()
    server = await app.create_server(host="127.0.0.1", port=port, return_asyncio_server=True, access_log=False)
    await server.startup()
    await server.before_start()
    await server.after_start()
    try:
        yield Server(app, agent, f"http://127.0.0.1:{port}")
    finally:
        await server.before_stop()
        closing = server.close()
        if closing is not None:
            await asyncio.wait_for(closing, timeout=10)
        await server.after_stop()


async def hang_up(client: Any) -> None:
    """Disconnect a python-socketio long-polling test client without waiting for its last poll.

    Since python-socketio 5.12, `AsyncClient.disconnect()` waits for its pending long-poll to end,
    which the server answers only at its next ping (tens of seconds): the CLOSE packet is sent all
    the same (the server sees the disconnection), the wait is skipped. Browsers do not wait either.
    """
    await client.eio.disconnect(abort=True)
