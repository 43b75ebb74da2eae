"""The handoff questions without Rasa (bot/handoff/dialogue.py, bot/answers/handoff.py)."""

from __future__ import annotations

import pytest

from bot.answers import handoff as answers
from bot.handoff.dialogue import EMAIL, MODE, PHONE, WHEN, HandoffState, is_resume_phrase, transcript_of
from bot.handoff.models import PreferredContact, RequestKind
from bot.knowledge import knowledge
from bot.prescription.validation import FieldError


def test_by_phone_asks_the_number_then_when() -> None:
    state = HandoffState("socketio")
    assert state.next_step() == MODE
    state = state.answer("Par téléphone")
    assert state.mode == "telephone" and state.next_step() == PHONE
    state = state.answer("+33 6 12 34 56 78")
    assert state.phone == "06 12 34 56 78" and state.next_step() == WHEN
    state = state.answer("le matin")
    assert state.next_step() is None and state.as_slot() == {"mode": "telephone", "phone": "06 12 34 56 78",
                                                               "when": "le matin"}


def test_by_e_mail_asks_the_address_and_re_asks_a_wrong_one() -> None:
    state = HandoffState("rest").answer("par mail")
    assert state.next_step() == EMAIL
    with pytest.raises(FieldError):
        state.answer("pas d'adresse")
    assert state.answer("lea.martin@exemple.fr").email == "lea.martin@exemple.fr"


def test_a_reply_here_is_offered_only_where_a_later_message_can_reach_the_person() -> None:
    assert HandoffState("socketio").answer("ici, par écrit").mode == "ici"
    with pytest.raises(FieldError):
        HandoffState("rest").answer("ici")  # our REST channel answers only within a request
    titles = [b.title for b in answers.ask(MODE, "jeune", "facebook").buttons]
    assert titles == ["Par téléphone", "Par e-mail"]
    assert "Ici, par écrit" in [b.title for b in answers.ask(MODE, "jeune", "socketio").buttons]


@pytest.mark.parametrize("text", ["bonjour", "", "téléphone ou mail", "06 12 34 56 78"])
def test_an_unclear_mode_is_asked_again(text: str) -> None:
    with pytest.raises(FieldError):
        HandoffState("socketio").answer(text)


def test_the_slots_survive_a_round_trip_and_ignore_junk() -> None:
    state = HandoffState("socketio", mode="email", email="a@exemple.fr")
    assert HandoffState.from_slots("socketio", state.as_slot()) == state
    assert HandoffState.from_slots("rest", {"mode": 3, "when": ["x"]}) == HandoffState("rest")


@pytest.mark.parametrize(("text", "expected"), [
    ("annuler", True), ("Annuler", True), ("c'est bon merci", True), ("C BON MERCI", True),
    ("annuler mon rendez-vous de demain à la mission locale", False), ("merci", False), ("", False), (None, False),
])
def test_resume_phrases(text, expected: bool) -> None:  # noqa: ANN001
    assert is_resume_phrase(text) is expected


def test_the_transcript_keeps_the_last_messages_both_sides_without_button_clicks() -> None:
    events = [{"event": "user", "text": f"message {i}"} for i in range(10)]
    events += [{"event": "bot", "text": "réponse"}, {"event": "user", "text": "/affirm"}, {"event": "slot"}]
    lines = transcript_of(events, limit=3)
    assert [(line.author, line.text) for line in lines] == [("jeune", "message 8"), ("jeune", "message 9"),
                                                             ("assistant", "réponse")]


def test_the_receipt_gives_the_reference_the_delay_and_the_slai_phone() -> None:
    from types import SimpleNamespace

    territory = knowledge().territory("lens_lievin")
    request = SimpleNamespace(reference="DC-2026-000012", preferred_contact=PreferredContact.TELEPHONE,
                              kind=RequestKind.INSERTION)
    text = answers.receipt("jeune", request, territory).text
    days = knowledge().service.callback_working_days
    assert "DC-2026-000012" in text and f"sous {days} jours ouvrés" in text and "par téléphone" in text
    assert territory.slai.phone in text and " te " in text
    request.kind = RequestKind.LOGEMENT
    housing = answers.receipt("professionnel", request, territory).text
    assert "logement" in housing and "SLISL" in housing and " vous " in housing


def test_the_inbox_follows_the_scheme_asked_about_then_the_housing_needs() -> None:
    from bot.handoff.dialogue import kind_of

    assert kind_of("cllaj", ["neet"], ["faj_co"]) == RequestKind.LOGEMENT
    assert kind_of("graine_de", ["sans_logement"], []) == RequestKind.INSERTION
    assert kind_of(None, ["sans_logement"], ["faj_co", "cllaj"]) == RequestKind.LOGEMENT
    assert kind_of(None, ["neet"], ["faj_co", "graine_de"]) == RequestKind.INSERTION


def test_the_transcript_stops_where_the_contact_questions_begin() -> None:
    events = [{"event": "user", "text": "je veux parler à quelqu'un"}, {"event": "bot", "text": "Je transmets ?"},
              {"event": "user", "text": "oui"}, {"event": "action", "name": "action_start_handoff"},
              {"event": "user", "text": "06 12 34 56 78"}]
    lines = transcript_of(events, until_action="action_start_handoff")
    assert [line.text for line in lines] == ["je veux parler à quelqu'un", "Je transmets ?", "oui"]
