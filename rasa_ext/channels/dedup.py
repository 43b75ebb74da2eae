"""Retries of one REST message are answered once: the client's optional `message_id`.

A client that did not get its answer (a replica killed, a network cut) sends the message again
with the same `message_id`, to any replica. The first request to claim the id processes it and
keeps its answer for 48 hours; a retry after that gets the same answer without a second turn; a
retry while the first is still running waits for its answer. A claim whose processor died lapses
after `CLAIM_SECONDS`, and the next retry processes the message.

Shared by all replicas in Redis when `REDIS_URL` is set (`SET NX` with expiry), in this process
otherwise. Keys hold a hash of the sender id and message id, never the ids themselves.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

ANSWER_SECONDS = 48 * 3600
CLAIM_SECONDS = 30
MAX_MESSAGE_ID_LENGTH = 128
POLL = 0.1
INVALID_MESSAGE_ID = (
    f"Le champ « message_id » doit être un texte non vide de {MAX_MESSAGE_ID_LENGTH} caractères au plus."
)

Answers = list[dict[str, Any]]


class Busy(Exception):
    """The same message is still being processed elsewhere and did not finish in time."""


def is_valid_message_id(value: object) -> bool:
    return isinstance(value, str) and 0 < len(value) <= MAX_MESSAGE_ID_LENGTH and value.isprintable() \
        and value.strip() != ""


def _key(prefix: str, sender_id: str, message_id: str) -> str:
    digest = hashlib.sha256(f"{sender_id}\x00{message_id}".encode()).hexdigest()[:32]
    return f"{prefix}msg:{digest}"


class MemoryStore:
    """One process: claims and answers in a dict, with their expiry."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.items: dict[str, tuple[str, float]] = {}
        self.clock = clock

    def _live(self, key: str) -> str | None:
        found = self.items.get(key)
        if found is None or found[1] <= self.clock():
            self.items.pop(key, None)
            return None
        return found[0]

    async def claim(self, key: str) -> bool:
        if self._live(key) is not None:
            return False
        self.items[key] = ("", self.clock() + CLAIM_SECONDS)
        return True

    async def answer(self, key: str) -> str | None:
        value = self._live(key)
        return value or None

    async def keep(self, key: str, answers: str) -> None:
        self.items[key] = (answers, self.clock() + ANSWER_SECONDS)

    async def release(self, key: str) -> None:
        self.items.pop(key, None)


class RedisStore:
    def __init__(self, url: str) -> None:
        import redis.asyncio as redis

        self.redis = redis.from_url(url, socket_connect_timeout=5, socket_timeout=10)

    async def claim(self, key: str) -> bool:
        return bool(await self.redis.set(key, "", nx=True, ex=CLAIM_SECONDS))

    async def answer(self, key: str) -> str | None:
        value = await self.redis.get(key)
        return value.decode() if value else None

    async def keep(self, key: str, answers: str) -> None:
        await self.redis.set(key, answers, ex=ANSWER_SECONDS)

    async def release(self, key: str) -> None:
        await self.redis.delete(key)


class MessageIds:
    """`once(sender, message_id, process)`: the answers of the first processing of that message."""

    def __init__(self, environ: Mapping[str, str] | None = None, wait: float = CLAIM_SECONDS) -> None:
        env = os.environ if environ is None else environ
        url = (env.get("REDIS_URL") or "").strip()
        self.store: MemoryStore | RedisStore = RedisStore(url) if url else MemoryStore()
        self.prefix = (env.get("CJ62_REDIS_PREFIX") or "cj62:").strip()
        self.wait = wait

    async def once(self, sender_id: str, message_id: str, process: Callable[[], Awaitable[Answers]]) -> Answers:
        key = _key(self.prefix, sender_id, message_id)
        deadline = time.monotonic() + self.wait
        while True:
            if await self.store.claim(key):
                try:
                    answers = await process()
                except BaseException:
                    await self.store.release(key)  # a retry may process it again
                    raise
                await self.store.keep(key, json.dumps(answers, ensure_ascii=False))
                return answers
            kept = await self.store.answer(key)
            if kept:
                return json.loads(kept)
            if time.monotonic() > deadline:
                raise Busy()
            await asyncio.sleep(POLL)
