"""Rasa's calls to the action server reuse one connection (rasa_ext/action_client.py)."""

from __future__ import annotations

from aiohttp import web
from aiohttp.test_utils import TestServer
from rasa.utils.endpoints import EndpointConfig

from rasa_ext import action_client


async def _server(peers: list[int]) -> TestServer:
    async def webhook(request: web.Request) -> web.Response:
        peers.append(request.transport.get_extra_info("peername")[1])
        assert request.headers["X-Action-Token"] == "jeton"
        return web.json_response({"events": [], "responses": []})

    app = web.Application()
    app.router.add_post("/webhook", webhook)
    server = TestServer(app)
    await server.start_server()
    return server


async def test_successive_actions_share_one_connection_with_the_endpoint_headers() -> None:
    action_client.install()
    peers: list[int] = []
    server = await _server(peers)
    try:
        endpoint = EndpointConfig(url=str(server.make_url("/webhook")), headers={"X-Action-Token": "jeton"})
        for _ in range(3):
            assert await endpoint.request(json={"next_action": "action_x"}, method="post") == {
                "events": [], "responses": []}
    finally:
        await action_client.close_sessions()
        await server.close()
    assert len(peers) == 3 and len(set(peers)) == 1  # one client port: one kept-alive connection


async def test_endpoints_with_other_headers_get_their_own_session() -> None:
    action_client.install()
    one = EndpointConfig(url="http://127.0.0.1:1/webhook", headers={"X-Action-Token": "a"})
    other = EndpointConfig(url="http://127.0.0.1:1/webhook", headers={"X-Action-Token": "b"})
    async with one.session() as first, one.session() as again, other.session() as second:
        assert first is again and first is not second
        assert first.headers["X-Action-Token"] == "a" and second.headers["X-Action-Token"] == "b"
    await action_client.close_sessions()
    assert first.closed and second.closed
