"""The socket.io channel mounted as Rasa mounts it, on a real Sanic server, with a real client.

Clients send an `Origin` header as a browser does (the channel refuses a socket without one).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
import pytest_asyncio
import socketio
import websockets
from channel_support import hang_up
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.paths import ROOT
from rasa_ext.channels import messages
from rasa_ext.channels.rest import RestInput
from rasa_ext.channels.sessions import SessionSigner
from rasa_ext.channels.socketio import (
    INVALID_MISSED,
    MAX_MISSED,
    MISSED_BURST,
    ORIGIN_REFUSED,
    SESSION_REFUSED,
    TOO_MANY_MISSED,
    Allowance,
    SocketIOInput,
)

ROLE_PAYLOAD = '/inform{"role":"jeune"}'
WAIT = 20  # seconds: a safety net against a hang, not a performance assertion
ORIGIN = "http://localhost:8080"
OTHER_ORIGIN = "https://cap-jeunes.example.org"
UNREADABLE = {"text": messages.UNREADABLE, "notice": True}
NO_SESSION = {"text": messages.NO_SESSION, "notice": True}


@pytest.fixture(autouse=True)
def allowed_origins(monkeypatch: pytest.MonkeyPatch) -> None:
    """Known origins whatever the developer's environment (read when the channel is built)."""
    monkeypatch.setenv("ALLOWED_ORIGINS", f"{ORIGIN}, {OTHER_ORIGIN}")
    monkeypatch.delenv("CJ62_SESSION_SECRET", raising=False)


class Client:
    """A socket.io client like the widget: asks for a session, then sends `user_uttered`."""

    def __init__(self) -> None:
        self.sio = socketio.AsyncClient(reconnection=False)
        self.uttered: asyncio.Queue[Any] = asyncio.Queue()
        self.confirmed: asyncio.Queue[Any] = asyncio.Queue()
        self.refused: asyncio.Queue[Any] = asyncio.Queue()
        self.connect_errors: list[Any] = []
        self.sio.on("bot_uttered", self.uttered.put_nowait)
        self.sio.on("session_confirm", self.confirmed.put_nowait)
        self.sio.on("session_refused", self.refused.put_nowait)
        self.sio.on("connect_error", self.connect_errors.append)
        self.token: str | None = None

    @property
    def session_id(self) -> str:
        """The conversation id: the token's first part."""
        assert self.token is not None
        return self.token.split(".")[0]

    async def connect(self, url: str, origin: str | None = ORIGIN) -> Client:
        # Long polling: python-engineio 4.15's websocket client needs aiohttp >= 3.10 (Rasa pins 3.9).
        # The server's websocket transport is tested on its own below.
        headers = {"Origin": origin} if origin is not None else {}
        await self.sio.connect(url, headers=headers, socketio_path="socket.io", transports=["polling"],
                               wait_timeout=WAIT)
        return self

    async def start_session(self, token: Any = None) -> str:
        await self.sio.emit("session_request", {"session_id": token})
        self.token = await asyncio.wait_for(self.confirmed.get(), WAIT)
        return self.token

    async def refused_session(self, *data: Any) -> dict[str, Any]:
        await self.sio.emit("session_request", data[0] if len(data) == 1 else data)
        return await asyncio.wait_for(self.refused.get(), WAIT)

    async def send(self, *args: Any) -> None:
        await self.sio.emit("user_uttered", args[0] if len(args) == 1 else args)

    async def say(self, message: Any, **extra: Any) -> None:
        await self.send({"message": message, **extra})

    async def next(self) -> dict[str, Any]:
        return await asyncio.wait_for(self.uttered.get(), WAIT)

    async def missed(self, data: Any = None) -> dict[str, Any]:
        return await self.sio.call("missed_messages", data, timeout=WAIT)

    async def close(self) -> None:
        await hang_up(self.sio)


@pytest_asyncio.fixture
async def client(socketio_server) -> AsyncIterator[Client]:
    connected = await Client().connect(socketio_server.url)
    await connected.start_session()
    yield connected
    await connected.close()


