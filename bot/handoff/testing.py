"""A fake of Rasa's HTTP API for tests (ours and the chat side's): nothing runs at import time.

`FakeRasa` listens on a free loopback port and answers `POST /conversations/{id}/execute` the
way Rasa does (200 with a small JSON body), recording every call: conversation id, action
name, query string and `Authorization` header. `status` makes it answer an error instead, and
`delay` makes it slow (timeouts). Use it in async tests (`async with FakeRasa() as rasa:`) or,
for tests of another process, in a thread of its own (`with FakeRasa.in_thread() as rasa:`).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from aiohttp import web


@dataclass(frozen=True)
class Call:
    sender_id: str
    action: str
    query: dict[str, str]
    authorization: str | None


@dataclass
class FakeRasa:
    status: int = 200
    delay: float = 0.0
    calls: list[Call] = field(default_factory=list)
    url: str = ""
    _runner: web.AppRunner | None = None

    async def _execute(self, request: web.Request) -> web.Response:
        try:
            body = await request.json()
        except ValueError:
            body = {}
        self.calls.append(Call(request.match_info["sender_id"], str(body.get("name")), dict(request.query),
                               request.headers.get("Authorization")))
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.status != 200:
            return web.json_response({"status": "failure", "code": self.status}, status=self.status)
        return web.json_response({"tracker": {"sender_id": request.match_info["sender_id"]}, "messages": []})

    async def start(self) -> FakeRasa:
        app = web.Application()
        app.router.add_post("/conversations/{sender_id}/execute", self._execute)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}"
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeRasa:
        return await self.start()

    async def __aexit__(self, *_: object) -> None:
        await self.stop()

    def actions(self) -> list[tuple[str, str]]:
        return [(call.sender_id, call.action) for call in self.calls]

    @classmethod
    @contextmanager
    def in_thread(cls, **options: object) -> Iterator[FakeRasa]:
        """The fake served by its own event loop in a daemon thread."""
        fake = cls(**options)  # type: ignore[arg-type]
        loop = asyncio.new_event_loop()
        ready = threading.Event()

        def run() -> None:
            asyncio.set_event_loop(loop)
            loop.run_until_complete(fake.start())
            ready.set()
            loop.run_forever()

        thread = threading.Thread(target=run, name="fake-rasa", daemon=True)
        thread.start()
        if not ready.wait(10):
            raise RuntimeError("the fake Rasa server did not start")
        try:
            yield fake
        finally:
            asyncio.run_coroutine_threadsafe(fake.stop(), loop).result(10)
            loop.call_soon_threadsafe(loop.stop)
            thread.join(10)
            loop.close()
