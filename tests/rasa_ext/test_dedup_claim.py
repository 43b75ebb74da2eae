"""A message id's claim (rasa_ext/channels/dedup.py) lives one lock lifetime: renewed while its
processor lives, lapsed within one lifetime when the processor died (a replica killed), so that the
retry on the other replica is processed then, not after 30 s. In memory and on the real Redis."""

from __future__ import annotations

import asyncio
import os

import pytest
from shared_stores import REDIS_URL, key_prefix, require_redis

from rasa_ext.channels.dedup import MessageIds, _key, _sender_key

LIFETIME = "0.3"  # seconds: short, so that the test is short


@pytest.fixture(params=["memory", "redis"])
async def ids(request: pytest.FixtureRequest) -> MessageIds:
    env = {"CJ62_LOCK_LIFETIME": LIFETIME, "CJ62_REDIS_PREFIX": key_prefix(),
           "CJ62_FERNET_KEY": os.environ["CJ62_FERNET_KEY"]}
    if request.param == "redis":
        require_redis("test de la réclamation partagée non lancé")
        env["REDIS_URL"] = REDIS_URL
    return MessageIds(env)


async def test_a_live_processor_keeps_its_claim_beyond_one_lifetime(ids: MessageIds) -> None:
    runs = []

    async def slow() -> list[dict]:
        runs.append(1)
        await asyncio.sleep(4 * float(LIFETIME))
        return [{"text": "réponse"}]

    first = asyncio.create_task(ids.once("s1", "m1", slow))
    await asyncio.sleep(0.05)
    retried = await asyncio.wait_for(ids.once("s1", "m1", slow), timeout=20)
    assert retried == await first == [{"text": "réponse"}] and len(runs) == 1


async def test_the_claim_of_a_dead_processor_lapses_within_one_lifetime(ids: MessageIds) -> None:
    # A replica claimed the message and died: nobody renews the claim.
    assert await ids.store.claim(_key(ids.prefix, "s1", "m2"), ids.claim_seconds)

    async def process() -> list[dict]:
        return [{"text": "traité"}]

    # Processed once the claim lapsed (one lifetime), not refused as busy after 30 s.
    assert await asyncio.wait_for(ids.once("s1", "m2", process), timeout=20) == [{"text": "traité"}]


async def test_a_message_whose_first_processing_did_not_keep_its_answer_goes_to_on_retry(ids: MessageIds) -> None:
    async def process() -> list[dict]:
        return [{"text": "premier"}]

    async def on_retry() -> list[dict]:
        return [{"text": "relu"}]

    # A replica started the message, then died after Rasa saved the turn but before keeping the answer.
    await ids.store.first_start(_key(ids.prefix, "s1", "m3", "started"))
    assert await asyncio.wait_for(ids.once("s1", "m3", process, on_retry), timeout=20) == [{"text": "relu"}]
    assert await ids.once("s1", "m4", process, on_retry) == [{"text": "premier"}]


async def test_a_rest_retry_of_a_turn_saved_by_a_dead_replica_is_answered_from_the_conversation(rest_server) -> None:
    import aiohttp
    from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    [channel] = rest_server.app.ctx.input_channels
    # The dead replica: it started m9, Rasa saved the turn, the answer was never kept.
    await channel.message_ids.store.first_start(_key(channel.message_ids.prefix, "s9", "m9", "started"))
    events = [ActionExecuted("action_listen"), UserUttered("bonjour", message_id="m9"),
              BotUttered("Bonjour !", {"buttons": [{"title": "Oui", "payload": "/affirm"}]}),
              ActionExecuted("action_listen")]
    await rest_server.agent.tracker_store.save(DialogueStateTracker.from_events("s9", events))
    async with aiohttp.ClientSession() as session:
        async with session.post(rest_server.url + "/webhooks/rest/webhook",
                                json={"sender": "s9", "message": "bonjour", "message_id": "m9"}) as answer:
            assert answer.status == 200
            assert await answer.json() == [{"recipient_id": "s9", "text": "Bonjour !",
                                            "buttons": [{"title": "Oui", "payload": "/affirm"}]}]
    assert rest_server.agent.received == []  # no second turn


async def _raw(ids: MessageIds, key: str) -> str | None:
    if hasattr(ids.store, "redis"):
        value = await ids.store.redis.get(key)
        return value.decode() if value is not None else None
    found = ids.store.items.get(key)
    return found[0] if found else None


async def test_a_kept_answer_is_encrypted_and_erased_with_its_sender(ids: MessageIds) -> None:
    """Issue 16: answers kept 48 h for retries held sheet summaries in clear, and survived erasure."""
    answers = [{"recipient_id": "web-1", "text": "Fiche : Œdipe Zyxwoquet, 06 12 34 56 78"}]

    async def process() -> list[dict]:
        return answers

    assert await ids.once("web-1", "m1", process) == answers
    await ids.once("web-1", "m2", process)
    await ids.once("web-2", "m1", process)
    raw = await _raw(ids, _key(ids.prefix, "web-1", "m1"))
    assert raw and "Zyxwoquet" not in raw and "06 12" not in raw
    assert await ids.once("web-1", "m1", process) == answers  # a retry still reads it back

    await ids.forget("web-1")
    assert await _raw(ids, _key(ids.prefix, "web-1", "m1")) is None
    assert await _raw(ids, _key(ids.prefix, "web-1", "m2")) is None
    assert await _raw(ids, _key(ids.prefix, "web-2", "m1")) is not None  # another person's stays
    if hasattr(ids.store, "redis"):
        assert not await ids.store.redis.exists(_sender_key(ids.prefix, "web-1"))