async def save_bot_messages(server, session_id: str, *texts: str, **data: Any) -> list[BotUttered]:
    said = [BotUttered(text, dict(data)) for text in texts]
    events = [ActionExecuted("action_listen"), UserUttered("bonjour"), *said]
    await server.agent.tracker_store.save(DialogueStateTracker.from_events(session_id, events))
    return said


# --- the conversation -------------------------------------------------------------------------------


async def test_a_message_gets_rasas_answer_with_its_buttons(socketio_server, client) -> None:
    await client.say("je cherche un logement", metadata={"button": False})
    answer = await client.next()
    assert answer["text"] == socketio_server.agent.answer
    assert "notice" not in answer
    offered = [button["payload"] for button in socketio_server.agent.buttons]
    assert [reply["payload"] for reply in answer["quick_replies"]] == offered
    [received] = socketio_server.agent.received
    assert (received.text, received.sender_id, received.input_channel) == (
        "je cherche un logement",
        client.session_id,
        "socketio",
    )
    assert received.metadata == {"button": False}


async def test_a_text_with_blank_lines_is_one_event_not_several(socketio_server, client) -> None:
    socketio_server.agent.answer = "Premier paragraphe.\n\nSecond paragraphe."
    await client.say("bonjour")
    assert (await client.next())["text"] == "Premier paragraphe.\n\nSecond paragraphe."
    await client.say("encore")
    assert (await client.next())["text"] == "Premier paragraphe.\n\nSecond paragraphe."


# --- sessions ---------------------------------------------------------------------------------------


async def test_the_server_issues_a_signed_128_bit_session_id(socketio_server, client) -> None:
    session_id, signature = client.token.split(".")
    assert len(session_id) == 32 and int(session_id, 16) >= 0
    assert len(signature) == 43
    [channel] = socketio_server.app.ctx.input_channels
    assert channel.signer.verify(client.token).session_id == session_id


@pytest.mark.parametrize("data", [None, {}, {"session_id": None}, {"session_id": ""}])
async def test_a_request_without_a_session_id_gets_a_new_one(socketio_server, data: Any) -> None:
    tab = await Client().connect(socketio_server.url)
    if data is None:
        await tab.sio.emit("session_request")
    else:
        await tab.sio.emit("session_request", data)
    token = await asyncio.wait_for(tab.confirmed.get(), WAIT)
    [channel] = socketio_server.app.ctx.input_channels
    assert channel.signer.verify(token) is not None
    await tab.close()


async def test_an_issued_token_resumes_the_conversation_from_a_new_socket(socketio_server, client) -> None:
    """A reconnection (or a second socket of the same tab) sends the token back and joins the room."""
    again = await Client().connect(socketio_server.url)
    assert await again.start_session(client.token) == client.token
    await client.say("bonjour")
    assert (await client.next())["text"] == socketio_server.agent.answer
    assert (await again.next())["text"] == socketio_server.agent.answer
    await again.say("et ensuite ?")
    await client.next(), await again.next()
    assert [message.sender_id for message in socketio_server.agent.received] == [client.session_id] * 2
    await again.close()


def forged_tokens() -> list[tuple[str, Any]]:
    signer, other = SessionSigner([b"k" * 32]), SessionSigner([b"une autre cle, un autre serveur"])
    good = signer.issue()
    flipped = good.token[:-1] + ("A" if good.token[-1] != "A" else "B")
    return [
        ("an id the client chose", "session-de-test-1"),
        ("a bare 128-bit id without signature", "0123456789abcdef0123456789abcdef"),
        ("a token signed by another server", other.issue().token),
        ("a token with a flipped signature character", flipped),
        ("an id with another id's signature", SessionSigner([b"x" * 32]).issue().session_id + "." + good.token[33:]),
        ("an upper-case id", good.token[:32].upper() + good.token[32:]),
        ("a number", 42),
        ("an object", {"id": "x"}),
        ("a list", ["a"]),
        ("a control character", "a\x00b"),
        ("a very long text", "x" * 20_000),
        ("a blank", "   "),
    ]


