"""Test support for the Messenger / Instagram channel: a fake Graph API on loopback, a fake agent,
realistic webhook payloads, signing, a movable clock and a real Sanic server for the channel."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import hmac
import json
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web
from channel_support import serve
from rasa.core.channels.channel import UserMessage
from rasa.core.lock_store import InMemoryLockStore
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sanic import Sanic

from rasa_ext.channels.meta import MetaInput
from rasa_ext.channels.meta_send import MetaConfig

APP_SECRET = "secret-d-application-de-test"
VERIFY_TOKEN = "jeton-de-verification-de-test"
PAGE_TOKEN = "EAAG-jeton-de-page-de-test"
PAGE_ID = "104857600000001"
IG_ACCOUNT_ID = "17841400000000001"
START = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.timezone.utc)


# --- the clock ----------------------------------------------------------------------------------

@dataclass
class Clock:
    now: dt.datetime = START

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


# --- the fake Graph API -----------------------------------------------------------------------

@dataclass
class GraphCall:
    query: dict[str, str]
    body: dict[str, Any]

    @property
    def recipient(self) -> str:
        return self.body["recipient"]["id"]

    @property
    def message(self) -> dict[str, Any] | None:
        return self.body.get("message")


@dataclass
class FakeGraph:
    """`POST /v19.0/me/messages` answered like Meta's Send API; every call is kept."""

    calls: list[GraphCall] = field(default_factory=list)
    status: int = 200
    url: str = ""
    _runner: web.AppRunner | None = None
    _changed: asyncio.Event = field(default_factory=asyncio.Event)

    async def _messages(self, request: web.Request) -> web.Response:
        self.calls.append(GraphCall(dict(request.query), await request.json()))
        self._changed.set()
        if self.status != 200:
            return web.json_response({"error": {"message": "(#100) test", "type": "OAuthException", "code": 100}},
                                     status=self.status)
        return web.json_response({"recipient_id": "x", "message_id": f"m_{uuid.uuid4().hex}"})

    async def start(self) -> FakeGraph:
        app = web.Application()
        app.router.add_post("/v19.0/me/messages", self._messages)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}/v19.0"
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def messages(self, recipient: str | None = None) -> list[dict[str, Any]]:
        """Full Send API bodies of messages (not sender actions), optionally for one recipient."""
        return [c.body for c in self.calls if c.message is not None and (recipient is None or c.recipient == recipient)]

    def texts(self, recipient: str | None = None) -> list[str]:
        return [b["message"]["text"] for b in self.messages(recipient) if "text" in b["message"]]

    def actions(self, recipient: str | None = None) -> list[str]:
        return [c.body["sender_action"] for c in self.calls
                if "sender_action" in c.body and (recipient is None or c.recipient == recipient)]

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 10.0) -> None:
        """Until `predicate()` holds after some call (no fixed sleep)."""
        async def loop() -> None:
            while not predicate():
                self._changed.clear()
                await self._changed.wait()

        await asyncio.wait_for(loop(), timeout)


# --- the fake agent -----------------------------------------------------------------------------

Answer = Callable[[UserMessage], list[dict[str, Any]]]

BUTTONS = [
    {"title": "Un logement", "payload": "/chercher_logement"},
    {"title": "Un accompagnement vers l'emploi", "payload": "/chercher_accompagnement"},
]


def default_answer(message: UserMessage) -> list[dict[str, Any]]:
    return [{"text": "Bonjour ! Que cherchez-vous ?", "buttons": list(BUTTONS)}]


@dataclass
class MetaAgent:
    """What the channel uses of Rasa's Agent. `handle_message` takes the conversation's lock as
    Rasa does, records the message, may wait on `gate`, then utters `answer(message)` through the
    message's output channel and writes the turn to the tracker store (so the slash rule sees
    the buttons offered)."""

    tracker_store: InMemoryTrackerStore = field(default_factory=lambda: InMemoryTrackerStore(Domain.empty()))
    lock_store: InMemoryLockStore = field(default_factory=InMemoryLockStore)
    received: list[UserMessage] = field(default_factory=list)
    answer: Answer = default_answer
    gate: asyncio.Event | None = None
    started: asyncio.Event = field(default_factory=asyncio.Event)
    fail: bool = False
    _changed: asyncio.Event = field(default_factory=asyncio.Event)

    async def handle_message(self, message: UserMessage) -> None:
        async with self.lock_store.lock(message.sender_id):
            self.received.append(message)
            self.started.set()
            self._changed.set()
            if self.gate is not None:
                await self.gate.wait()
            if self.fail:
                raise RuntimeError(f"échec en traitant {message.text!r}")
            tracker = await self.tracker_store.get_or_create_tracker(message.sender_id)
            tracker.update(UserUttered(message.text, input_channel=message.input_channel))
            for answer in self.answer(message):
                tracker.update(BotUttered(answer.get("text"), data={k: v for k, v in answer.items() if k != "text"}))
                await message.output_channel.send_response(message.sender_id, answer)
            await self.tracker_store.save(tracker)

    def texts(self) -> list[str]:
        return [m.text for m in self.received]

    async def wait_for(self, count: int, timeout: float = 10.0) -> None:
        async def loop() -> None:
            while len(self.received) < count:
                self._changed.clear()
                await self._changed.wait()

        await asyncio.wait_for(loop(), timeout)

    async def tracker(self, sender_id: str) -> DialogueStateTracker | None:
        return await self.tracker_store.retrieve(sender_id)


