"""The conversation lock against the real Redis (127.0.0.1:6379, or REDIS_URL): one turn at a time,
in ticket order, across two lock stores as two replicas would have; a dead holder's lock expires,
a live one is renewed; only its holder releases a lock; the in-memory default without Redis."""

from __future__ import annotations

import asyncio

import pytest
from shared_stores import REDIS_URL, key_prefix, require_redis

from rasa_ext.stores.lock import LockStore, LockTimeout, RedisTicketLock

LIFETIME = 0.3  # seconds: short, so that expiry happens within the test


@pytest.fixture
async def redis():
    import redis.asyncio as aioredis

    require_redis("tests du verrou non lancés")
    client = aioredis.from_url(REDIS_URL, socket_connect_timeout=2)
    prefix = key_prefix()
    client.test_prefix = prefix
    yield client
    keys = [key async for key in client.scan_iter(match=prefix + "*")]
    if keys:
        await client.delete(*keys)
    await client.close()


def replica(redis, *, wait: float = 10.0) -> RedisTicketLock:  # noqa: ANN001
    return RedisTicketLock(redis, prefix=redis.test_prefix, lifetime=LIFETIME, wait=wait)


async def test_turns_run_one_at_a_time_in_ticket_order_across_two_replicas(redis) -> None:  # noqa: ANN001
    a, b = replica(redis), replica(redis)
    inside, order, overlaps = [0], [], []

    async def turn(lock: RedisTicketLock, hold_for: float) -> None:
        async with lock.hold("conv-1") as ticket:
            inside[0] += 1
            overlaps.append(inside[0])
            order.append(ticket)
            await asyncio.sleep(hold_for)
            inside[0] -= 1

    tasks = []
    for i in range(8):
        tasks.append(asyncio.create_task(turn(a if i % 2 else b, 0.02)))
        await asyncio.sleep(0.005)  # accepted one after the other
    await asyncio.gather(*tasks)
    assert max(overlaps) == 1
    assert order == sorted(order) and len(order) == 8


async def test_other_conversations_are_not_held_back(redis) -> None:  # noqa: ANN001
    lock = replica(redis, wait=LIFETIME)
    async with lock.hold("conv-a"):
        async with lock.hold("conv-b") as ticket:  # would raise LockTimeout if it waited for conv-a
            assert ticket == 1


async def test_a_live_holder_keeps_its_lock_beyond_one_lifetime(redis) -> None:  # noqa: ANN001
    holder, other = replica(redis), replica(redis, wait=LIFETIME * 2)
    async with holder.hold("conv-2"):
        with pytest.raises(LockTimeout):
            async with other.hold("conv-2"):
                pass
        await asyncio.sleep(LIFETIME)  # still renewed by the heartbeat
    async with other.hold("conv-2"):
        pass


async def test_a_dead_holders_lock_expires_within_one_lifetime(redis) -> None:  # noqa: ANN001
    dead = replica(redis)
    keys = dead._keys("conv-3")
    # A replica took the lock, then was killed: no heartbeat, no release.
    assert await redis.set(keys["owner"], "token-of-a-dead-replica", px=dead.lifetime_ms)
    survivor = replica(redis, wait=LIFETIME * 3)
    async with survivor.hold("conv-3") as ticket:
        assert ticket == 1


async def test_a_waiter_that_died_in_the_queue_is_skipped(redis) -> None:  # noqa: ANN001
    lock = replica(redis, wait=LIFETIME * 4)
    keys = lock._keys("conv-4")
    # A waiter took ticket 1 then died: its waiter key is never refreshed.
    await lock._enqueue(keys=[keys["tickets"], keys["queue"], keys["waiter"]], args=[lock.lifetime_ms, 60_000])
    await redis.set(keys["owner"], "busy", px=50)  # and someone held the lock meanwhile
    async with lock.hold("conv-4") as ticket:
        assert ticket == 2


async def test_only_the_holder_releases_the_lock(redis) -> None:  # noqa: ANN001
    lock = replica(redis)
    owner = lock._keys("conv-5")["owner"]
    await redis.set(owner, "someone-else", px=5000)
    assert await lock._release(keys=[owner], args=["a-late-holder"]) == 0
    assert await redis.get(owner) == b"someone-else"
    assert await lock._release(keys=[owner], args=["someone-else"]) == 1


async def test_rasas_interface_on_redis_and_in_memory(redis) -> None:  # noqa: ANN001
    store = LockStore(environ={"REDIS_URL": REDIS_URL, "CJ62_REDIS_PREFIX": redis.test_prefix,
                               "CJ62_LOCK_LIFETIME": "1"})
    assert store.redis_lock is not None
    async with store.lock("conv-6") as ticket:
        assert ticket == 1
    memory = LockStore(environ={})
    assert memory.redis_lock is None
    async with memory.lock("conv-7"):
        pass


def test_a_wrong_lifetime_is_refused() -> None:
    from rasa.core.lock_store import LockError

    for wrong in ("dix", "0", "-3"):
        with pytest.raises(LockError):
            LockStore(environ={"REDIS_URL": REDIS_URL, "CJ62_LOCK_LIFETIME": wrong})