@pytest.mark.parametrize("asked", [value for _, value in forged_tokens()], ids=[name for name, _ in forged_tokens()])
async def test_a_foreign_forged_or_malformed_session_id_is_refused(socketio_server, asked: Any) -> None:
    tab = await Client().connect(socketio_server.url)
    refusal = await tab.refused_session({"session_id": asked})
    assert refusal == {"reason": "invalid_session", "message": SESSION_REFUSED}
    assert tab.confirmed.empty()
    await tab.say("bonjour", session_id=asked)  # no message accepted from that socket
    assert (await tab.next()) == NO_SESSION
    assert socketio_server.agent.received == []
    assert (await tab.missed({"since": 0}))["error"] == "no_session"
    await tab.start_session()  # the widget then starts a new conversation
    await tab.say("bonjour")
    assert (await tab.next())["text"] == socketio_server.agent.answer
    await tab.close()


@pytest.mark.parametrize("args", [("du texte",), (42,), (["a"],), ({"session_id": None}, "en trop")])
async def test_session_request_data_that_is_not_an_object_is_refused(socketio_server, args: tuple) -> None:
    tab = await Client().connect(socketio_server.url)
    assert (await tab.refused_session(*args))["reason"] == "invalid_request"
    await tab.say("bonjour")
    assert (await tab.next()) == NO_SESSION
    await tab.close()


async def test_a_refused_request_ends_the_session_the_socket_had(socketio_server, client) -> None:
    await client.refused_session({"session_id": "session-de-test-1"})
    await client.say("bonjour")
    assert (await client.next()) == NO_SESSION
    assert socketio_server.agent.received == []


async def test_a_socket_without_session_request_cannot_post(socketio_server) -> None:
    tab = await Client().connect(socketio_server.url)
    await tab.say("bonjour", session_id="0123456789abcdef0123456789abcdef")
    assert (await tab.next()) == NO_SESSION
    assert socketio_server.agent.received == []
    await tab.close()


async def test_a_second_client_cannot_read_or_post_into_another_conversation(socketio_server, client) -> None:
    """The stock channel lets anyone join a room by naming its session id: ours does not."""
    intruder = await Client().connect(socketio_server.url)
    for stolen_name in (client.session_id, client.session_id + ".", client.session_id + ".x" * 21):
        assert (await intruder.refused_session({"session_id": stolen_name}))["reason"] == "invalid_session"
    await intruder.start_session()
    assert intruder.session_id != client.session_id
    # A message naming the other conversation goes to the intruder's own conversation.
    for named in (client.session_id, client.token):
        await intruder.say("je lis la conversation d'un autre", session_id=named)
        assert (await intruder.next())["text"] == socketio_server.agent.answer
    assert {message.sender_id for message in socketio_server.agent.received} == {intruder.session_id}
    # What the other conversation says never reaches the intruder.
    await client.say("mon adresse est secrète")
    assert (await client.next())["text"] == socketio_server.agent.answer
    await save_bot_messages(socketio_server, client.session_id, "Votre rendez-vous est mardi.")
    assert (await client.missed({"since": 0}))["messages"][0]["text"] == "Votre rendez-vous est mardi."
    missed = await intruder.missed({"since": 0, "session_id": client.session_id})
    assert missed == {"since": 0, "next": 0, "messages": []}
    await intruder.say("encore")
    await intruder.next()
    assert intruder.uttered.empty() and client.uttered.empty()
    await intruder.close()


async def test_a_new_session_on_the_same_socket_leaves_the_old_room(socketio_server, client) -> None:
    """What the widget does on « Effacer la conversation »."""
    old = client.session_id
    other = await Client().connect(socketio_server.url)
    await other.start_session(client.token)
    await client.start_session()
    assert client.session_id != old
    await other.say("bonjour")
    assert (await other.next())["text"] == socketio_server.agent.answer
    await client.say("nouvelle conversation")
    assert (await client.next())["text"] == socketio_server.agent.answer
    assert client.uttered.empty()  # the old conversation's answer never came
    assert [message.sender_id for message in socketio_server.agent.received] == [old, client.session_id]
    await other.close()


# --- origins ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "origin", ["https://evil.example", "http://localhost:8081", "https://localhost:8080", "null", "", None]
)
async def test_a_foreign_or_missing_origin_is_refused(socketio_server, origin: str | None) -> None:
    tab = Client()
    with pytest.raises(socketio.exceptions.ConnectionError):
        await tab.connect(socketio_server.url, origin=origin)
    assert not tab.sio.connected


