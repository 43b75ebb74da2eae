"""bot.handoff.delivery against a fake Rasa HTTP server on loopback: the exact call, both kinds of
authentication, and failures that become "non délivré" instead of exceptions."""

from __future__ import annotations

import socket

import jwt
import pytest

from bot.handoff.delivery import (
    ACTION_DELIVER,
    ACTION_PAUSE,
    ACTION_RESUME,
    DeliveryConfigError,
    RasaClient,
    deliver_message,
)
from bot.handoff.models import (
    REASON_NO_DEFERRED_SENDING,
    REASON_RASA_REFUSED,
    REASON_RASA_UNREACHABLE,
    DeliveryState,
)
from bot.handoff.testing import FakeRasa


async def test_the_three_actions_are_executed_with_the_dev_token() -> None:
    async with FakeRasa() as rasa:
        client = RasaClient.from_env({"RASA_URL": rasa.url, "RASA_AUTH_TOKEN": "jeton-dev"})
        assert (await client.deliver("web/1 é")).ok
        assert (await client.pause("web/1 é")).ok
        assert (await client.resume("web/1 é")).ok
    assert rasa.actions() == [("web/1 é", ACTION_DELIVER), ("web/1 é", ACTION_PAUSE), ("web/1 é", ACTION_RESUME)]
    call = rasa.calls[0]
    assert call.query == {"token": "jeton-dev", "output_channel": "latest"} and call.authorization is None


async def test_production_signs_a_short_jwt_that_rasa_accepts_as_admin() -> None:
    async with FakeRasa() as rasa:
        client = RasaClient.from_env({"RASA_URL": rasa.url, "CJ62_ENV": "production", "RASA_JWT_SECRET": "un-secret-jwt-de-test-assez-long-pour-hs256",
                                      "RASA_AUTH_TOKEN": "jamais-en-production"})
        assert (await client.deliver("web-1")).ok
    call = rasa.calls[0]
    assert call.query == {"output_channel": "latest"}
    scheme, token = call.authorization.split(" ")
    claims = jwt.decode(token, "un-secret-jwt-de-test-assez-long-pour-hs256", algorithms=["HS256"])
    assert scheme == "Bearer" and claims["user"] == {"username": "cj62-backoffice", "role": "admin"}
    assert claims["exp"] - claims["iat"] <= 300


def test_production_without_a_jwt_secret_refuses_to_start() -> None:
    with pytest.raises(DeliveryConfigError, match="RASA_JWT_SECRET"):
        RasaClient.from_env({"CJ62_ENV": "production"})


async def test_errors_and_timeouts_are_outcomes_not_exceptions() -> None:
    async with FakeRasa(status=500) as rasa:
        outcome = await RasaClient(rasa.url).resume("web-1")
    assert not outcome.ok and outcome.reason == REASON_RASA_REFUSED
    async with FakeRasa(delay=2) as slow:
        outcome = await RasaClient(slow.url, timeout=0.2).deliver("web-1")
    assert not outcome.ok and outcome.reason == REASON_RASA_UNREACHABLE
    with socket.socket() as probe:  # a port where nothing listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    outcome = await RasaClient(f"http://127.0.0.1:{port}", timeout=2).deliver("web-1")
    assert not outcome.ok and outcome.reason == REASON_RASA_UNREACHABLE


async def test_deliver_message_records_the_state(repository, new_request) -> None:  # noqa: ANN001
    web = new_request(sender="web-1", channel="socketio")
    rest = new_request(sender="rest-1", channel="rest")
    async with FakeRasa() as rasa:
        client = RasaClient(rasa.url)
        missed = repository.add_message(web.reference, "compte-1", "premier")
        repository.mark_delivery(missed.id, "non_delivre", REASON_RASA_UNREACHABLE)
        message = repository.add_message(web.reference, "compte-1", "second")
        delivered = await deliver_message(repository, client, message, web.sender_id, web.channel.value)
        not_here = repository.add_message(rest.reference, "compte-1", "bonjour")
        stored = await deliver_message(repository, client, not_here, rest.sender_id, rest.channel.value)
    assert delivered.delivery_state == DeliveryState.DELIVRE and delivered.delivered_at is not None
    assert repository.pending_messages("web-1") == []  # the missed one was uttered with it
    assert stored.delivery_state == DeliveryState.NON_DELIVRE and stored.delivery_reason == REASON_NO_DEFERRED_SENDING
    assert rasa.actions() == [("web-1", ACTION_DELIVER)]  # the REST conversation was not called
    assert [m.id for m in repository.pending_messages("rest-1")] == [not_here.id]


async def test_a_failed_delivery_stays_pending(repository, new_request) -> None:  # noqa: ANN001
    web = new_request(sender="web-1", channel="socketio")
    async with FakeRasa(status=503) as rasa:
        message = repository.add_message(web.reference, "compte-1", "bonjour")
        result = await deliver_message(repository, RasaClient(rasa.url), message, "web-1", "socketio")
    assert result.delivery_state == DeliveryState.NON_DELIVRE and result.delivery_reason == REASON_RASA_REFUSED
    assert [m.id for m in repository.pending_messages("web-1")] == [message.id]