# --- webhook payloads (as Meta sends them) ----------------------------------------------------

_counter = 0


def _mid() -> str:
    global _counter
    _counter += 1
    return f"m_{uuid.uuid4().hex}{_counter}"


def _timestamp() -> int:
    return int(START.timestamp() * 1000)


def text_event(psid: str, text: str, mid: str | None = None, page: str = PAGE_ID) -> dict[str, Any]:
    return {"sender": {"id": psid}, "recipient": {"id": page}, "timestamp": _timestamp(),
            "message": {"mid": mid or _mid(), "text": text}}


def quick_reply_event(psid: str, title: str, payload: str, mid: str | None = None) -> dict[str, Any]:
    return {"sender": {"id": psid}, "recipient": {"id": PAGE_ID}, "timestamp": _timestamp(),
            "message": {"mid": mid or _mid(), "text": title, "quick_reply": {"payload": payload}}}


def postback_event(psid: str, title: str, payload: str, mid: str | None = None) -> dict[str, Any]:
    return {"sender": {"id": psid}, "recipient": {"id": PAGE_ID}, "timestamp": _timestamp(),
            "postback": {"title": title, "payload": payload, "mid": mid or _mid()}}


def sticker_event(psid: str) -> dict[str, Any]:
    return {"sender": {"id": psid}, "recipient": {"id": PAGE_ID}, "timestamp": _timestamp(),
            "message": {"mid": _mid(), "sticker_id": 369239263222822,
                        "attachments": [{"type": "image", "payload": {"url": "https://scontent.example/s.png",
                                                                      "sticker_id": 369239263222822}}]}}


def delivery_receipt(psid: str) -> dict[str, Any]:
    return {"sender": {"id": psid}, "recipient": {"id": PAGE_ID}, "timestamp": _timestamp(),
            "delivery": {"mids": [_mid()], "watermark": _timestamp()}}


def read_receipt(psid: str) -> dict[str, Any]:
    return {"sender": {"id": psid}, "recipient": {"id": PAGE_ID}, "timestamp": _timestamp(),
            "read": {"watermark": _timestamp()}}


def echo_event(psid: str, text: str) -> dict[str, Any]:
    return {"sender": {"id": PAGE_ID}, "recipient": {"id": psid}, "timestamp": _timestamp(),
            "message": {"is_echo": True, "app_id": 1517776481860111, "mid": _mid(), "text": text}}


def handover_event(psid: str) -> dict[str, Any]:
    return {"sender": {"id": psid}, "recipient": {"id": PAGE_ID}, "timestamp": _timestamp(),
            "pass_thread_control": {"new_owner_app_id": "123456789", "metadata": "transfert"}}


def entry(*messaging: dict[str, Any], page: str = PAGE_ID, standby: list[dict[str, Any]] | None = None,
          ) -> dict[str, Any]:
    found: dict[str, Any] = {"id": page, "time": _timestamp()}
    if messaging:
        found["messaging"] = list(messaging)
    if standby is not None:
        found["standby"] = standby
    return found


def page_delivery(*entries: dict[str, Any]) -> dict[str, Any]:
    return {"object": "page", "entry": list(entries)}


def instagram_delivery(*messaging: dict[str, Any]) -> dict[str, Any]:
    items = []
    for item in messaging:
        item = json.loads(json.dumps(item))
        item["recipient"] = {"id": IG_ACCOUNT_ID}
        items.append(item)
    return {"object": "instagram", "entry": [{"id": IG_ACCOUNT_ID, "time": _timestamp(), "messaging": items}]}


def sign(raw: bytes, secret: str = APP_SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()


# --- the server ----------------------------------------------------------------------------------

WEBHOOK = "/webhooks/meta/webhook"


def config_for(graph: FakeGraph) -> MetaConfig:
    return MetaConfig(PAGE_TOKEN, APP_SECRET, VERIFY_TOKEN, graph.url)


@dataclass
class MetaServer:
    app: Sanic
    channel: MetaInput
    agent: MetaAgent
    url: str

    async def post(self, body: Any = None, *, raw: bytes | None = None, signature: str | None | bool = True,
                   ) -> tuple[int, str]:
        data = raw if raw is not None else json.dumps(body).encode()
        headers = {"Content-Type": "application/json"}
        if signature is True:
            headers["X-Hub-Signature-256"] = sign(data)
        elif isinstance(signature, str):
            headers["X-Hub-Signature-256"] = signature
        async with aiohttp.ClientSession() as session:
            async with session.post(self.url + WEBHOOK, data=data, headers=headers) as answer:
                return answer.status, await answer.text()

    async def get(self, path: str, params: dict[str, str] | None = None) -> tuple[int, str]:
        async with aiohttp.ClientSession() as session:
            async with session.get(self.url + path, params=params) as answer:
                return answer.status, await answer.text()


@asynccontextmanager
async def serve_meta(channel: MetaInput, agent: MetaAgent | None = None) -> AsyncIterator[MetaServer]:
    """Mount `channel` as Rasa does (`register`, under /webhooks/) on a free port, with `agent`."""
    async for server in serve(channel, agent or MetaAgent()):
        yield MetaServer(server.app, channel, server.agent, server.url)