async def test_a_missing_origin_gets_a_french_reason(socketio_server) -> None:
    tab = Client()
    with pytest.raises(socketio.exceptions.ConnectionError):
        await tab.connect(socketio_server.url, origin=None)
    assert [error["message"] for error in tab.connect_errors] == [ORIGIN_REFUSED]
    assert not tab.sio.eio.state == "connected"  # the server closed the refused socket's transport too


@pytest.mark.parametrize("origin", [OTHER_ORIGIN, "https://CAP-JEUNES.example.org:443", "http://localhost:8080/"])
async def test_an_allowed_origin_is_compared_on_scheme_host_and_port(socketio_server, origin: str) -> None:
    tab = await Client().connect(socketio_server.url, origin=origin)
    await tab.start_session()
    await tab.close()


async def test_long_polling_answers_cors_for_an_allowed_origin_only(socketio_server) -> None:
    url = f"{socketio_server.url}/socket.io/?EIO=4&transport=polling"
    async with aiohttp.ClientSession() as http:
        async with http.get(url, headers={"Origin": ORIGIN}) as allowed:
            assert allowed.status == 200
            assert allowed.headers.getall("Access-Control-Allow-Origin") == [ORIGIN]
        async with http.get(url, headers={"Origin": "https://evil.example"}) as foreign:
            assert foreign.status == 400
            assert "Access-Control-Allow-Origin" not in foreign.headers


@pytest_asyncio.fixture
async def served_with_rasa_cors() -> AsyncIterator[str]:
    """The channel on an app with Rasa's CORS configured, as `rasa run --cors …` does (scripts/run_dev.sh)."""
    import socket
    import uuid

    from rasa.core.channels.channel import register
    from rasa.server import configure_cors
    from sanic import Sanic

    Sanic.test_mode = True
    app = Sanic(f"test_{uuid.uuid4().hex}", configure_logging=False)
    configure_cors(app, [ORIGIN, OTHER_ORIGIN])
    register([SocketIOInput.from_credentials({"session_persistence": True})], app, route="/webhooks/")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = await app.create_server(host="127.0.0.1", port=port, return_asyncio_server=True, access_log=False)
    await server.startup()
    await server.before_start()
    await server.after_start()
    yield f"http://127.0.0.1:{port}"
    await server.before_stop()
    closing = server.close()
    if closing is not None:
        await asyncio.wait_for(closing, timeout=10)
    await server.after_stop()


async def test_with_rasas_cors_the_socket_path_gets_one_cors_header(served_with_rasa_cors) -> None:
    """Sanic-CORS would add a second Access-Control-Allow-Origin, which browsers reject."""
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{served_with_rasa_cors}/socket.io/?EIO=4&transport=polling",
                            headers={"Origin": ORIGIN}) as allowed:
            assert allowed.status == 200
            assert allowed.headers.getall("Access-Control-Allow-Origin") == [ORIGIN]
        async with http.get(f"{served_with_rasa_cors}/socket.io/?EIO=4&transport=polling",
                            headers={"Origin": "https://evil.example"}) as foreign:
            assert foreign.status == 400
            assert "Access-Control-Allow-Origin" not in foreign.headers


# --- malformed events -------------------------------------------------------------------------------


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
    await client.send(data)
    assert (await client.next()) == UNREADABLE
    assert socketio_server.agent.received == []
    await client.say("bonjour")  # the conversation goes on
    assert (await client.next())["text"] == socketio_server.agent.answer


@pytest.mark.parametrize("args", [("du texte",), (None,), (42,), (["a", "b"],), ({"message": "a"}, "en trop")])
async def test_event_data_that_is_not_an_object_gets_a_french_answer(socketio_server, client, args: tuple) -> None:
    await client.send(*args)
    assert (await client.next()) == UNREADABLE
    assert socketio_server.agent.received == []
    await client.say("bonjour")
    assert (await client.next())["text"] == socketio_server.agent.answer


async def test_an_event_without_any_data_gets_a_french_answer(socketio_server, client) -> None:
    await client.sio.emit("user_uttered")
    assert (await client.next()) == UNREADABLE


