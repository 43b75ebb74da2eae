"""The hardened action server (rasa_ext/action_server.py) on a real Sanic server: token required,
no request echoed on error, no personal data in the log, loopback by default."""

from __future__ import annotations

import json
import logging

import aiohttp
import pytest

from rasa_ext.action_server import FAILED, REFUSED, ActionServerConfigError, create_app, token_from_env

TOKEN = "jeton-de-test"


def call(action: str) -> dict:
    return {"next_action": action, "sender_id": "web-1", "version": "3.6.2", "domain": {},
            "tracker": {"sender_id": "web-1", "slots": {}, "latest_message": {"text": "Œdipe Zyxwoquet"},
                        "events": [], "paused": False, "followup_action": None, "active_loop": {},
                        "latest_action_name": "action_listen"}}


@pytest.fixture
async def server():
    from rasa_servers import free_port
    from sanic import Sanic

    Sanic.test_mode = True
    app = create_app(TOKEN, package="failing_actions")
    port = free_port()
    running = await app.create_server(host="127.0.0.1", port=port, return_asyncio_server=True, access_log=False)
    await running.startup()
    await running.before_start()
    await running.after_start()
    yield f"http://127.0.0.1:{port}"
    await running.before_stop()
    closing = running.close()
    if closing is not None:
        await closing
    await running.after_stop()


async def post(url: str, body: dict, token: str | None) -> tuple[int, dict]:
    headers = {"X-Action-Token": token} if token is not None else {}
    async with aiohttp.ClientSession() as session:
        async with session.post(url + "/webhook", data=json.dumps(body), headers=headers) as answer:
            return answer.status, await answer.json(content_type=None)


async def test_calls_need_the_token_but_health_does_not(server: str) -> None:
    async with aiohttp.ClientSession() as session:
        async with session.get(server + "/health") as answer:
            assert answer.status == 200
        async with session.get(server + "/actions") as answer:
            assert answer.status == 401
    for token in (None, "", "faux", TOKEN + "x"):
        assert await post(server, call("action_that_works"), token) == (401, {"error": REFUSED})
    status, answer = await post(server, call("action_that_works"), TOKEN)
    assert status == 200 and answer["responses"][0]["text"] == "ok"


async def test_an_error_echoes_nothing_and_logs_nothing_personal(server: str, caplog) -> None:  # noqa: ANN001
    caplog.set_level(logging.DEBUG)
    status, answer = await post(server, call("action_that_fails"), TOKEN)
    assert (status, answer) == (500, {"error": FAILED})
    assert "ValueError" in caplog.text
    assert "Œdipe" not in caplog.text and "Zyxwoquet" not in caplog.text and "06 98" not in caplog.text


def test_production_requires_the_token() -> None:
    assert token_from_env({"ACTION_TOKEN": " abc "}) == "abc"
    assert token_from_env({}) is None
    with pytest.raises(ActionServerConfigError):
        token_from_env({"CJ62_ENV": "production"})


def test_the_action_server_loads_rasa_sdk_and_bot_but_neither_rasa_nor_tensorflow() -> None:
    """Issue 15: it imported Rasa (and so TensorFlow) through a log helper, 700 MB for nothing."""
    import subprocess
    import sys

    script = ("import importlib, pkgutil, sys, actions, rasa_ext.action_server\n"
              "for m in pkgutil.iter_modules(actions.__path__): importlib.import_module('actions.' + m.name)\n"
              "print(sorted({n.split('.')[0] for n in sys.modules} & {'rasa', 'tensorflow', 'spacy', 'rasa_sdk'}))")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True)
    assert done.stdout.split("\n")[-2] == "['rasa_sdk']"
