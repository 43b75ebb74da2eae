"""The conversation lock: one turn at a time per conversation, in arrival order, across replicas.

`endpoints.yml` names `LockStore`; Rasa builds it with `cls(endpoint_config=…)`. With `REDIS_URL`
unset it is Rasa's in-memory lock store (one process, the embedded default). With `REDIS_URL` it
is `RedisTicketLock`, which fixes what stock Rasa 3.6's `RedisLockStore` gets wrong (it reads and
rewrites the lock non-atomically, RasaHQ/rasa#9213, and holds it 60 s while an action may take 300):

- FIFO: each waiter takes a ticket from a Redis counter (`INCR`) and joins a sorted set; the lock
  goes to the lowest live ticket only, so turns run in the order their messages were accepted;
- a short lifetime (`CJ62_LOCK_LIFETIME`, 10 s) renewed by a heartbeat while the holder is alive:
  a replica that dies (SIGKILL) stops renewing, and its lock expires within one lifetime; a waiter
  that gives up or dies stops refreshing its ticket, which is then skipped;
- every step is one Lua script (atomic in Redis); release is compare-and-delete on the holder's
  random token, so a late holder whose lock expired can never release someone else's.

Keys (prefix `CJ62_REDIS_PREFIX`, default `cj62:`): `lock:{id}:owner`, `lock:{id}:queue`,
`lock:{id}:tickets`, `lock:{id}:waiter:{ticket}`; every one expires on its own.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
from collections.abc import AsyncIterator, Mapping
from typing import Any

from rasa.core.lock_store import InMemoryLockStore, LockError
from rasa.core.lock_store import LockStore as RasaLockStore

logger = logging.getLogger(__name__)

DEFAULT_LIFETIME = 10.0  # seconds
DEFAULT_WAIT = 120.0  # seconds a turn may wait for the turns before it (Rasa's actions may take long)
POLL = 0.05  # seconds between two attempts of a waiter
COUNTER_TTL_MS = 24 * 3600 * 1000

# KEYS: queue, owner. ARGV: ticket, token, lifetime ms, waiter key prefix.
ACQUIRE = """
while true do
  local head = redis.call('ZRANGE', KEYS[1], 0, 0)
  if #head == 0 then break end
  if redis.call('EXISTS', ARGV[4] .. head[1]) == 1 then break end
  redis.call('ZREM', KEYS[1], head[1])
end
local head = redis.call('ZRANGE', KEYS[1], 0, 0)
if head[1] == ARGV[1] and redis.call('EXISTS', KEYS[2]) == 0 then
  redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
  redis.call('ZREM', KEYS[1], ARGV[1])
  redis.call('DEL', ARGV[4] .. ARGV[1])
  return 1
end
return 0
"""
# KEYS: owner. ARGV: token, lifetime ms.
RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"""
# KEYS: owner. ARGV: token.
RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""
# KEYS: counter, queue, waiter key prefix (as a key name, for cluster-free use). ARGV: lifetime ms, counter ttl ms.
ENQUEUE = """
local ticket = redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('ZADD', KEYS[2], ticket, ticket)
redis.call('PEXPIRE', KEYS[2], ARGV[2])
redis.call('SET', KEYS[3] .. ticket, '1', 'PX', ARGV[1])
return ticket
"""


class LockTimeout(LockError):
    """The turns before this one did not finish in time."""


