"""The Messenger / Instagram channel mounted as Rasa mounts it, on a real Sanic server, with a fake
Graph API on loopback and the durable queue in a migrated SQLite database."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Iterator

import pytest
import pytest_asyncio
from meta_support import (
    PAGE_TOKEN,
    VERIFY_TOKEN,
    WEBHOOK,
    Clock,
    FakeGraph,
    MetaAgent,
    MetaServer,
    config_for,
    delivery_receipt,
    echo_event,
    entry,
    handover_event,
    instagram_delivery,
    page_delivery,
    postback_event,
    quick_reply_event,
    read_receipt,
    serve_meta,
    sign,
    sticker_event,
    text_event,
)

from bot import storage
from bot.meta_inbox import MetaInbox
from rasa_ext.channels import messages
from rasa_ext.channels.meta import GREET, MetaInput
from rasa_ext.channels.meta_send import NUMBER_HINT
from rasa_ext.channels.meta_store import TableStore

pytestmark = pytest.mark.asyncio

PSID = "6815842131804567"
OTHER = "7012345678901234"


@pytest.fixture
def database_url(tmp_path) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'app.db'}"
    storage.migrate(url)
    yield url
    storage.dispose_engine(url)


@pytest.fixture
def inbox(database_url: str) -> MetaInbox:
    return MetaInbox(storage.session_factory(database_url))


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest_asyncio.fixture
async def graph() -> AsyncIterator[FakeGraph]:
    fake = await FakeGraph().start()
    yield fake
    await fake.stop()


def make_channel(graph: FakeGraph, inbox: MetaInbox, clock: Clock, **options) -> MetaInput:  # noqa: ANN003
    return MetaInput(config_for(graph), inbox=inbox, store=TableStore(inbox, clock), clock=clock, poll=0.2,
                     **options)


@pytest_asyncio.fixture
async def server(graph: FakeGraph, inbox: MetaInbox, clock: Clock) -> AsyncIterator[MetaServer]:
    async with serve_meta(make_channel(graph, inbox, clock)) as running:
        yield running


async def settle(server: MetaServer, inbox: MetaInbox) -> None:
    """Until the queue is empty and the worker idle (event-driven, bounded)."""
    async def loop() -> None:
        while await asyncio.to_thread(inbox.pending) or (server.channel.worker and server.channel.worker._active):
            await asyncio.sleep(0.02)

    await asyncio.wait_for(loop(), 10)


# --- verification and signatures ---------------------------------------------------------------

async def test_the_verification_echoes_the_challenge_only_with_the_right_token(server: MetaServer) -> None:
    ok = {"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1158201444"}
    assert await server.get(WEBHOOK, ok) == (200, "1158201444")
    status, _ = await server.get(WEBHOOK, {**ok, "hub.verify_token": "autre"})
    assert status == 403
    status, _ = await server.get(WEBHOOK, {**ok, "hub.mode": "unsubscribe"})
    assert status == 403
    status, _ = await server.get(WEBHOOK, {"hub.challenge": "1"})
    assert status == 403


@pytest.mark.parametrize("signature", [None, "sha256=" + "0" * 64, "sha1=abc", "n'importe quoi", sign(b"{}")])
async def test_an_unsigned_or_wrongly_signed_delivery_is_403_and_nothing_is_processed(
        server: MetaServer, inbox: MetaInbox, graph: FakeGraph, signature: str | None) -> None:
    status, text = await server.post(page_delivery(entry(text_event(PSID, "bonjour"))), signature=signature)
    assert status == 403 and "signature" in json.loads(text)["reason"]
    assert await asyncio.to_thread(inbox.pending) == 0
    assert server.agent.received == [] and graph.calls == []


async def test_a_body_signed_with_another_secret_is_refused(server: MetaServer, inbox: MetaInbox) -> None:
    raw = json.dumps(page_delivery(entry(text_event(PSID, "bonjour")))).encode()
    status, _ = await server.post(raw=raw, signature=sign(raw, "un-autre-secret"))
    assert status == 403 and await asyncio.to_thread(inbox.pending) == 0


@pytest.mark.parametrize("raw", [b'{"object": "page", "entry": [', b"", b"\xff\xfe", b'["page"]', b'"page"'])
async def test_a_signed_body_that_is_not_a_json_object_is_400_never_a_crash(server: MetaServer, raw: bytes) -> None:
    status, text = await server.post(raw=raw)
    assert status == 400 and json.loads(text)["reason"] == "invalid_json"
    assert server.agent.received == []


# --- processing ----------------------------------------------------------------------------------

async def test_a_signed_text_is_queued_then_processed_exactly_once(server: MetaServer, inbox: MetaInbox,
                                                                    graph: FakeGraph) -> None:
    status, text = await server.post(page_delivery(entry(text_event(PSID, "je cherche un logement à Calais"))))
    assert (status, text) == (200, "EVENT_RECEIVED")
    await server.agent.wait_for(1)
    await settle(server, inbox)
    [received] = server.agent.received
    assert (received.text, received.sender_id, received.input_channel) == (
        "je cherche un logement à Calais", f"fb-{PSID}", "facebook")
    assert graph.actions(PSID) == ["typing_on"]
    [reply] = graph.messages(PSID)
    assert reply["messaging_type"] == "RESPONSE" and reply["message"]["text"] == "Bonjour ! Que cherchez-vous ?"
    titles = [q["title"] for q in reply["message"]["quick_replies"]]
    assert titles == ["Un logement", "Un accompagnement…"] and all(len(t) <= 20 for t in titles)
    assert [q["payload"] for q in reply["message"]["quick_replies"]] == ["/chercher_logement", "/chercher_accompagnement"]
    assert all(call.query == {"access_token": PAGE_TOKEN} for call in graph.calls)
    assert graph.calls.index(next(c for c in graph.calls if "sender_action" in c.body)) == 0  # typing first


async def test_the_webhook_answers_while_processing_is_held_back(graph: FakeGraph, inbox: MetaInbox,
                                                                 clock: Clock) -> None:
    agent = MetaAgent(gate=asyncio.Event())
    async with serve_meta(make_channel(graph, inbox, clock), agent) as server:
        status, _ = await server.post(page_delivery(entry(text_event(PSID, "bonjour"))))
        assert status == 200  # answered…
        await asyncio.wait_for(agent.started.wait(), 10)
        assert agent.texts() == ["bonjour"] and graph.messages() == []  # …while Rasa has not answered
        assert await asyncio.to_thread(inbox.pending) == 1  # and the event is in the durable queue
        agent.gate.set()
        await settle(server, inbox)
    assert graph.texts(PSID) == ["Bonjour ! Que cherchez-vous ?"]
    assert await asyncio.to_thread(inbox.pending) == 0


async def test_a_redelivered_mid_is_processed_once(server: MetaServer, inbox: MetaInbox) -> None:
    event = text_event(PSID, "bonjour", mid="m_AG5Hz2Uq7tuwNEhXfYYKj8mJEM_QPpz5jdCK48PnKAjSdjfipqxqMvK8ma6AC8fplwlqLP_5cgXIbu7I3rBN0P")
    assert (await server.post(page_delivery(entry(event, event))))[0] == 200  # twice in one delivery
    assert (await server.post(page_delivery(entry(event))))[0] == 200  # and delivered again
    await server.agent.wait_for(1)
    await settle(server, inbox)
    assert (await server.post(page_delivery(entry(event))))[0] == 200  # again, after processing
    await settle(server, inbox)
    assert server.agent.texts() == ["bonjour"]


async def test_every_entry_and_every_event_of_a_delivery_is_processed_in_order(server: MetaServer,
                                                                                inbox: MetaInbox) -> None:
    body = page_delivery(
        entry(text_event(PSID, "bonjour"), text_event(PSID, "j'ai 19 ans")),
        entry(text_event(OTHER, "salut"), text_event(PSID, "j'habite à Arras")),
    )
    assert (await server.post(body))[0] == 200
    await server.agent.wait_for(4)
    await settle(server, inbox)
    mine = [m.text for m in server.agent.received if m.sender_id == f"fb-{PSID}"]
    assert mine == ["bonjour", "j'ai 19 ans", "j'habite à Arras"]
    assert [m.text for m in server.agent.received if m.sender_id == f"fb-{OTHER}"] == ["salut"]


async def test_receipts_echoes_standby_and_handover_are_accepted_and_ignored(server: MetaServer, inbox: MetaInbox,
                                                                              graph: FakeGraph) -> None:
    body = page_delivery(
        entry(delivery_receipt(PSID), read_receipt(PSID), echo_event(PSID, "Bonjour ! Que cherchez-vous ?"),
              handover_event(PSID)),
        entry(standby=[text_event(PSID, "écrit pendant que l'inbox de la Page a la main")]),
    )
    status, _ = await server.post(body)
    assert status == 200
    assert (await server.post({"object": "user", "entry": [{"id": "1", "changes": []}]}))[0] == 200
    assert await asyncio.to_thread(inbox.pending) == 0
    await asyncio.sleep(0)
    assert server.agent.received == [] and graph.calls == []


async def test_a_quick_reply_gives_its_payload_as_a_button_click(server: MetaServer, inbox: MetaInbox) -> None:
    await server.post(page_delivery(entry(text_event(PSID, "bonjour"))))
    await server.agent.wait_for(1)
    await settle(server, inbox)
    await server.post(page_delivery(entry(quick_reply_event(PSID, "Un logement", "/chercher_logement"))))
    await server.agent.wait_for(2)
    click = server.agent.received[1]
    assert (click.text, click.metadata) == ("/chercher_logement", {"button": True})


async def test_a_payload_not_offered_loses_its_slash(server: MetaServer, inbox: MetaInbox) -> None:
    await server.post(page_delivery(entry(postback_event(PSID, "Menu", '/inform{"role":"structure"}'))))
    await server.agent.wait_for(1)
    assert server.agent.received[0].text == 'inform{"role":"structure"}'


async def test_the_get_started_postback_is_the_greeting(server: MetaServer, inbox: MetaInbox) -> None:
    await server.post(page_delivery(entry(postback_event(PSID, "Démarrer", "GET_STARTED"))))
    await server.agent.wait_for(1)
    assert server.agent.received[0].text == GREET == "/greet"


async def test_a_sticker_gets_the_french_answer_without_rasa(server: MetaServer, inbox: MetaInbox,
                                                             graph: FakeGraph) -> None:
    await server.post(page_delivery(entry(sticker_event(PSID))))
    await graph.wait_for(lambda: bool(graph.texts(PSID)))
    assert graph.texts(PSID) == [messages.UNREADABLE] and server.agent.received == []


async def test_an_instagram_message_has_its_own_ids_channel_and_byte_limit(graph: FakeGraph, inbox: MetaInbox,
                                                                           clock: Clock) -> None:
    long_answer = " ".join(["Le CLLAJ de Calais t'aide à trouver un logement été comme hiver."] * 40)
    agent = MetaAgent(answer=lambda message: [{"text": long_answer}])
    async with serve_meta(make_channel(graph, inbox, clock), agent) as server:
        body = instagram_delivery(text_event(PSID, "je cherche un logement"))
        assert (await server.post(body))[0] == 200
        await agent.wait_for(1)
        await settle(server, inbox)
    [received] = agent.received
    assert (received.sender_id, received.input_channel) == (f"ig-{PSID}", "instagram")
    parts = graph.texts(PSID)
    assert len(parts) > 1 and all(len(p.encode("utf-8")) <= 1000 for p in parts)
    assert all(p.endswith(".") for p in parts)  # cut between sentences
    assert " ".join(parts) == long_answer


async def test_a_long_messenger_answer_is_split_at_2000_characters_on_lines(graph: FakeGraph, inbox: MetaInbox,
                                                                            clock: Clock) -> None:
    lines = [f"{n}. Mission locale, permanence n°{n} : 03 21 13 19 35, du lundi au vendredi." for n in range(1, 80)]
    answer = {"text": "\n".join(lines), "buttons": [{"title": "Merci", "payload": "/thanks"}]}
    agent = MetaAgent(answer=lambda message: [answer])
    async with serve_meta(make_channel(graph, inbox, clock), agent) as server:
        await server.post(page_delivery(entry(text_event(PSID, "les permanences ?"))))
        await agent.wait_for(1)
        await settle(server, inbox)
    bodies = graph.messages(PSID)
    parts = [b["message"]["text"] for b in bodies]
    assert len(parts) >= 3 and all(len(p) <= 2000 for p in parts)
    assert "\n".join(parts) == answer["text"]  # cut at line ends only
    assert [("quick_replies" in b["message"]) for b in bodies] == [False] * (len(parts) - 1) + [True]


async def test_more_than_13_choices_become_a_numbered_list_and_a_number_its_payload(
        graph: FakeGraph, inbox: MetaInbox, clock: Clock) -> None:
    communes = ["Arras", "Béthune", "Boulogne-sur-Mer", "Calais", "Lens", "Liévin", "Saint-Omer", "Hénin-Beaumont",
                "Montreuil", "Saint-Pol-sur-Ternoise", "Berck", "Carvin", "Bruay-la-Buissière", "Outreau"]
    buttons = [{"title": c, "payload": f'/inform{{"commune":"{c}"}}'} for c in communes]

    def answer(message):  # noqa: ANN001, ANN202
        return [{"text": "Dans quelle commune habitez-vous ?", "buttons": buttons}] if len(agent.received) == 1 else []

    agent = MetaAgent(answer=answer)
    async with serve_meta(make_channel(graph, inbox, clock), agent) as server:
        await server.post(page_delivery(entry(text_event(PSID, "je cherche un logement"))))
        await agent.wait_for(1)
        await settle(server, inbox)
        [body] = graph.messages(PSID)
        assert "quick_replies" not in body["message"]
        text = body["message"]["text"]
        assert text.startswith("Dans quelle commune habitez-vous ?\n\n1. Arras\n2. Béthune\n3. Boulogne-sur-Mer\n")
        assert "14. Outreau" in text and text.endswith(NUMBER_HINT)
        await server.post(page_delivery(entry(text_event(PSID, "4"))))
        await agent.wait_for(2)
        await server.post(page_delivery(entry(text_event(PSID, "4"))))  # the list answered only once
        await agent.wait_for(3)
    assert agent.texts()[1:] == ['/inform{"commune":"Calais"}', "4"]
    assert agent.received[1].metadata == {"button": True}


# --- failures and logs ----------------------------------------------------------------------------

async def test_a_failure_in_rasa_gets_the_apology_and_is_not_retried(graph: FakeGraph, inbox: MetaInbox,
                                                                    clock: Clock) -> None:
    agent = MetaAgent(fail=True)
    async with serve_meta(make_channel(graph, inbox, clock), agent) as server:
        await server.post(page_delivery(entry(text_event(PSID, "bonjour"))))
        await graph.wait_for(lambda: bool(graph.texts(PSID)))
        await settle(server, inbox)
    assert graph.texts(PSID) == [messages.APOLOGY] and agent.texts() == ["bonjour"]


async def test_no_text_id_or_token_reaches_the_logs(graph: FakeGraph, inbox: MetaInbox, clock: Clock,
                                                    caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    agent = MetaAgent(fail=True)
    async with serve_meta(make_channel(graph, inbox, clock), agent) as server:
        await server.post(page_delivery(entry(text_event(PSID, "Je m'appelle Œdipe, 06 12 34 56 78"))))
        await server.post(page_delivery(entry(text_event(PSID, "x"))), signature="sha256=00")
        await graph.wait_for(lambda: bool(graph.texts(PSID)))
        await settle(server, inbox)
        graph.status = 400
        await server.post(page_delivery(entry(text_event(PSID, "encore"))))
        await agent.wait_for(2)
        await settle(server, inbox)
    ours = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith(("rasa_ext", "bot")))
    assert "Meta message failed" in ours and "Meta event failed" in ours  # Rasa failed, then the Send API
    for planted in ("Œdipe", "06 12 34 56 78", PSID, PAGE_TOKEN, "encore"):
        assert planted not in ours


async def test_without_its_variables_the_channel_is_off_and_says_so_in_french(
        inbox: MetaInbox, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    for name in ("META_PAGE_TOKEN", "META_APP_SECRET", "META_VERIFY_TOKEN", "META_GRAPH_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("META_APP_SECRET", "secret")
    caplog.set_level(logging.INFO)
    channel = MetaInput(inbox=inbox, store=TableStore(inbox))
    assert channel.get_output_channel() is None
    async with serve_meta(channel) as server:
        status, _ = await server.post(page_delivery(entry(text_event(PSID, "bonjour"))))
        assert status == 503
        status, _ = await server.get(WEBHOOK, {"hub.mode": "subscribe", "hub.verify_token": "x", "hub.challenge": "1"})
        assert status == 503
        assert (await server.get("/webhooks/meta/"))[0] == 200
    assert "Canal Messenger / Instagram désactivé" in caplog.text
    assert "META_PAGE_TOKEN" in caplog.text and "META_APP_SECRET" not in caplog.text
    assert server.agent.received == []
