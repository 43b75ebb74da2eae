"""The Meta channel over time: the messaging window for advisers' messages (as the back office sends
them through Rasa's `/execute?output_channel=latest`), a worker killed with events queued, and
de-duplication in Redis."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import pytest
import pytest_asyncio
from aiohttp import web
from meta_support import (
    Clock,
    FakeGraph,
    MetaAgent,
    MetaServer,
    config_for,
    entry,
    page_delivery,
    serve_meta,
    text_event,
)
from rasa.server import _get_output_channel

from bot import storage
from bot.handoff.delivery import RasaClient, deliver_message
from bot.handoff.models import DeliveryState
from bot.meta_inbox import MetaInbox
from rasa_ext.channels.meta import MetaInput
from rasa_ext.channels.meta_send import MetaOutput, WindowClosed
from rasa_ext.channels.meta_store import MetaState, RedisStore, TableStore

pytestmark = pytest.mark.asyncio

PSID = "6815842131804567"


@pytest.fixture
def inbox(tmp_path) -> Iterator[MetaInbox]:
    url = f"sqlite:///{tmp_path / 'app.db'}"
    storage.migrate(url)
    yield MetaInbox(storage.session_factory(url))
    storage.dispose_engine(url)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest_asyncio.fixture
async def graph() -> AsyncIterator[FakeGraph]:
    fake = await FakeGraph().start()
    yield fake
    await fake.stop()


def make_channel(graph: FakeGraph, inbox: MetaInbox, clock: Clock, **options: Any) -> MetaInput:
    options.setdefault("store", TableStore(inbox, clock))
    return MetaInput(config_for(graph), inbox=inbox, clock=clock, poll=0.1, **options)


async def settle(server: MetaServer, inbox: MetaInbox) -> None:
    async def loop() -> None:
        while await asyncio.to_thread(inbox.pending) or (server.channel.worker and server.channel.worker._active):
            await asyncio.sleep(0.02)

    await asyncio.wait_for(loop(), 10)


# --- the window -------------------------------------------------------------------------------------

async def test_a_reply_within_24_hours_then_human_agent_until_7_days_then_nothing(
        graph: FakeGraph, inbox: MetaInbox, clock: Clock) -> None:
    async with serve_meta(make_channel(graph, inbox, clock)) as server:
        await server.post(page_delivery(entry(text_event(PSID, "je voudrais parler à quelqu'un"))))
        await server.agent.wait_for(1)
        await settle(server, inbox)
        output = server.channel.get_output_channel()
        assert isinstance(output, MetaOutput)

        clock.advance(hours=23)
        await output.send_response(f"fb-{PSID}", {"text": "Conseillère (SLAI) : bonjour"})
        clock.advance(hours=7)  # 30 hours after the person's message
        await output.send_response(f"fb-{PSID}", {"text": "Conseillère (SLAI) : je vous rappelle demain"})
        clock.advance(days=5, hours=17)  # 6 days and 23 hours
        await output.send_response(f"fb-{PSID}", {"text": "Conseillère (SLAI) : toujours là ?"})
        sent = len(graph.calls)
        clock.advance(hours=2)  # beyond 7 days
        with pytest.raises(WindowClosed):
            await output.send_response(f"fb-{PSID}", {"text": "Conseillère (SLAI) : trop tard"})
        with pytest.raises(WindowClosed):  # nobody who never wrote
            await output.send_response("fb-1234", {"text": "Conseillère (SLAI) : bonjour"})
        assert len(graph.calls) == sent
    kinds = [(b["message"]["text"], b["messaging_type"], b.get("tag")) for b in graph.messages(PSID)][1:]
    assert kinds == [
        ("Conseillère (SLAI) : bonjour", "RESPONSE", None),
        ("Conseillère (SLAI) : je vous rappelle demain", "MESSAGE_TAG", "HUMAN_AGENT"),
        ("Conseillère (SLAI) : toujours là ?", "MESSAGE_TAG", "HUMAN_AGENT"),
    ]


@dataclass
class FakeRasaExecute:
    """Rasa's `POST /conversations/{id}/execute` reduced to what matters here: the output channel
    is found as rasa/server.py finds it (`_get_output_channel` over the app's input channels, by
    the conversation's latest input channel), the action utters `text`, and an exception is a 500
    whose body quotes it, as Rasa's `ErrorResponse` does."""

    server: MetaServer
    latest_input_channel: str
    text: str = "Conseillère (SLAI) : je vous ai trouvé un rendez-vous"
    url: str = ""
    statuses: list[int] = field(default_factory=list)
    _runner: web.AppRunner | None = None

    async def _execute(self, request: web.Request) -> web.Response:
        sanic_request = SimpleNamespace(args={"output_channel": request.query.get("output_channel")},
                                        app=self.server.app)
        tracker = SimpleNamespace(get_latest_input_channel=lambda: self.latest_input_channel)
        output = _get_output_channel(sanic_request, tracker)
        try:
            await output.send_response(request.match_info["sender_id"], {"text": self.text})
        except Exception as error:
            self.statuses.append(500)
            return web.json_response({"version": "3.6.20", "status": "failure", "reason": "ConversationError",
                                      "message": f"An unexpected error occurred. Error: {error}", "code": 500},
                                     status=500)
        self.statuses.append(200)
        return web.json_response({"tracker": {}, "messages": []})

    async def __aenter__(self) -> FakeRasaExecute:
        app = web.Application()
        app.router.add_post("/conversations/{sender_id}/execute", self._execute)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}"
        return self

    async def __aexit__(self, *_: object) -> None:
        assert self._runner is not None
        await self._runner.cleanup()


