"""Spike for issue 7, point 3: the conversations database goes away mid-conversation (a TCP proxy in
front of PostgreSQL, cut by the test). Stock Rasa would go on with a blank conversation (its
FailSafeTrackerStore swallows the error); ours answers a short apology, saves nothing, and the
conversation continues with its form and answers once the database is back."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from chat import texts
from sqlalchemy.engine import make_url
from tcp_proxy import Proxy

from rasa_ext.channels.messages import APOLOGY

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def behind_a_proxy(model: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple]:
    from rasa_servers import running_servers

    from bot.storage.testing import PostgresUnavailable, temporary_postgres_database

    try:
        with temporary_postgres_database("cj62_outage") as url:
            real = make_url(url)
            proxy = Proxy(real.port or 5432, real.host or "127.0.0.1")
            proxied = real.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
            try:
                with running_servers(model, tmp_path_factory.mktemp("outage"), TRACKER_DB_URL=proxied) as servers:
                    yield servers, proxy
            finally:
                proxy.close()
    except PostgresUnavailable as unavailable:
        pytest.skip(str(unavailable))


def test_an_outage_gets_an_apology_and_the_conversation_resumes_intact(behind_a_proxy) -> None:  # noqa: ANN001
    servers, proxy = behind_a_proxy
    sender = f"panne-{uuid.uuid4().hex[:8]}"
    servers.say(sender, "je cherche une aide")
    assert "commune" in texts(servers.say(sender, '/inform{"besoin": "logement"}'))

    proxy.cut()
    try:
        during = servers.say(sender, "17 ans, Lens")
    finally:
        proxy.restore()
    assert texts(during) == APOLOGY

    after = texts(servers.say(sender, "17 ans, Lens"))
    assert "Pour le logement" in after and "Bonjour" not in after and "commune" not in after, after
    state = servers.tracker(sender)
    assert state["slots"]["age"] == 17 and state["slots"]["commune"] == "Lens"
    assert state["slots"]["pending_fact"] == "groupe:logement"
    users = [e["text"] for e in state["events"] if e["event"] == "user"]
    assert users.count("17 ans, Lens") == 1  # the turn during the outage left nothing behind
