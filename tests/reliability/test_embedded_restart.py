"""The embedded default (SQLite tracker file, in-memory lock) restarted: the conversation resumes."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from rasa_servers import replica_cluster

from bot.knowledge import knowledge

pytestmark = pytest.mark.slow


def test_a_restarted_server_resumes_the_conversation_with_its_slots(model: Path, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REDIS_URL", raising=False)  # the embedded default: no Redis
    sender = f"restart-{uuid.uuid4().hex[:12]}"
    with replica_cluster(model, tmp_path, 1) as cluster:
        server = cluster.servers[0]
        assert server.say(sender, "j'habite à Lens")
        before = cluster.tracker(sender)["slots"]
        cluster.stop("rasa")
        cluster.restart("rasa")
        after = cluster.tracker(sender)["slots"]
        replies = "\n".join(reply.get("text") or "" for reply in server.say(sender, "je peux appeler qui ?"))
    assert before["commune"] and after == before
    assert knowledge().territories["lens_lievin"].slai.phone in replies, replies
