"""The action server down during a turn of our channels (rasa_ext/channels/action_failures.py): Rasa
would swallow the error and stay silent; our channels answer the French apology and the turn is not
kept. Outside our channels (Rasa's HTTP API) Rasa's behaviour is unchanged."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import aiohttp
import pytest
from channel_support import serve
from rasa.core.actions.action import RemoteAction
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import RasaException
from rasa.utils.endpoints import EndpointConfig
from rasa_servers import free_port

from rasa_ext.channels import messages
from rasa_ext.channels.action_failures import ActionServerUnavailable, failing_loudly

DOMAIN = Domain.empty()


def unreachable_action() -> RemoteAction:
    return RemoteAction("action_quelconque", EndpointConfig(url=f"http://127.0.0.1:{free_port()}/webhook"))


async def run(action: RemoteAction) -> list:
    tracker = DialogueStateTracker("s1", DOMAIN.slots)
    return await action.run(CollectingOutputChannel(), TemplatedNaturalLanguageGenerator({}), tracker, DOMAIN)


async def test_inside_a_channel_turn_an_unreachable_server_stops_the_turn() -> None:
    with failing_loudly(), pytest.raises(ActionServerUnavailable):
        await run(unreachable_action())


async def test_outside_a_channel_turn_rasa_behaves_as_before() -> None:
    with pytest.raises(RasaException):
        await run(unreachable_action())


@dataclass
class AgentCallingActions:
    """Runs one custom action per message and, like Rasa's processor, swallows its `Exception`s."""

    received: list[UserMessage] = field(default_factory=list)

    async def handle_message(self, message: UserMessage) -> None:
        self.received.append(message)
        try:
            await run(unreachable_action())
        except Exception:  # noqa: BLE001 — what MessageProcessor._run_action does
            pass


async def test_the_rest_channel_answers_the_apology_and_a_retry_is_processed_again() -> None:
    from rasa_ext.channels.rest import RestInput

    agent = AgentCallingActions()
    async for server in serve(RestInput(), agent):
        body = json.dumps({"sender": "s1", "message": "bonjour", "message_id": "m1"})
        async with aiohttp.ClientSession() as session:
            for _ in range(2):
                async with session.post(server.url + "/webhooks/rest/webhook", data=body) as answer:
                    assert answer.status == 200
                    assert await answer.json() == [{"recipient_id": "s1", "text": messages.APOLOGY}]
    assert len(agent.received) == 2  # the failed turn was not kept as the answer to m1


async def test_a_request_the_server_dropped_before_reading_it_is_sent_once_more() -> None:
    """Sanic drops a connection whose request has not arrived within 60 s (a replica starved under
    load): no action ran, so the call is sent again on a new connection."""
    import asyncio

    connections = []

    async def server(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connections.append(1)
        if len(connections) == 1:  # like Sanic's request timeout: a 408, the connection closed unread
            await asyncio.sleep(0.3)
            writer.write(b"HTTP/1.1 408 Request Timeout\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            writer.close()
            return
        await reader.readuntil(b"\r\n\r\n")
        body = b'{"events": [], "responses": [{"text": "ok"}]}'
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                     + str(len(body)).encode() + b"\r\nConnection: close\r\n\r\n" + body)
        await writer.drain()
        writer.close()

    listening = await asyncio.start_server(server, "127.0.0.1", 0)
    port = listening.sockets[0].getsockname()[1]
    big = {"tracker": "x" * 2_000_000}  # large enough that writing it meets the closed connection
    action = RemoteAction("action_quelconque", EndpointConfig(url=f"http://127.0.0.1:{port}/webhook"))
    action._action_call_format = lambda tracker, domain: big  # type: ignore[method-assign]
    try:
        with failing_loudly():
            events = await run(action)
    finally:
        listening.close()
    assert len(connections) == 2 and [e.text for e in events] == ["ok"]
