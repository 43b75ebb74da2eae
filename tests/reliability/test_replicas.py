"""Two Rasa replicas on the production stores of this machine: PostgreSQL for conversations and
application data, Redis for the conversation lock and REST de-duplication (issue 7, point 7).

Skipped with a message when PostgreSQL or Redis does not answer; CI has both."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from chat import texts

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def replicas(model: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[list]:
    from rasa_servers import running_replicas
    from shared_stores import replica_stores

    with replica_stores("replicas") as stores, \
            running_replicas(model, tmp_path_factory.mktemp("replicas"), 2, **stores) as running:
        yield running


def test_a_conversation_alternating_between_replicas_keeps_its_form(replicas) -> None:  # noqa: ANN001
    a, b = replicas
    sender = f"alterne-{uuid.uuid4().hex[:8]}"
    assert "cherches" in texts(a.say(sender, "je cherche une aide"))
    asked_age = texts(b.say(sender, '/inform{"besoin": "logement"}'))
    assert "âge" in asked_age and "commune" in asked_age, asked_age
    next_question = texts(a.say(sender, "17 ans, Lens"))
    assert "Pour le logement" in next_question and "Bonjour" not in next_question, next_question
    state = b.tracker(sender)
    assert state["slots"]["age"] == 17 and state["slots"]["commune"] == "Lens"
    assert state["slots"]["territoire"] == "lens_lievin" and state["slots"]["pending_fact"] == "groupe:logement"
    result = texts(b.say(sender, '/inform{"situation": "recherche_logement"}'))
    assert "CLLAJ" in result and "Lens-Liévin" in result, result


def test_a_burst_sent_to_both_replicas_is_handled_once_each_turn_whole(replicas) -> None:  # noqa: ANN001
    a, b = replicas
    sender = f"rafale-{uuid.uuid4().hex[:8]}"
    a.say(sender, "bonjour")
    burst = ["numéro du SLAI de Lens", "c'est quoi le FAJ Co ?", "merci", "quel montant pour le CLLAJ ?",
             "numéro du SLAI d'Arras"]

    def send(index: int) -> list[dict]:
        server = (a, b)[index % 2]
        return server.say(sender, burst[index], message_id=f"m{index}")

    with ThreadPoolExecutor(max_workers=5) as pool:
        answers = list(pool.map(send, range(5)))
    assert all(answer for answer in answers)
    retried = b.say(sender, burst[0], message_id="m0")  # a client's retry: the same answer, no new turn
    assert retried == answers[0]

    events = a.tracker(sender)["events"]
    users = [e["text"] for e in events if e["event"] == "user"]
    assert sorted(users) == sorted(["bonjour", *burst])  # each message exactly once
    # Each turn is whole: a user message, its actions and replies, then listening, never another
    # user message in between.
    listening = True
    for event in events:
        if event["event"] == "user":
            assert listening, "un message a commencé avant la fin du tour précédent"
            listening = False
        elif event["event"] == "action" and event["name"] == "action_listen":
            listening = True
    assert listening