@dataclass
class Marks:
    """The part of ContactRequestRepository that `deliver_message` uses."""

    marked: list[tuple[int, str, str | None]] = field(default_factory=list)

    def pending_messages(self, sender_id: str) -> list:
        return []

    def mark_delivery(self, message_id: int, state: str, reason: str | None = None) -> SimpleNamespace:
        self.marked.append((message_id, DeliveryState(state).value, reason))
        return SimpleNamespace(id=message_id, delivery_state=DeliveryState(state), delivery_reason=reason)


@pytest.mark.parametrize(("platform", "prefix", "reason"), [
    ("facebook", "fb-", "injoignable par Messenger : appeler"),
    ("instagram", "ig-", "injoignable par Instagram : appeler"),
])
async def test_the_back_office_delivers_through_our_output_and_shows_a_closed_window(
        graph: FakeGraph, inbox: MetaInbox, clock: Clock, platform: str, prefix: str, reason: str) -> None:
    async with serve_meta(make_channel(graph, inbox, clock)) as server:
        body = page_delivery(entry(text_event(PSID, "bonjour")))
        body["object"] = "page" if platform == "facebook" else "instagram"
        await server.post(body)
        await server.agent.wait_for(1)
        await settle(server, inbox)
        assert server.agent.received[0].input_channel == platform
        async with FakeRasaExecute(server, latest_input_channel=platform) as rasa:
            client = RasaClient(rasa.url)
            marks = Marks()
            clock.advance(days=2)
            message = SimpleNamespace(id=1)
            delivered = await deliver_message(marks, client, message, f"{prefix}{PSID}", platform)
            clock.advance(days=6)
            refused = await deliver_message(marks, client, SimpleNamespace(id=2), f"{prefix}{PSID}", platform)
    assert rasa.statuses == [200, 500]
    assert delivered.delivery_state == DeliveryState.DELIVRE
    assert (refused.delivery_state, refused.delivery_reason) == (DeliveryState.NON_DELIVRE, reason)
    [adviser] = graph.messages(PSID)[1:]
    assert adviser["message"]["text"] == rasa.text and adviser["tag"] == "HUMAN_AGENT"


async def test_the_bot_taking_back_the_conversation_speaks_through_our_output(
        graph: FakeGraph, inbox: MetaInbox, clock: Clock) -> None:
    async with serve_meta(make_channel(graph, inbox, clock)) as server:
        await server.post(page_delivery(entry(text_event(PSID, "bonjour"))))
        await server.agent.wait_for(1)
        await settle(server, inbox)
        text = "C'est de nouveau l'assistant automatique. Que souhaitez-vous faire ?"
        async with FakeRasaExecute(server, latest_input_channel="facebook", text=text) as rasa:
            assert (await RasaClient(rasa.url).resume(f"fb-{PSID}")).ok
    assert graph.texts(PSID)[-1] == text


# --- a worker killed --------------------------------------------------------------------------------

async def test_an_event_queued_by_a_process_that_died_is_processed_by_the_next_one(
        graph: FakeGraph, inbox: MetaInbox, clock: Clock) -> None:
    first = make_channel(graph, inbox, clock, start_worker=False)  # killed right after answering
    async with serve_meta(first) as server:
        assert (await server.post(page_delivery(entry(text_event(PSID, "bonjour")))))[0] == 200
        assert await asyncio.to_thread(inbox.pending) == 1 and server.agent.received == []
    async with serve_meta(make_channel(graph, inbox, clock)) as server:
        await server.agent.wait_for(1)
        await settle(server, inbox)
    assert server.agent.texts() == ["bonjour"]
    assert graph.texts(PSID) == ["Bonjour ! Que cherchez-vous ?"]


