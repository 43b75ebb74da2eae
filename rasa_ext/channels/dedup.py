"""Retries of one REST message are answered once: the client's optional `message_id`.

A client that did not get its answer (a replica killed, a network cut) sends the message again
with the same `message_id`, to any replica. The first request to claim the id processes it and
keeps its answer for 48 hours; a retry after that gets the same answer without a second turn; a
retry while the first is still running waits for its answer (`WAIT_SECONDS` at most, then HTTP 409).
A claim lives one lock lifetime (`CJ62_LOCK_LIFETIME`, 10 s, as the conversation lock) and is
renewed by a heartbeat while its processor is alive: when the processing replica dies (SIGKILL), the
claim lapses within one lifetime and the waiting retry processes the message.

A replica may also die after Rasa saved the turn but before the answer was kept. So each message
id is also marked as started (48 hours): a processing of a message already started elsewhere runs
`on_retry` instead (the REST channel first looks for the turn in the conversation, by the message
id Rasa stored on the user event, and answers it from there rather than run it a second time).

Shared by all replicas in Redis when `REDIS_URL` is set (`SET NX` with expiry), in this process
otherwise. Keys hold a hash of the sender id and message id, never the ids themselves. A kept
answer may quote the person (a sheet's summary): it is encrypted with `CJ62_FERNET_KEY`, as the
conversations are, and listed under a hash of its sender so that an erasure on request deletes it
with the rest (`forget`, called by the REST channel after the erasure).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from bot.crypto import cipher

ANSWER_SECONDS = 48 * 3600
CLAIM_SECONDS = 10.0  # default claim lifetime, renewed while the processor lives (CJ62_LOCK_LIFETIME)
WAIT_SECONDS = 30  # how long a retry waits for the first processing to answer
MAX_MESSAGE_ID_LENGTH = 128
POLL = 0.1
INVALID_MESSAGE_ID = (
    f"Le champ « message_id » doit être un texte non vide de {MAX_MESSAGE_ID_LENGTH} caractères au plus."
)

Answers = list[dict[str, Any]]
logger = logging.getLogger(__name__)


class Busy(Exception):
    """The same message is still being processed elsewhere and did not finish in time."""


def is_valid_message_id(value: object) -> bool:
    return isinstance(value, str) and 0 < len(value) <= MAX_MESSAGE_ID_LENGTH and value.isprintable() \
        and value.strip() != ""


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _key(prefix: str, sender_id: str, message_id: str, kind: str = "msg") -> str:
    return f"{prefix}{kind}:{_digest(sender_id + chr(0) + message_id)}"


def _sender_key(prefix: str, sender_id: str) -> str:
    """The list of the sender's kept answers (a hash of the sender id, never the id)."""
    return f"{prefix}sender:{_digest(sender_id)}"


class MemoryStore:
    """One process: claims and answers in a dict, with their expiry."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.items: dict[str, tuple[str, float]] = {}
        self.senders: dict[str, set[str]] = {}
        self.clock = clock

    def _live(self, key: str) -> str | None:
        found = self.items.get(key)
        if found is None or found[1] <= self.clock():
            self.items.pop(key, None)
            return None
        return found[0]

    async def claim(self, key: str, seconds: float = CLAIM_SECONDS) -> bool:
        if self._live(key) is not None:
            return False
        self.items[key] = ("", self.clock() + seconds)
        return True

    async def renew(self, key: str, seconds: float) -> None:
        if self._live(key) == "":
            self.items[key] = ("", self.clock() + seconds)

    async def first_start(self, key: str) -> bool:
        if self._live(key) is not None:
            return False
        self.items[key] = ("1", self.clock() + ANSWER_SECONDS)
        return True

    async def answer(self, key: str) -> str | None:
        value = self._live(key)
        return value or None

    async def keep(self, key: str, answers: str, sender_key: str) -> None:
        self.items[key] = (answers, self.clock() + ANSWER_SECONDS)
        self.senders.setdefault(sender_key, set()).add(key)

    async def release(self, key: str) -> None:
        self.items.pop(key, None)

    async def forget(self, sender_key: str) -> None:
        for key in self.senders.pop(sender_key, set()):
            self.items.pop(key, None)


RENEW_CLAIM = """
if redis.call('GET', KEYS[1]) == '' then
  return redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
