"""The background worker of the Meta channel: takes queued webhook events and has them processed.

One worker per Rasa process, started with the server. It claims events from the durable queue
(`bot.meta_inbox.MetaInbox`, the application database) with a lease, runs `handle` on each (at
most `concurrency` at a time, and one at a time per conversation, in the order Meta sent them),
renews the lease while `handle` runs, and deletes the event when `handle` has returned or raised
(a failure is answered by the channel, like our other channels: it is not retried). A worker
that stops or is killed while handling an event leaves it queued with its lease: once the lease
has run out, any worker takes it again; an event never claimed is taken at once on start-up.

The webhook wakes the worker after queueing; otherwise it looks every `poll` seconds (events a
dead process left behind, another process's webhook). Once an hour it also deletes the expired
marks of the `meta_marks` table.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import uuid
from collections.abc import Awaitable, Callable

from bot.meta_inbox import MetaInbox, QueuedEvent
from rasa_ext.channels import messages

logger = logging.getLogger(__name__)

Clock = Callable[[], dt.datetime]
Handler = Callable[[QueuedEvent], Awaitable[None]]

DEFAULT_LEASE = dt.timedelta(seconds=90)
DEFAULT_POLL = 2.0  # seconds
DEFAULT_CONCURRENCY = 4
PURGE_EVERY = 3600.0  # seconds between two purges of expired marks (`meta_marks`)


class QueueWorker:
    def __init__(self, inbox: MetaInbox, handle: Handler, clock: Clock, *,
                 concurrency: int = DEFAULT_CONCURRENCY, lease: dt.timedelta = DEFAULT_LEASE,
                 poll: float = DEFAULT_POLL) -> None:
        self.inbox = inbox
        self.handle = handle
        self.clock = clock
        self.concurrency = max(1, concurrency)
        self.lease = lease
        self.poll = poll
        self.worker_id = f"meta-{uuid.uuid4().hex[:16]}"
        self._wake = asyncio.Event()
        self._loop_task: asyncio.Task | None = None
        self._active: set[asyncio.Task] = set()
        self._next_purge = 0.0
        self._stopping = False

    @property
    def running(self) -> bool:
        return self._loop_task is not None and not self._loop_task.done()

    def start(self) -> None:
        if not self.running:
            self._stopping = False
            self._wake = asyncio.Event()
            self._loop_task = asyncio.create_task(self._run(), name="meta-queue-worker")

    def wake(self) -> None:
        self._wake.set()

    async def stop(self) -> None:
        """Stop claiming and cancel what is being handled (those events stay queued).

        The loop also stops on a flag: on Python 3.10, `asyncio.wait_for` returns instead of raising
        when the cancellation comes as the awaited event is set (a handled event's `finally` sets
        it), and the cancelled loop went on polling for ever while `stop` waited for it (seen as
        a hung test teardown).
        """
        self._stopping = True
        self._wake.set()
        tasks = [t for t in (self._loop_task, *self._active) if t is not None]
        self._loop_task = None
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._active.clear()

    async def _run(self) -> None:
        while not self._stopping:
            self._wake.clear()
            try:
                while len(self._active) < self.concurrency and not self._stopping:
                    item = await asyncio.to_thread(self.inbox.claim, self.worker_id, self.clock(), self.lease)
                    if item is None:
                        break
                    task = asyncio.create_task(self._process(item))
                    self._active.add(task)
                    task.add_done_callback(self._active.discard)
                await self._purge()
            except asyncio.CancelledError:
                raise
            except Exception as error:  # the database is unreachable: try again at the next poll
                logger.error("Meta queue unreadable: %s", messages.describe_failure(error))
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=self.poll)
            except asyncio.TimeoutError:
                pass

    async def _purge(self) -> None:
        """Now and then, delete the expired marks of the table store (Redis expires its own keys)."""
        now = asyncio.get_running_loop().time()
        if now >= self._next_purge:
            self._next_purge = now + PURGE_EVERY
            await asyncio.to_thread(self.inbox.purge_marks, self.clock())

    async def _process(self, item: QueuedEvent) -> None:
        heartbeat = asyncio.create_task(self._renew(item.id))
        try:
            try:
                await self.handle(item)
            except asyncio.CancelledError:
                raise
            except Exception as error:
                logger.error("Meta event failed: %s", messages.describe_failure(error))
            await asyncio.to_thread(self.inbox.done, item.id)
        finally:
            heartbeat.cancel()
            self._wake.set()

    async def _renew(self, event_id: int) -> None:
        interval = max(self.lease.total_seconds() / 3, 0.05)
        while True:
            await asyncio.sleep(interval)
            try:
                await asyncio.to_thread(self.inbox.renew, event_id, self.worker_id, self.clock() + self.lease)
            except Exception as error:
                logger.warning("Meta queue lease not renewed: %s", messages.describe_failure(error))
