"""The Meta channel's shared state: what every Rasa process must see the same way.

- de-duplication: a message id (`mid`) is accepted once in 48 hours (Meta re-delivers an event
  when our answer is late or not 200);
- the time of the person's last message, per conversation (Meta's messaging window);
- the numbered list offered last, per conversation, so that a typed "3" gives its payload.

Two stores with one interface (`SharedStore`): `RedisStore` when `REDIS_URL` is set (`SET NX EX`
for de-duplication, keys under a prefix, values encrypted), otherwise `TableStore`, the table
`meta_marks` of the application database (`bot.meta_inbox`), which every process on the same
database shares. Keys never hold an id in clear: a hash of the message id, the blind index of
the conversation id. Values (times, payloads) are encrypted with `CJ62_FERNET_KEY`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from bot.crypto import SENDER, cipher
from bot.meta_inbox import MetaInbox

Clock = Callable[[], dt.datetime]

DEDUP_TTL = dt.timedelta(hours=48)
SEEN_TTL = dt.timedelta(days=8)  # beyond 7 days nothing may be sent anyway
LIST_TTL = dt.timedelta(days=7)
DEFAULT_REDIS_PREFIX = "cj62:meta:"


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class SharedStore(Protocol):
    async def add_once(self, key: str, ttl: dt.timedelta) -> bool:
        """Set `key` unless it is already set: True if this call set it."""

    async def put(self, key: str, value: str, ttl: dt.timedelta) -> None: ...

    async def get(self, key: str) -> str | None: ...

    async def delete(self, key: str) -> None: ...

    async def close(self) -> None: ...


class TableStore:
    """The `meta_marks` table of the application database (no Redis)."""

    def __init__(self, inbox: MetaInbox, clock: Clock = utc_now) -> None:
        self.inbox = inbox
        self.clock = clock

    async def add_once(self, key: str, ttl: dt.timedelta) -> bool:
        return await asyncio.to_thread(self.inbox.add_once, key, ttl, self.clock())

    async def put(self, key: str, value: str, ttl: dt.timedelta) -> None:
        await asyncio.to_thread(self.inbox.put, key, value, ttl, self.clock())

    async def get(self, key: str) -> str | None:
        return await asyncio.to_thread(self.inbox.get, key, self.clock())

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self.inbox.forget, key)

    async def close(self) -> None:
        return None


class RedisStore:
    """Redis (`REDIS_URL`): the client is made on first use, in the running event loop."""

    def __init__(self, url: str, prefix: str = DEFAULT_REDIS_PREFIX) -> None:
        self.url = url
        self.prefix = prefix
        self._client: Any = None

    @property
    def client(self) -> Any:
        if self._client is None:
            from redis import asyncio as redis

            self._client = redis.from_url(self.url)
        return self._client

    async def add_once(self, key: str, ttl: dt.timedelta) -> bool:
        return bool(await self.client.set(self.prefix + key, "1", nx=True, ex=int(ttl.total_seconds())))

    async def put(self, key: str, value: str, ttl: dt.timedelta) -> None:
        await self.client.set(self.prefix + key, cipher().encrypt(value), ex=int(ttl.total_seconds()))

    async def get(self, key: str) -> str | None:
        found = await self.client.get(self.prefix + key)
        return None if found is None else cipher().decrypt(found.decode("ascii"))

    async def delete(self, key: str) -> None:
        await self.client.delete(self.prefix + key)

    async def close(self) -> None:
        if self._client is not None:
            client, self._client = self._client, None
            await client.close()


def store_from_env(inbox: MetaInbox, clock: Clock = utc_now, environ: dict[str, str] | None = None) -> SharedStore:
    env = os.environ if environ is None else environ
    url = (env.get("REDIS_URL") or "").strip()
    return RedisStore(url) if url else TableStore(inbox, clock)


class MetaState:
    """The three uses of the shared store, with their keys and lifetimes."""

    def __init__(self, store: SharedStore, clock: Clock = utc_now) -> None:
        self.store = store
        self.clock = clock

    @staticmethod
    def _sender(kind: str, sender_id: str) -> str:
        return f"{kind}:{cipher().blind_index(SENDER, sender_id)}"

    async def first_delivery(self, event_key: str) -> bool:
        """True the first time this event (its `mid`) arrives in 48 hours."""
        return await self.store.add_once(f"mid:{event_key}", DEDUP_TTL)

    async def forget_delivery(self, event_key: str) -> None:
        """Undo `first_delivery` when the event could not be queued (Meta will send it again)."""
        await self.store.delete(f"mid:{event_key}")

    async def record_seen(self, sender_id: str, at: dt.datetime) -> None:
        await self.store.put(self._sender("seen", sender_id), at.astimezone(dt.timezone.utc).isoformat(), SEEN_TTL)

    async def last_seen(self, sender_id: str) -> dt.datetime | None:
        value = await self.store.get(self._sender("seen", sender_id))
        try:
            return dt.datetime.fromisoformat(value) if value else None
        except ValueError:
            return None

    async def offer_list(self, sender_id: str, payloads: Sequence[str]) -> None:
        await self.store.put(self._sender("list", sender_id), json.dumps(list(payloads), ensure_ascii=False),
                             LIST_TTL)

    async def offered_list(self, sender_id: str) -> list[str]:
        value = await self.store.get(self._sender("list", sender_id))
        try:
            found = json.loads(value) if value else []
        except ValueError:
            return []
        return [p for p in found if isinstance(p, str)] if isinstance(found, list) else []

    async def clear_list(self, sender_id: str) -> None:
        await self.store.delete(self._sender("list", sender_id))