async def test_a_20_kb_text_is_cut_and_the_answer_says_so(socketio_server, client) -> None:
    text = "Je cherche un logement à Calais. " * 620
    await client.say(text)
    assert (await client.next()) == {"text": messages.TRUNCATED_NOTICE, "notice": True}
    assert (await client.next())["text"] == socketio_server.agent.answer
    [received] = socketio_server.agent.received
    head, tail = received.text.split(messages.ELLIPSIS)
    assert 0 < len(received.text) <= messages.MAX_TEXT_LENGTH and text.startswith(head) and text.strip().endswith(tail)


async def test_malformed_events_in_a_burst_leave_the_conversation_usable(socketio_server, client) -> None:
    for data in ({"message": None}, None, "x" * 20_000, {"message": {"nested": ["x"] * 1000}}, [1, 2]):
        await client.send(data)
    await client.sio.emit("session_request", "n'importe quoi")  # refused: the socket loses its session
    await client.refused.get()
    await client.start_session(client.token)  # and resumes it with its token
    await client.say("bonjour")
    answers = [await client.next() for _ in range(6)]
    assert answers[:5] == [UNREADABLE] * 5
    assert answers[5]["text"] == socketio_server.agent.answer


@pytest.mark.parametrize("text", ["<img src=x onerror=alert(1)>", "🏠🙂", "Ich suche eine Wohnung"])
async def test_html_emoji_and_other_languages_go_to_rasa_as_text(socketio_server, client, text: str) -> None:
    await client.say(text)
    assert (await client.next())["text"] == socketio_server.agent.answer
    assert [message.text for message in socketio_server.agent.received] == [text]


@pytest.mark.parametrize("metadata", ["{\"button\": true}", "pas du json", 3, ["x"]])
async def test_metadata_that_is_not_an_object_is_ignored(socketio_server, client, metadata: Any) -> None:
    await client.say("oui", metadata=metadata)
    await client.next()
    assert [message.metadata for message in socketio_server.agent.received] == [{}]


async def test_a_restart_typed_by_hand_is_plain_text(socketio_server, client) -> None:
    await client.say("/restart")
    await client.next()
    assert [message.text for message in socketio_server.agent.received] == ["restart"]


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


async def test_a_failure_gets_a_french_apology_and_no_user_text_in_the_logs(socketio_server, client, caplog) -> None:
    socketio_server.agent.fail = True
    caplog.set_level(logging.DEBUG)
    await client.say("Je m'appelle Camille Durand-Secret")
    assert (await client.next()) == {"text": messages.APOLOGY, "notice": True}
    assert "RuntimeError" in caplog.text
    assert "Durand-Secret" not in caplog.text
    assert client.token not in caplog.text
    socketio_server.agent.fail = False
    await client.say("bonjour")
    assert (await client.next())["text"] == socketio_server.agent.answer


# --- missed messages ----------------------------------------------------------------------------------


async def test_missed_messages_come_from_the_tracker_from_the_index_asked(socketio_server, client) -> None:
    await save_bot_messages(socketio_server, client.session_id, "Un.", "Deux.", "Trois.")
    everything = await client.missed({"since": 0})
    assert everything == {
        "since": 0,
        "next": 3,
        "messages": [{"index": 0, "text": "Un."}, {"index": 1, "text": "Deux."}, {"index": 2, "text": "Trois."}],
    }
    assert (await client.missed({"since": 2}))["messages"] == [{"index": 2, "text": "Trois."}]
    assert await client.missed({"since": 3}) == {"since": 3, "next": 3, "messages": []}
    assert await client.missed({"since": 10}) == {"since": 10, "next": 3, "messages": []}