class RedisTicketLock:
    """FIFO per conversation, short renewed lifetime, atomic steps (see the module doc)."""

    def __init__(self, redis: Any, prefix: str = "cj62:", lifetime: float = DEFAULT_LIFETIME,
                 wait: float = DEFAULT_WAIT) -> None:
        self.redis = redis
        self.prefix = prefix
        self.lifetime_ms = int(lifetime * 1000)
        self.wait = wait
        self._acquire = redis.register_script(ACQUIRE)
        self._renew = redis.register_script(RENEW)
        self._release = redis.register_script(RELEASE)
        self._enqueue = redis.register_script(ENQUEUE)

    def _keys(self, conversation_id: str) -> dict[str, str]:
        base = f"{self.prefix}lock:{conversation_id}:"
        return {"owner": base + "owner", "queue": base + "queue", "tickets": base + "tickets",
                "waiter": base + "waiter:"}

    @contextlib.asynccontextmanager
    async def hold(self, conversation_id: str) -> AsyncIterator[int]:
        """Wait for this conversation's turn (FIFO), hold the lock while the block runs."""
        keys = self._keys(conversation_id)
        token = secrets.token_hex(16)
        ticket = int(await self._enqueue(keys=[keys["tickets"], keys["queue"], keys["waiter"]],
                                         args=[self.lifetime_ms, COUNTER_TTL_MS]))
        await self._wait_for_turn(keys, ticket, token)
        heartbeat = asyncio.create_task(self._heartbeat(keys["owner"], token))
        try:
            yield ticket
        finally:
            heartbeat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await heartbeat
            await self._release(keys=[keys["owner"]], args=[token])

    async def _wait_for_turn(self, keys: Mapping[str, str], ticket: int, token: str) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.wait
        refreshed = loop.time()
        waiter = f"{keys['waiter']}{ticket}"
        try:
            while True:
                if await self._acquire(keys=[keys["queue"], keys["owner"]],
                                       args=[ticket, token, self.lifetime_ms, keys["waiter"]]):
                    return
                now = loop.time()
                if now > deadline:
                    raise LockTimeout("Le tour précédent de cette conversation ne s'est pas terminé à temps.")
                if now - refreshed > self.lifetime_ms / 3000:
                    await self.redis.pexpire(waiter, self.lifetime_ms)
                    refreshed = now
                await asyncio.sleep(POLL)
        except BaseException:
            await asyncio.shield(self._leave(keys, ticket))
            raise

    async def _leave(self, keys: Mapping[str, str], ticket: int) -> None:
        with contextlib.suppress(Exception):
            await self.redis.zrem(keys["queue"], ticket)
            await self.redis.delete(f"{keys['waiter']}{ticket}")

    async def _heartbeat(self, owner: str, token: str) -> None:
        while True:
            await asyncio.sleep(self.lifetime_ms / 3000)
            if not await self._renew(keys=[owner], args=[token, self.lifetime_ms]):
                logger.error("A conversation lock expired while its turn was still running.")
                return


def _seconds(environ: Mapping[str, str], name: str, default: float) -> float:
    raw = (environ.get(name) or "").strip()
    try:
        value = float(raw) if raw else default
    except ValueError:
        raise LockError(f"{name} doit être un nombre de secondes.") from None
    if value <= 0:
        raise LockError(f"{name} doit être positif.")
    return value


class LockStore(RasaLockStore):
    """Rasa's lock store interface: in memory without `REDIS_URL`, `RedisTicketLock` with it."""

    def __init__(self, endpoint_config: Any = None, environ: Mapping[str, str] | None = None) -> None:
        env = os.environ if environ is None else environ
        url = (env.get("REDIS_URL") or "").strip()
        self.memory: InMemoryLockStore | None = None
        self.redis_lock: RedisTicketLock | None = None
        if not url:
            self.memory = InMemoryLockStore()
            logger.info("Lock store: in memory (one process; set REDIS_URL for several replicas).")
            return
        import redis.asyncio as redis

        client = redis.from_url(url, socket_connect_timeout=5, socket_timeout=30)
        self.redis_lock = RedisTicketLock(
            client, prefix=(env.get("CJ62_REDIS_PREFIX") or "cj62:"),
            lifetime=_seconds(env, "CJ62_LOCK_LIFETIME", DEFAULT_LIFETIME),
            wait=_seconds(env, "CJ62_LOCK_WAIT", DEFAULT_WAIT),
        )
        logger.info("Lock store: %s on Redis (FIFO, renewed %.0f s lifetime).", type(self).__name__,
                    self.redis_lock.lifetime_ms / 1000)

    @contextlib.asynccontextmanager
    async def lock(self, conversation_id: str, lock_lifetime: float = DEFAULT_LIFETIME,
                   wait_time_in_seconds: float = POLL) -> AsyncIterator[Any]:
        if self.redis_lock is None:
            assert self.memory is not None
            async with self.memory.lock(conversation_id, lock_lifetime, wait_time_in_seconds) as held:
                yield held
            return
        async with self.redis_lock.hold(conversation_id) as ticket:
            yield ticket

    # Rasa's other LockStore methods serve its own ticket scheme: delegated in memory, unused with Redis.
    def get_lock(self, conversation_id: str):  # type: ignore[no-untyped-def]
        return self.memory.get_lock(conversation_id) if self.memory else None

    def delete_lock(self, conversation_id: str) -> None:
        if self.memory:
            self.memory.delete_lock(conversation_id)

    def save_lock(self, lock) -> None:  # type: ignore[no-untyped-def]
        if self.memory:
            self.memory.save_lock(lock)
