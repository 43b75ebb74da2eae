"""The Meta queue's worker stops, whatever the timing of its stop (rasa_ext/channels/meta_queue.py)."""

from __future__ import annotations

import asyncio
import datetime as dt

from rasa_ext.channels.meta_queue import QueueWorker


class EmptyInbox:
    """Nothing queued; counts the purges of expired marks."""

    def __init__(self) -> None:
        self.purges = 0

    def claim(self, *_: object) -> None:
        return None

    def purge_marks(self, _now: dt.datetime) -> int:
        self.purges += 1
        return 0


async def _idle_worker(inbox: EmptyInbox) -> QueueWorker:
    async def handle(_item: object) -> None:
        raise AssertionError("nothing is queued")

    worker = QueueWorker(inbox, handle, lambda: dt.datetime(2026, 12, 8, tzinfo=dt.timezone.utc), poll=30)
    worker.start()
    for _ in range(50):  # until the loop waits for the next poll
        await asyncio.sleep(0.01)
    return worker


async def test_a_stop_that_comes_as_the_worker_is_woken_still_ends_it() -> None:
    """On Python 3.10 `asyncio.wait_for` swallows a cancellation that arrives as the awaited event is
    set: a handled event's `finally` wakes the worker while `stop` cancels it, and the worker went on
    polling for ever (a CI test teardown hung on it)."""
    worker = await _idle_worker(EmptyInbox())
    worker.wake()  # the wake-up and the cancellation in the same turn of the loop
    await asyncio.wait_for(worker.stop(), timeout=5)
    assert not worker.running


async def test_expired_marks_are_purged_by_the_running_worker() -> None:
    """The purge call sat after a `raise`, unreachable: the marks of the table store were never purged."""
    inbox = EmptyInbox()
    worker = await _idle_worker(inbox)
    await worker.stop()
    assert inbox.purges == 1