async def test_an_event_whose_worker_died_while_processing_is_taken_again_when_its_lease_ends(
        graph: FakeGraph, inbox: MetaInbox, clock: Clock) -> None:
    stuck = MetaAgent(gate=asyncio.Event())  # never released: the process dies in the middle
    lease = dt.timedelta(seconds=90)
    async with serve_meta(make_channel(graph, inbox, clock, lease=lease), stuck) as server:
        await server.post(page_delivery(entry(text_event(PSID, "bonjour"))))
        await asyncio.wait_for(stuck.started.wait(), 10)
    assert await asyncio.to_thread(inbox.pending) == 1  # still queued, leased to the dead worker

    async with serve_meta(make_channel(graph, inbox, clock, lease=lease)) as server:
        assert await asyncio.to_thread(inbox.claim, "probe", clock(), lease) is None  # the lease holds
        clock.advance(seconds=91)
        server.channel.worker.wake()
        await server.agent.wait_for(1)
        await settle(server, inbox)
    assert server.agent.texts() == ["bonjour"]
    assert graph.texts(PSID) == ["Bonjour ! Que cherchez-vous ?"]


# --- Redis ---------------------------------------------------------------------------------------------

@pytest_asyncio.fixture
async def redis_store() -> AsyncIterator[RedisStore]:
    store = RedisStore("redis://127.0.0.1:6379/0", prefix=f"cj62test:{uuid.uuid4().hex}:")
    try:
        await asyncio.wait_for(store.client.ping(), 2)
    except Exception as error:  # noqa: BLE001
        await store.close()
        pytest.skip(f"Redis ne répond pas sur 127.0.0.1:6379 ({type(error).__name__})")
    yield store
    keys = [key async for key in store.client.scan_iter(match=store.prefix + "*")]
    if keys:
        await store.client.delete(*keys)
    await store.close()


async def test_redis_deduplicates_for_48_hours_and_keeps_values_encrypted(redis_store: RedisStore) -> None:
    state = MetaState(redis_store)
    assert await state.first_delivery("cle-1") and not await state.first_delivery("cle-1")
    ttl = await redis_store.client.ttl(redis_store.prefix + "mid:cle-1")
    assert 47 * 3600 < ttl <= 48 * 3600
    moment = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.timezone.utc)
    await state.record_seen(f"fb-{PSID}", moment)
    assert await state.last_seen(f"fb-{PSID}") == moment
    raw = [await redis_store.client.get(key) async for key in redis_store.client.scan_iter(match=redis_store.prefix + "seen:*")]
    assert len(raw) == 1 and b"2026" not in raw[0]
    assert PSID not in " ".join([key.decode() async for key in redis_store.client.scan_iter(match=redis_store.prefix + "*")])


async def test_a_redelivery_is_processed_once_with_redis(graph: FakeGraph, inbox: MetaInbox, clock: Clock,
                                                         redis_store: RedisStore) -> None:
    event = text_event(PSID, "bonjour", mid="m_redis_1")
    async with serve_meta(make_channel(graph, inbox, clock, store=redis_store)) as server:
        await server.post(page_delivery(entry(event)))
        await server.post(page_delivery(entry(event)))
        await server.agent.wait_for(1)
        await settle(server, inbox)
        await server.post(page_delivery(entry(event)))
        await settle(server, inbox)
        assert server.agent.texts() == ["bonjour"]


# --- the table store (no Redis) -------------------------------------------------------------------

async def test_without_redis_the_table_deduplicates_for_48_hours_and_purges(inbox: MetaInbox, clock: Clock) -> None:
    state = MetaState(TableStore(inbox, clock), clock)
    assert await state.first_delivery("cle-1") and not await state.first_delivery("cle-1")
    clock.advance(hours=47)
    assert not await state.first_delivery("cle-1")
    await state.offer_list(f"fb-{PSID}", ['/inform{"commune":"Calais"}'])
    assert await state.offered_list(f"fb-{PSID}") == ['/inform{"commune":"Calais"}']
    clock.advance(hours=2)
    assert await state.first_delivery("cle-1")  # a new delivery after 48 hours
    clock.advance(days=8)
    assert await asyncio.to_thread(inbox.purge_marks, clock()) == 2
    assert await state.offered_list(f"fb-{PSID}") == []