return 0
"""


class RedisStore:
    def __init__(self, url: str) -> None:
        import redis.asyncio as redis

        self.redis = redis.from_url(url, socket_connect_timeout=5, socket_timeout=10)

    async def claim(self, key: str, seconds: float = CLAIM_SECONDS) -> bool:
        return bool(await self.redis.set(key, "", nx=True, px=int(seconds * 1000)))

    async def renew(self, key: str, seconds: float) -> None:
        # Only a claim (empty value) is extended, never a kept answer.
        await self.redis.eval(RENEW_CLAIM, 1, key, int(seconds * 1000))

    async def first_start(self, key: str) -> bool:
        return bool(await self.redis.set(key, "1", nx=True, ex=ANSWER_SECONDS))

    async def answer(self, key: str) -> str | None:
        value = await self.redis.get(key)
        return value.decode() if value else None

    async def keep(self, key: str, answers: str, sender_key: str) -> None:
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.set(key, answers, ex=ANSWER_SECONDS).sadd(sender_key, key).expire(sender_key, ANSWER_SECONDS)
            await pipe.execute()

    async def release(self, key: str) -> None:
        await self.redis.delete(key)

    async def forget(self, sender_key: str) -> None:
        keys = [k.decode() for k in await self.redis.smembers(sender_key)]
        await self.redis.delete(sender_key, *keys)


def _lifetime(environ: Mapping[str, str]) -> float:
    """`CJ62_LOCK_LIFETIME` in seconds (the lock store refuses to start with a wrong one), else 10."""
    try:
        value = float((environ.get("CJ62_LOCK_LIFETIME") or "").strip() or CLAIM_SECONDS)
    except ValueError:
        return CLAIM_SECONDS
    return value if value > 0 else CLAIM_SECONDS


class MessageIds:
    """`once(sender, message_id, process)`: the answers of the first processing of that message."""

    def __init__(self, environ: Mapping[str, str] | None = None, wait: float = WAIT_SECONDS) -> None:
        env = os.environ if environ is None else environ
        url = (env.get("REDIS_URL") or "").strip()
        self.store: MemoryStore | RedisStore = RedisStore(url) if url else MemoryStore()
        self.prefix = (env.get("CJ62_REDIS_PREFIX") or "cj62:").strip()
        self.cipher = cipher(env)
        self.wait = wait
        self.claim_seconds = _lifetime(env)

    async def _heartbeat(self, key: str) -> None:
        while True:
            await asyncio.sleep(self.claim_seconds / 3)
            try:
                await self.store.renew(key, self.claim_seconds)
            except Exception as error:  # Redis away a moment: the next beat tries again
                logger.warning("Message id claim not renewed (%s).", type(error).__name__)

    async def forget(self, sender_id: str) -> None:
        """Delete every answer kept for `sender_id` (erasure on request)."""
        await self.store.forget(_sender_key(self.prefix, sender_id))

    async def once(self, sender_id: str, message_id: str, process: Callable[[], Awaitable[Answers]],
                   on_retry: Callable[[], Awaitable[Answers]] | None = None) -> Answers:
        """`process()` once; `on_retry()` instead when an earlier processing of it started and did
        not keep its answer (its replica died, or it failed)."""
        key = _key(self.prefix, sender_id, message_id)
        deadline = time.monotonic() + self.wait
        while True:
            if await self.store.claim(key, self.claim_seconds):
                heartbeat = asyncio.create_task(self._heartbeat(key))
                try:
                    first = await self.store.first_start(_key(self.prefix, sender_id, message_id, "started"))
                    answers = await (process() if first or on_retry is None else on_retry())
                except BaseException:
                    heartbeat.cancel()
                    await self.store.release(key)  # a retry may process it again
                    raise
                heartbeat.cancel()
                await self.store.keep(key, self.cipher.encrypt_json(answers), _sender_key(self.prefix, sender_id))
                return answers
            kept = await self.store.answer(key)
            if kept:
                return self.cipher.decrypt_json(kept)
            if time.monotonic() > deadline:
                raise Busy()
            await asyncio.sleep(POLL)
