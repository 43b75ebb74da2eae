"""The REST channel mounted as Rasa mounts it, on a real Sanic server, spoken to over HTTP."""

from __future__ import annotations

import json
import logging
from typing import Any

import aiohttp
import pytest
from rasa.shared.core.events import ActionExecuted, BotUttered
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_ext.channels import messages
from rasa_ext.channels.rest import RestInput

WEBHOOK = "/webhooks/rest/webhook"
ROLE_PAYLOAD = '/inform{"role":"jeune"}'

pytestmark = pytest.mark.asyncio


async def post(server: Any, body: Any = None, *, raw: bytes | None = None) -> tuple[int, Any]:
    data = raw if raw is not None else json.dumps(body).encode()
    async with aiohttp.ClientSession() as session:
        async with session.post(
            server.url + WEBHOOK, data=data, headers={"Content-Type": "application/json"}
        ) as answer:
            return answer.status, await answer.json(content_type=None)


def texts(answers: list[dict[str, Any]]) -> list[str]:
    return [answer["text"] for answer in answers]


async def test_the_url_and_name_are_those_of_rasas_rest_channel(rest_server) -> None:
    assert RestInput.name() == "rest"
    async with aiohttp.ClientSession() as session:
        async with session.get(rest_server.url + "/webhooks/rest/") as answer:
            assert answer.status == 200 and await answer.json() == {"status": "ok"}


async def test_a_valid_message_is_answered_in_rasas_format(rest_server) -> None:
    status, answers = await post(rest_server, {"sender": "s1", "message": "je cherche un logement"})
    assert status == 200
    assert answers == [{"recipient_id": "s1", "text": rest_server.agent.answer, "buttons": rest_server.agent.buttons}]
    [received] = rest_server.agent.received
    assert (received.text, received.sender_id, received.input_channel) == ("je cherche un logement", "s1", "rest")


async def test_metadata_is_passed_when_it_is_an_object(rest_server) -> None:
    body = {"sender": "s1", "message": "oui", "metadata": {"button": True}, "input_channel": "autre"}
    status, _ = await post(rest_server, body)
    assert status == 200
    [received] = rest_server.agent.received
    assert received.metadata == {"button": True}
    assert received.input_channel == "rest"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b'{"sender": "s1", "message": ', "invalid_json"),
        (b"sender=s1&message=bonjour", "invalid_json"),
        (b"", "invalid_json"),
        (b"\xff\xfe\x00garbage", "invalid_json"),
        (b'["s1", "bonjour"]', "not_an_object"),
        (b'"bonjour"', "not_an_object"),
    ],
)
async def test_a_body_that_is_not_a_json_object_is_a_400_in_french(rest_server, raw: bytes, reason: str) -> None:
    status, answer = await post(rest_server, raw=raw)
    assert status == 400
    assert answer["reason"] == reason
    assert "JSON" in answer["message"] and "requête" in answer["message"]
    assert rest_server.agent.received == []


@pytest.mark.parametrize(
    "body",
    [
        {"sender": "s1"},
        {"sender": "s1", "message": None},
        {"sender": "s1", "message": 42},
        {"sender": "s1", "message": ["bonjour"]},
        {"sender": "s1", "message": {"text": "bonjour"}},
    ],
)
async def test_a_missing_null_or_non_string_message_is_refused_in_french(rest_server, body: dict) -> None:
    status, answer = await post(rest_server, body)
    assert status == 400
    assert (answer["reason"], answer["message"]) == ("invalid_message", messages.UNREADABLE)
    assert rest_server.agent.received == []


@pytest.mark.parametrize("sender", [None, 12, "", "a" * 300, ["s1"]])
async def test_a_sender_that_is_not_a_valid_id_is_refused(rest_server, sender: Any) -> None:
    body = {"message": "bonjour"} if sender is None else {"sender": sender, "message": "bonjour"}
    status, answer = await post(rest_server, body)
    assert status == 400 and answer["reason"] == "invalid_sender"
    assert rest_server.agent.received == []


@pytest.mark.parametrize("metadata", ["{}", [1], 3])
async def test_metadata_that_is_not_an_object_is_refused(rest_server, metadata: Any) -> None:
    status, answer = await post(rest_server, {"sender": "s1", "message": "bonjour", "metadata": metadata})
    assert status == 400 and answer["reason"] == "invalid_metadata"