async def test_missed_messages_are_what_the_widget_received_live(socketio_server, client) -> None:
    """Index i of the tracker's messages is the i-th message sent live: same content, same count."""
    buttons = [{"title": "Oui", "payload": "/affirm"}, {"title": "Non", "payload": "/deny"}]
    said = [
        BotUttered("Avec des boutons.", {"buttons": buttons}),
        BotUttered("Paragraphe 1.\n\nParagraphe 2."),
        BotUttered(None, {"custom": {"cj62_erase": True}}),  # the erasure marker: never shown
        BotUttered(None, {"custom": {"type": "carte"}}),
        BotUttered("", {}),  # nothing to show
        BotUttered("Une image.", {"image": "https://example.org/a.png"}),
    ]
    events = [ActionExecuted("action_listen"), UserUttered("bonjour"), *said]
    await socketio_server.agent.tracker_store.save(DialogueStateTracker.from_events(client.session_id, events))
    [channel] = socketio_server.app.ctx.input_channels
    output = channel.get_output_channel()
    for event in said:
        if event.data.get("custom", {}).get("cj62_erase"):
            continue  # process_then_erase swallows it before the output channel
        await output.send_response(client.session_id, event.message())
    live = [await client.next() for _ in range(4)]
    missed = (await client.missed({"since": 0}))["messages"]
    assert client.uttered.empty()
    assert [{key: value for key, value in message.items() if key != "index"} for message in missed] == live
    assert live[0]["quick_replies"] == [
        {"content_type": "text", "title": "Oui", "payload": "/affirm"},
        {"content_type": "text", "title": "Non", "payload": "/deny"},
    ]


async def test_missed_messages_return_the_most_recent_ones_at_most(socketio_server, client) -> None:
    await save_bot_messages(socketio_server, client.session_id, *(f"Message {n}." for n in range(MAX_MISSED + 5)))
    answer = await client.missed({"since": 0})
    assert answer["next"] == MAX_MISSED + 5
    assert [message["index"] for message in answer["messages"]] == list(range(5, MAX_MISSED + 5))


@pytest.mark.parametrize("data", [None, "0", {"since": -1}, {"since": "0"}, {"since": True}, {"since": 1.5}, {}])
async def test_a_malformed_missed_messages_request_gets_a_french_error(socketio_server, client, data: Any) -> None:
    assert await client.missed(data) == {"error": "invalid_request", "message": INVALID_MISSED}
    await client.say("bonjour")
    assert (await client.next())["text"] == socketio_server.agent.answer


async def test_missed_messages_are_limited_per_socket(socketio_server, client) -> None:
    """Issue 16: each request reads and decrypts the whole conversation; a client could loop on it."""
    await save_bot_messages(socketio_server, client.session_id, "Un.")
    answers = [await client.missed({"since": 0}) for _ in range(MISSED_BURST + 2)]
    assert all(answer["next"] == 1 for answer in answers[:MISSED_BURST])
    assert answers[-1] == {"error": "too_many", "message": TOO_MANY_MISSED}


def test_the_allowance_refills_with_time() -> None:
    now = [0.0]
    allowance = Allowance(2, 2.0, clock=lambda: now[0])
    assert [allowance.take("s") for _ in range(3)] == [True, True, False]
    now[0] += 2.0
    assert allowance.take("s") and not allowance.take("s") and allowance.take("autre")
    allowance.forget("s")
    assert allowance.take("s")


async def test_missed_messages_need_a_session(socketio_server) -> None:
    tab = await Client().connect(socketio_server.url)
    assert await tab.missed({"since": 0}) == {"error": "no_session", "message": messages.NO_SESSION}
    await tab.close()


# --- Rasa's side ----------------------------------------------------------------------------------------


async def test_the_output_channel_reaches_the_sessions_room(socketio_server, client) -> None:
    """What Rasa's HTTP API uses with `output_channel=socketio` (an adviser's message, say)."""
    [channel] = socketio_server.app.ctx.input_channels
    output = channel.get_output_channel()
    await output.send_response(client.session_id, {"text": "Une conseillère vous répond.", "custom": None})
    assert (await client.next()) == {"text": "Une conseillère vous répond."}


def test_credentials_yml_loads_our_channels() -> None:
    from rasa.core.run import create_http_input_channels  # slow import: only for this test

    from rasa_ext.channels.health import HealthInput
    from rasa_ext.channels.meta import MetaInput

    channels = create_http_input_channels(None, str(ROOT / "credentials.yml"))
    by_type = {type(channel): channel for channel in channels}
    assert set(by_type) == {RestInput, SocketIOInput, MetaInput, HealthInput}
    socket_channel = by_type[SocketIOInput]
    assert socket_channel.session_persistence is True
    assert (socket_channel.user_message_evt, socket_channel.bot_message_evt) == ("user_uttered", "bot_uttered")
    assert {channel.name() for channel in channels} == {"rest", "socketio", "facebook", "health"}


