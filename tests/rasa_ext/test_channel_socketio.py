"""The socket.io channel mounted as Rasa mounts it, on a real Sanic server, with a real client."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
import socketio
import websockets
from rasa.shared.core.events import ActionExecuted, BotUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.paths import ROOT
from rasa_ext.channels import messages
from rasa_ext.channels.rest import RestInput
from rasa_ext.channels.socketio import SocketIOInput

ROLE_PAYLOAD = '/inform{"role":"jeune"}'
WAIT = 20  # seconds: a safety net against a hang, not a performance assertion


class Client:
    """A socket.io client like the widget: asks for a session, then sends `user_uttered`."""

    def __init__(self) -> None:
        self.sio = socketio.AsyncClient(reconnection=False)
        self.uttered: asyncio.Queue[Any] = asyncio.Queue()
        self.confirmed: asyncio.Queue[Any] = asyncio.Queue()
        self.sio.on("bot_uttered", self.uttered.put_nowait)
        self.sio.on("session_confirm", self.confirmed.put_nowait)
        self.session_id: str | None = None

    async def connect(self, url: str) -> Client:
        # Long polling: python-engineio 4.15's websocket client needs aiohttp >= 3.10 (Rasa pins 3.9).
        # The server's websocket transport is tested on its own below.
        await self.sio.connect(url, socketio_path="socket.io", transports=["polling"], wait_timeout=WAIT)
        return self

    async def start_session(self, session_id: Any = None) -> str:
        await self.sio.emit("session_request", {"session_id": session_id})
        self.session_id = await asyncio.wait_for(self.confirmed.get(), WAIT)
        return self.session_id

    async def send(self, *args: Any) -> None:
        await self.sio.emit("user_uttered", args[0] if len(args) == 1 else args)

    async def say(self, message: Any, **extra: Any) -> None:
        await self.send({"message": message, "session_id": self.session_id, **extra})

    async def next(self) -> dict[str, Any]:
        return await asyncio.wait_for(self.uttered.get(), WAIT)


@pytest_asyncio.fixture
async def client(socketio_server) -> AsyncIterator[Client]:
    connected = await Client().connect(socketio_server.url)
    await connected.start_session()
    yield connected
    await connected.sio.disconnect()



@pytest.mark.asyncio
async def test_a_message_gets_rasas_answer_with_its_buttons(socketio_server, client) -> None:
    await client.say("je cherche un logement", metadata={"button": False})
    answer = await client.next()
    assert answer["text"] == socketio_server.agent.answer
    offered = [button["payload"] for button in socketio_server.agent.buttons]
    assert [reply["payload"] for reply in answer["quick_replies"]] == offered
    [received] = socketio_server.agent.received
    assert (received.text, received.sender_id, received.input_channel) == (
        "je cherche un logement",
        client.session_id,
        "socketio",
    )
    assert received.metadata == {"button": False}


@pytest.mark.asyncio
async def test_the_session_id_asked_for_is_kept_and_shared_by_tabs(socketio_server) -> None:
    first, second = Client(), Client()
    for tab in (first, second):
        await tab.connect(socketio_server.url)
        assert await tab.start_session("session-de-test-1") == "session-de-test-1"
    await first.say("bonjour")
    assert (await first.next())["text"] == socketio_server.agent.answer
    assert (await second.next())["text"] == socketio_server.agent.answer
    for tab in (first, second):
        await tab.sio.disconnect()


@pytest.mark.asyncio
@pytest.mark.parametrize("asked", [None, "", 42, {"id": "x"}, ["a"], "a\x00b", "x" * 300])
async def test_an_unusable_session_id_gets_a_new_one(socketio_server, asked: Any) -> None:
    tab = await Client().connect(socketio_server.url)
    session_id = await tab.start_session(asked)
    assert messages.is_valid_sender(session_id) and session_id != asked
    await tab.sio.disconnect()


@pytest.mark.asyncio
async def test_a_session_request_without_data_is_confirmed(socketio_server) -> None:
    tab = await Client().connect(socketio_server.url)
    await tab.sio.emit("session_request")
    assert messages.is_valid_sender(await asyncio.wait_for(tab.confirmed.get(), WAIT))
    await tab.sio.disconnect()


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "data",
    [
        {},
        {"message": None},
        {"message": 42},
        {"message": ["bonjour"]},
        {"message": ""},
        {"message": "   \n"},
        {"message": "//"},
    ],
)
async def test_a_missing_null_non_string_or_empty_message_gets_a_french_answer(
    socketio_server, client, data: dict
) -> None:
    await client.send({**data, "session_id": client.session_id})
    assert (await client.next()) == {"text": messages.UNREADABLE}
    assert socketio_server.agent.received == []
    await client.say("bonjour")  # the conversation goes on
    assert (await client.next())["text"] == socketio_server.agent.answer


@pytest.mark.asyncio
@pytest.mark.parametrize("args", [("du texte",), (None,), (42,), (["a", "b"],), ({"message": "a"}, "en trop")])
async def test_event_data_that_is_not_an_object_gets_a_french_answer(socketio_server, client, args: tuple) -> None:
    await client.send(*args)
    assert (await client.next())["text"] in {messages.UNREADABLE, messages.NO_SESSION}
    assert socketio_server.agent.received == []


@pytest.mark.asyncio
async def test_an_event_without_any_data_gets_a_french_answer(socketio_server, client) -> None:
    await client.sio.emit("user_uttered")
    assert (await client.next()) == {"text": messages.UNREADABLE}


@pytest.mark.asyncio
async def test_a_message_without_session_id_is_answered_not_dropped(socketio_server, client) -> None:
    await client.send({"message": "bonjour"})
    assert (await client.next()) == {"text": messages.NO_SESSION}
    assert socketio_server.agent.received == []


@pytest.mark.asyncio
async def test_a_20_kb_text_is_cut_and_the_answer_says_so(socketio_server, client) -> None:
    text = "Je cherche un logement à Calais. " * 620
    await client.say(text)
    assert (await client.next()) == {"text": messages.TRUNCATED_NOTICE}
    assert (await client.next())["text"] == socketio_server.agent.answer
    [received] = socketio_server.agent.received
    assert 0 < len(received.text) <= messages.MAX_TEXT_LENGTH and text.startswith(received.text)


@pytest.mark.asyncio
@pytest.mark.parametrize("text", ["<img src=x onerror=alert(1)>", "🏠🙂", "Ich suche eine Wohnung"])
async def test_html_emoji_and_other_languages_go_to_rasa_as_text(socketio_server, client, text: str) -> None:
    await client.say(text)
    assert (await client.next())["text"] == socketio_server.agent.answer
    assert [message.text for message in socketio_server.agent.received] == [text]


@pytest.mark.asyncio
@pytest.mark.parametrize("metadata", ["{\"button\": true}", "pas du json", 3, ["x"]])
async def test_metadata_that_is_not_an_object_is_ignored(socketio_server, client, metadata: Any) -> None:
    await client.say("oui", metadata=metadata)
    await client.next()
    assert [message.metadata for message in socketio_server.agent.received] == [{}]


@pytest.mark.asyncio
async def test_a_restart_typed_by_hand_is_plain_text(socketio_server, client) -> None:
    await client.say("/restart")
    await client.next()
    assert [message.text for message in socketio_server.agent.received] == ["restart"]


@pytest.mark.asyncio
async def test_an_offered_payload_goes_to_rasa_as_is(socketio_server, client) -> None:
    offered = BotUttered("Vous êtes ?", {"buttons": [{"title": "Un jeune", "payload": ROLE_PAYLOAD}]})
    tracker = DialogueStateTracker.from_events(client.session_id, [ActionExecuted("action_listen"), offered])
    await socketio_server.agent.tracker_store.save(tracker)
    await client.say(ROLE_PAYLOAD, metadata={"button": True})
    await client.next()
    await client.say('/inform{"role":"structure"}')
    await client.next()
    assert [message.text for message in socketio_server.agent.received] == [
        ROLE_PAYLOAD,
        'inform{"role":"structure"}',
    ]


@pytest.mark.asyncio
async def test_a_failure_gets_a_french_apology_and_no_user_text_in_the_logs(socketio_server, client, caplog) -> None:
    socketio_server.agent.fail = True
    caplog.set_level(logging.DEBUG)
    await client.say("Je m'appelle Camille Durand-Secret")
    assert (await client.next()) == {"text": messages.APOLOGY}
    assert "RuntimeError" in caplog.text
    assert "Durand-Secret" not in caplog.text
    socketio_server.agent.fail = False
    await client.say("bonjour")
    assert (await client.next())["text"] == socketio_server.agent.answer


@pytest.mark.asyncio
async def test_the_output_channel_is_available_to_rasa(socketio_server) -> None:
    [channel] = socketio_server.app.ctx.input_channels
    assert channel.get_output_channel() is not None


def test_credentials_yml_loads_our_two_channels() -> None:
    from rasa.core.run import create_http_input_channels  # slow import: only for this test

    channels = create_http_input_channels(None, str(ROOT / "credentials.yml"))
    by_type = {type(channel): channel for channel in channels}
    assert set(by_type) == {RestInput, SocketIOInput}
    socket_channel = by_type[SocketIOInput]
    assert socket_channel.session_persistence is True
    assert (socket_channel.user_message_evt, socket_channel.bot_message_evt) == ("user_uttered", "bot_uttered")
    assert {channel.name() for channel in channels} == {"rest", "socketio"}


@pytest.mark.asyncio
async def test_the_websocket_transport_carries_the_conversation(socketio_server) -> None:
    """What the widget's socket.io client does over a websocket, packet by packet (Engine.IO 4)."""
    url = socketio_server.url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
    async with websockets.connect(url) as websocket:

        async def receive() -> str:
            while True:
                packet = await asyncio.wait_for(websocket.recv(), WAIT)
                if packet != "2":  # a ping
                    return packet
                await websocket.send("3")

        assert (await receive()).startswith("0{")  # Engine.IO open
        await websocket.send("40")  # Socket.IO connect
        assert (await receive()).startswith("40")
        await websocket.send('42["session_request",{"session_id":"session-ws"}]')
        assert await receive() == '42["session_confirm","session-ws"]'
        await websocket.send('42["user_uttered",{"message":"/restart","session_id":"session-ws"}]')
        event, answer = json.loads((await receive())[2:])
        assert (event, answer["text"]) == ("bot_uttered", socketio_server.agent.answer)
    assert [message.text for message in socketio_server.agent.received] == ["restart"]