@pytest.mark.parametrize("message", ["", "   ", "\n\t", "/", "// "])
async def test_an_empty_message_gets_a_french_answer_without_rasa(rest_server, message: str) -> None:
    status, answers = await post(rest_server, {"sender": "s1", "message": message})
    assert status == 200
    assert answers == [{"recipient_id": "s1", "text": messages.UNREADABLE}]
    assert rest_server.agent.received == []


async def test_a_20_kb_text_is_cut_and_the_answer_says_so(rest_server) -> None:
    text = "Je cherche un logement à Calais. " * 620  # about 20 000 characters
    status, answers = await post(rest_server, {"sender": "s1", "message": text})
    assert status == 200
    assert texts(answers) == [messages.TRUNCATED_NOTICE, rest_server.agent.answer]
    [received] = rest_server.agent.received
    head, tail = received.text.split(messages.ELLIPSIS)
    assert 0 < len(received.text) <= messages.MAX_TEXT_LENGTH and text.startswith(head) and text.strip().endswith(tail)


@pytest.mark.parametrize("text", ["<script>alert('x')</script> logement", "😀🏠🙏", "I need a flat in Lens"])
async def test_html_emoji_and_other_languages_go_to_rasa_as_text(rest_server, text: str) -> None:
    status, answers = await post(rest_server, {"sender": "s1", "message": text})
    assert status == 200 and texts(answers) == [rest_server.agent.answer]
    assert [message.text for message in rest_server.agent.received] == [text]


async def test_a_restart_typed_by_hand_is_plain_text(rest_server) -> None:
    status, _ = await post(rest_server, {"sender": "s1", "message": "/restart"})
    assert status == 200
    assert [message.text for message in rest_server.agent.received] == ["restart"]


async def test_an_offered_payload_goes_to_rasa_as_is(rest_server) -> None:
    offered = BotUttered("Vous êtes ?", {"buttons": [{"title": "Un jeune", "payload": ROLE_PAYLOAD}]})
    tracker = DialogueStateTracker.from_events("s1", [ActionExecuted("action_listen"), offered])
    await rest_server.agent.tracker_store.save(tracker)

    await post(rest_server, {"sender": "s1", "message": ROLE_PAYLOAD, "metadata": {"button": True}})
    await post(rest_server, {"sender": "s2", "message": ROLE_PAYLOAD})  # offered to s1, not s2
    await post(rest_server, {"sender": "s1", "message": '/inform{"role":"structure"}'})

    assert [(m.sender_id, m.text) for m in rest_server.agent.received] == [
        ("s1", ROLE_PAYLOAD),
        ("s2", ROLE_PAYLOAD[1:]),
        ("s1", 'inform{"role":"structure"}'),
    ]


async def test_a_failure_gets_a_french_apology_and_no_user_text_in_the_logs(rest_server, caplog) -> None:
    rest_server.agent.fail = True
    caplog.set_level(logging.DEBUG)
    status, answers = await post(rest_server, {"sender": "s1", "message": "Je m'appelle Camille Durand-Secret"})
    assert status == 200
    assert answers == [{"recipient_id": "s1", "text": messages.APOLOGY}]
    assert "RuntimeError" in caplog.text
    assert "Durand-Secret" not in caplog.text


async def test_the_server_still_answers_after_bad_requests(rest_server) -> None:
    for raw in (b"{", b"null", b'{"sender": "s1", "message": null}'):
        await post(rest_server, raw=raw)
    status, answers = await post(rest_server, {"sender": "s1", "message": "bonjour"})
    assert status == 200 and texts(answers) == [rest_server.agent.answer]


@pytest.mark.parametrize("environment", ["production", "Production", " PRODUCTION ", "prod"])
async def test_in_production_the_channel_is_closed_without_its_token(rest_server, monkeypatch,  # noqa: ANN001
                                                                     environment: str) -> None:
    monkeypatch.setenv("CJ62_ENV", environment)
    monkeypatch.delenv("REST_TOKEN", raising=False)
    body = {"sender": "quelqu-un-d-autre", "message": "bonjour"}
    status, answer = await post(rest_server, body)
    assert status == 403 and answer["reason"] == "forbidden"
    monkeypatch.setenv("REST_TOKEN", "jeton-rest")
    assert (await post(rest_server, body))[0] == 403
    async with aiohttp.ClientSession() as session:
        async with session.post(rest_server.url + WEBHOOK, data=json.dumps(body).encode(),
                                headers={"Content-Type": "application/json", "X-Rest-Token": "jeton-rest"}) as reply:
            assert reply.status == 200
    assert [m.sender_id for m in rest_server.agent.received] == ["quelqu-un-d-autre"]
