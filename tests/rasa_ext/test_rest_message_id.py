"""REST retries with the client's `message_id` are answered once (rasa_ext/channels/dedup.py), in
one process and across two replicas sharing Redis."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp
import pytest

WEBHOOK = "/webhooks/rest/webhook"


async def post(server: Any, body: dict) -> tuple[int, Any]:
    async with aiohttp.ClientSession() as session:
        async with session.post(server.url + WEBHOOK, data=json.dumps(body).encode(),
                                headers={"Content-Type": "application/json"}) as answer:
            return answer.status, await answer.json(content_type=None)


async def test_a_retry_gets_the_first_answer_without_a_second_turn(rest_server) -> None:
    body = {"sender": "s1", "message": "bonjour", "message_id": "m-1"}
    first, second = await post(rest_server, body), await post(rest_server, body)
    assert first == second and first[0] == 200 and first[1][0]["text"] == rest_server.agent.answer
    assert len(rest_server.agent.received) == 1
    await post(rest_server, {**body, "message_id": "m-2"})
    await post(rest_server, {**body, "sender": "s2"})
    await post(rest_server, {"sender": "s1", "message": "bonjour"})  # no id: always a turn
    assert len(rest_server.agent.received) == 4


async def test_a_retry_while_the_first_is_running_waits_for_its_answer(rest_server) -> None:
    release = asyncio.Event()
    handle = rest_server.agent.handle_message

    async def slow(message) -> None:  # noqa: ANN001
        await release.wait()
        await handle(message)

    rest_server.agent.handle_message = slow
    body = {"sender": "s1", "message": "bonjour", "message_id": "m-slow"}
    both = asyncio.gather(post(rest_server, body), post(rest_server, body))
    await asyncio.sleep(0.3)
    release.set()
    first, second = await both
    assert first == second and len(rest_server.agent.received) == 1


async def test_a_failed_turn_is_processed_again_on_retry(rest_server) -> None:
    rest_server.agent.fail = True
    body = {"sender": "s1", "message": "bonjour", "message_id": "m-fail"}
    status, answers = await post(rest_server, body)
    assert status == 200 and "désolé" in answers[-1]["text"].lower() or "excus" in answers[-1]["text"].lower()
    rest_server.agent.fail = False
    status, answers = await post(rest_server, body)
    assert answers[0]["text"] == rest_server.agent.answer and len(rest_server.agent.received) == 2


@pytest.mark.parametrize("message_id", ["", 3, "x" * 129, "a\nb", ["m"]])
async def test_a_bad_message_id_is_a_400(rest_server, message_id: Any) -> None:
    status, answer = await post(rest_server, {"sender": "s1", "message": "bonjour", "message_id": message_id})
    assert status == 400 and answer["reason"] == "invalid_message_id" and "message_id" in answer["message"]
    assert rest_server.agent.received == []


async def test_a_retry_on_the_other_replica_is_answered_once(two_replicas) -> None:  # noqa: ANN001
    a, b = two_replicas
    body = {"sender": "s1", "message": "bonjour", "message_id": "m-1"}
    first, retried = await post(a, body), await post(b, body)
    assert first == retried
    assert len(a.agent.received) + len(b.agent.received) == 1
