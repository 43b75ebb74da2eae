"""The handoff actions with inline trackers and a real application database: the request made from
the chat, the pause, the adviser's message, the return of the assistant, a new session kept paused."""

from __future__ import annotations

import pytest
from rasa_sdk import Tracker
from support_actions import run, texts, tracker

from actions.handoff import (
    ActionCreateContactRequest,
    ActionDeliverAdviserMessage,
    ActionOfferPerson,
    ActionPauseForAdviser,
    ActionResumeBot,
    ValidateHandoffForm,
)
from actions.safety import ActionSessionStart
from bot.handoff.models import RequestKind, RequestStatus
from bot.handoff.repository import ContactRequestRepository
from bot.storage import migrate

SENDER = "test"  # support_actions.tracker's sender


@pytest.fixture(autouse=True)
def app_database(tmp_path, monkeypatch):
    from bot.storage.engine import dispose_engines

    monkeypatch.setenv("BOT_TODAY", "2026-11-29")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'app.db'}")
    monkeypatch.delenv("SMTP_URL", raising=False)
    dispose_engines()
    migrate()
    yield
    dispose_engines()


def chat(channel: str = "socketio", **kwargs) -> Tracker:
    events = [{"event": "user", "text": "je veux parler à quelqu'un", "input_channel": channel},
              {"event": "bot", "text": "Une personne du Département peut prendre le relais."}]
    return tracker(events=events, **kwargs)


async def test_the_offer_gives_the_phone_and_asks_to_pass_it_on() -> None:
    messages, events = await run(ActionOfferPerson(), chat(slots={"role": "jeune", "territoire": "calaisis"}))
    assert "03 21 00 82 20" in texts(messages) or "SLAI" in texts(messages)
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/affirm", "/deny"]
    assert {"event": "slot", "timestamp": None, "name": "pending_offer", "value": "person"} in events


async def test_the_form_asks_the_commune_first_when_the_territory_is_unknown() -> None:
    form = ValidateHandoffForm()
    assert await form.required_slots([], None, chat(slots={"role": "jeune"}), {}) == ["commune"]
    known = chat(slots={"role": "jeune", "territoire": "lens_lievin"})
    assert await form.required_slots([], None, known, {}) == ["handoff_answer"]
    done = chat(slots={"territoire": "lens_lievin", "handoff_values": {"mode": "email", "email": "a@exemple.fr",
                                                                          "when": "le soir"}})
    assert await form.required_slots([], None, done, {}) == []


async def test_a_wrong_phone_is_asked_again_and_nothing_is_kept() -> None:
    from rasa_sdk.executor import CollectingDispatcher

    dispatcher = CollectingDispatcher()
    t = chat(slots={"territoire": "lens_lievin", "handoff_values": {"mode": "telephone"}})
    result = ValidateHandoffForm().validate_handoff_answer("06 12", dispatcher, t, {})
    assert result == {"handoff_answer": None} and "10 chiffres" in texts(dispatcher.messages)


async def test_the_request_is_saved_with_the_summary_and_the_person_gets_the_reference() -> None:
    slots = {"role": "jeune", "age": 19, "commune": "Calais", "territoire": "calaisis", "situations": ["ase_sorti"],
             "situations_no": ["rsa"], "handoff_values": {"mode": "telephone", "phone": "06 12 34 56 78", "when": "le matin"}}
    messages, events = await run(ActionCreateContactRequest(), chat(slots=slots))
    request = ContactRequestRepository().open_request_for(SENDER)
    assert request is not None and request.reference in texts(messages)
    assert request.territory == "calaisis" and request.kind == RequestKind.INSERTION
    assert request.summary.age == 19 and "coordo_ase" in request.summary.schemes
    assert request.phone == "06 12 34 56 78" and request.contact_when == "le matin"
    assert [line.author for line in request.transcript] == ["jeune", "assistant"]
    assert any(e.get("name") == "handoff_values" and e.get("value") is None for e in events)
    again, _ = await run(ActionCreateContactRequest(), chat(slots=slots))
    assert "déjà transmise" in texts(again)


async def test_a_housing_request_goes_to_the_housing_inbox_and_says_there_is_no_slisl_phone() -> None:
    slots = {"role": "jeune", "age": 20, "commune": "Arras", "territoire": "arrageois",
             "situations": ["sans_logement", "recherche_logement"],
             "handoff_values": {"mode": "email", "email": "lea@exemple.fr", "when": "dès que possible"}}
    messages, _ = await run(ActionCreateContactRequest(), chat(slots=slots))
    assert ContactRequestRepository().open_request_for(SENDER).kind == RequestKind.LOGEMENT
    assert "SLISL" in texts(messages)


async def test_pause_adviser_message_resume_and_a_new_session_stays_paused() -> None:
    repository = ContactRequestRepository()
    request = repository.create(sender_id=SENDER, channel="socketio", territory="calaisis", kind="insertion",
                                summary={"role": "jeune"})
    messages, events = await run(ActionPauseForAdviser(), chat(slots={"role": "jeune"}))
    assert "prend le relais" in texts(messages) and [e["event"] for e in events][-2:] == ["pause", "action"]

    repository.take(request.reference, "herve@exemple.fr")
    repository.add_message(request.reference, "herve@exemple.fr", "Bonjour, je vous appelle demain ?",
                           author_label="Hervé")
    messages, _ = await run(ActionDeliverAdviserMessage(), chat())
    assert texts(messages) == "Hervé (SLAI) : Bonjour, je vous appelle demain ?"

    messages, events = await run(ActionSessionStart(), chat(slots={"role": "jeune"}))
    assert messages == [] and "pause" in [e["event"] for e in events]

    messages, events = await run(ActionResumeBot(), chat(slots={"role": "jeune"}))
    assert events[0]["event"] == "resume" and "assistant automatique" in texts(messages)
    repository.close(request.reference, "herve@exemple.fr")
    messages, events = await run(ActionSessionStart(), chat(slots={"role": "jeune"}))
    assert messages == [] and "pause" not in [e["event"] for e in events]  # the welcome comes with the first reply
    assert repository.get(request.reference).status == RequestStatus.CLOSE
