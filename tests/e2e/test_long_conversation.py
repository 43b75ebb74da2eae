"""A conversation longer than what the tracker store replays (rasa_ext/stores/session_cuts.py).

After 20 user turns the store reads the session from a cut point; the commune given at the very
start must still be known, and every message must be stored once, in order.
"""

from __future__ import annotations

import uuid

import pytest

from bot.knowledge import knowledge
from rasa_ext.stores.session_cuts import TAIL_TURNS

pytestmark = pytest.mark.slow
SMALL_TALK = ["merci", "c'est quoi graine de ?", "bonjour", "ok"]


def test_a_commune_given_fifty_turns_ago_still_gives_its_slai(servers) -> None:  # noqa: ANN001
    sender = f"long-{uuid.uuid4().hex[:12]}"
    sent = ["j'habite à Lens"]
    servers.say(sender, sent[0])
    for number in range(2 * TAIL_TURNS + 10):
        text = SMALL_TALK[number % len(SMALL_TALK)]
        assert servers.say(sender, text), f"pas de réponse au tour {number + 2}"
        sent.append(text)
    sent.append("je peux appeler qui ?")
    replies = "\n".join(reply.get("text") or "" for reply in servers.say(sender, sent[-1]))
    assert knowledge().territories["lens_lievin"].slai.phone in replies, replies

    users = [event["text"] for event in servers.tracker(sender)["events"] if event["event"] == "user"]
    assert users == sent  # each message stored once, in order, none lost
