"""Spike for issue 5 against a real Rasa server: the handoff mechanism works around Rasa 3.6's pause.

A person asks for someone, answers the contact questions and gets a reference; the back office's
calls (`bot.handoff.delivery.RasaClient`: pause, deliver, resume through `POST /conversations/{id}/execute`)
pause the conversation, deliver an adviser's message while it is paused, and a new session stays
paused while the request is `en_cours`; the person's "annuler" hands it back to the assistant.
"""

from __future__ import annotations

import re
import uuid

import pytest
import requests
from chat import texts

from bot import storage
from bot.handoff.delivery import RasaClient
from bot.handoff.models import RequestStatus
from bot.handoff.repository import ContactRequestRepository

pytestmark = pytest.mark.slow


def repository(servers) -> ContactRequestRepository:  # noqa: ANN001
    return ContactRequestRepository(storage.session_factory(f"sqlite:///{servers.workdir / 'app.db'}"))


def execute(servers, sender: str, action: str) -> list[dict]:  # noqa: ANN001
    """What the back office does (RasaClient.execute), returning the messages Rasa answered with."""
    response = requests.post(f"{servers.rasa_url}/conversations/{sender}/execute",
                             params={"token": servers.token, "output_channel": "latest"},
                             json={"name": action}, timeout=60)
    response.raise_for_status()
    return response.json()["messages"]


def paused(servers, sender: str) -> bool:  # noqa: ANN001
    return bool(servers.tracker(sender).get("paused"))


def ask_for_someone(servers, sender: str) -> str:  # noqa: ANN001
    """The chat up to the receipt; returns the request's reference."""
    transcript = []
    for text in ("je veux parler à quelqu'un", "oui", "Calais", "Par téléphone", "06 12 34 56 78", "Le matin"):
        replies = servers.say(sender, text)
        transcript += [f"> {text}", texts(replies)]
    found = re.search(r"DC-2026-\d{6}", transcript[-1])
    assert found, "\n".join(transcript)
    assert "jours ouvrés" in transcript[-1] and "03 21" in transcript[-1], transcript[-1]
    return found.group(0)


def test_the_chat_makes_a_request_with_the_contact_preference(servers) -> None:  # noqa: ANN001
    sender = f"relais-{uuid.uuid4().hex[:10]}"
    reference = ask_for_someone(servers, sender)
    request = repository(servers).get(reference)
    assert request.territory == "calaisis" and request.status == RequestStatus.NOUVELLE
    assert request.preferred_contact.value == "telephone" and request.phone == "06 12 34 56 78"
    assert request.contact_when == "Le matin"
    assert any("parler à quelqu'un" in line.text for line in request.transcript)


def test_pause_deliver_new_session_and_annuler(servers) -> None:  # noqa: ANN001
    sender = f"relais-{uuid.uuid4().hex[:10]}"
    reference = ask_for_someone(servers, sender)
    store = repository(servers)

    # The adviser takes the request: the assistant stops answering.
    store.take(reference, "herve@exemple.fr")
    assert "prend le relais" in texts(execute(servers, sender, "action_pause_for_adviser"))
    assert paused(servers, sender)
    assert servers.say(sender, "allô ? vous êtes là ?") == []
    assert [m.text for m in store.get(reference).messages] == ["allô ? vous êtes là ?"]

    # An adviser's message reaches the paused conversation.
    store.add_message(reference, "herve@exemple.fr", "Bonjour, je vous appelle demain à 10 h.", author_label="Hervé")
    delivered = texts(execute(servers, sender, "action_deliver_adviser_message"))
    assert delivered == "Hervé (SLAI) : Bonjour, je vous appelle demain à 10 h."
    assert paused(servers, sender)

    # A new session (what Rasa does after an hour of silence) stays paused while the request is en_cours.
    assert execute(servers, sender, "action_session_start") == []
    assert paused(servers, sender)
    assert servers.say(sender, "bonjour") == []

    # The person takes the conversation back.
    back = texts(servers.say(sender, "annuler"))
    assert "assistant automatique" in back
    assert not paused(servers, sender)
    assert store.get(reference).status == RequestStatus.CLOSE
    assert texts(servers.say(sender, "numéro du SLAI de Lens")).count("03 21 13 19 35") == 1


def test_the_back_office_client_pauses_and_resumes(servers) -> None:  # noqa: ANN001
    import asyncio

    sender = f"relais-{uuid.uuid4().hex[:10]}"
    servers.say(sender, "bonjour")
    client = RasaClient(servers.rasa_url, token=servers.token)
    assert asyncio.run(client.pause(sender)).ok and paused(servers, sender)
    assert asyncio.run(client.resume(sender)).ok and not paused(servers, sender)
    assert servers.say(sender, "merci")  # the assistant answers again
    wrong = RasaClient(servers.rasa_url, token="faux")
    outcome = asyncio.run(wrong.pause(sender))
    assert not outcome.ok and not paused(servers, sender)