class WebSocket:
    """The widget's socket.io client over a websocket, packet by packet (Engine.IO 4)."""

    def __init__(self, websocket: Any) -> None:
        self.websocket = websocket

    async def receive(self) -> str:
        while True:
            packet = await asyncio.wait_for(self.websocket.recv(), WAIT)
            if packet != "2":  # a ping
                return packet
            await self.websocket.send("3")

    async def emit(self, *args: Any) -> None:
        await self.websocket.send("42" + json.dumps(args))

    async def event(self) -> list[Any]:
        packet = await self.receive()
        assert packet.startswith("42"), packet
        return json.loads(packet[2:])


def websocket_url(server) -> str:
    return server.url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"


async def test_the_websocket_transport_carries_the_conversation(socketio_server) -> None:
    async with websockets.connect(websocket_url(socketio_server), origin=ORIGIN) as connection:
        websocket = WebSocket(connection)
        assert (await websocket.receive()).startswith("0{")  # Engine.IO open
        await connection.send("40")  # Socket.IO connect
        assert (await websocket.receive()).startswith("40")
        await websocket.emit("session_request", {"session_id": "session-ws"})
        assert await websocket.event() == ["session_refused", {"reason": "invalid_session", "message": SESSION_REFUSED}]
        await websocket.emit("session_request", {"session_id": None})
        event, token = await websocket.event()
        assert event == "session_confirm"
        await websocket.emit("user_uttered", {"message": "/restart", "session_id": "session-ws"})
        event, answer = await websocket.event()
        assert (event, answer["text"]) == ("bot_uttered", socketio_server.agent.answer)
    assert [(message.text, message.sender_id) for message in socketio_server.agent.received] == [
        ("restart", token.split(".")[0])
    ]


@pytest.mark.parametrize("origin", ["https://evil.example", None])
async def test_the_websocket_transport_refuses_a_foreign_or_missing_origin(socketio_server, origin) -> None:
    try:
        async with websockets.connect(websocket_url(socketio_server), origin=origin) as connection:
            # Engine.io accepts a websocket without Origin; the Socket.IO connect is then refused.
            websocket = WebSocket(connection)
            assert (await websocket.receive()).startswith("0{")
            await connection.send("40")
            refusal = await websocket.receive()
            assert refusal.startswith("44") and json.loads(refusal[2:])["message"] == ORIGIN_REFUSED
    except websockets.exceptions.InvalidStatusCode as error:
        assert origin is not None and error.status_code == 400


# --- across replicas ------------------------------------------------------------------------------


@pytest_asyncio.fixture
async def two_socketio_replicas(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[tuple]:
    """Two socket.io channels (two replicas) sharing the real Redis under a fresh prefix."""
    from channel_support import serve
    from shared_stores import REDIS_URL, key_prefix, require_redis

    require_redis("test entre répliques non lancé")
    monkeypatch.setenv("REDIS_URL", REDIS_URL)
    monkeypatch.setenv("CJ62_REDIS_PREFIX", key_prefix())
    credentials = {"user_message_evt": "user_uttered", "bot_message_evt": "bot_uttered", "session_persistence": True}
    async for a in serve(SocketIOInput.from_credentials(credentials)):
        async for b in serve(SocketIOInput.from_credentials(credentials)):
            yield a, b


async def test_an_emit_from_one_replica_reaches_a_browser_connected_to_the_other(two_socketio_replicas) -> None:
    a, b = two_socketio_replicas
    browser = await Client().connect(a.url)
    try:
        await browser.start_session()
        await asyncio.sleep(0.5)  # the Redis manager subscribes in the background
        [channel_b] = b.app.ctx.input_channels
        await channel_b.get_output_channel().send_response(browser.session_id, {"text": "Une conseillère vous répond."})
        assert (await browser.next()) == {"text": "Une conseillère vous répond."}
    finally:
        await browser.close()
