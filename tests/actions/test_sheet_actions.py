"""The sheet actions with inline trackers: consent, a field, a re-ask, the summary, saving, erasure."""

from __future__ import annotations

import pytest
from rasa_sdk.executor import CollectingDispatcher
from support_actions import run, texts, tracker

from actions.privacy import ActionAskErase, ActionEraseData
from actions.sheet import (
    ActionAskSheetAnswer,
    ActionAskSheetConfirm,
    ActionAskSheetConsent,
    ActionFinishSheet,
    ActionStartSheet,
    ValidateSheetForm,
)
from bot.prescription.repository import SheetRepository
from bot.storage import migrate


@pytest.fixture(autouse=True)
def app_database(tmp_path, monkeypatch):
    from bot.storage.engine import dispose_engines

    monkeypatch.setenv("BOT_TODAY", "2026-11-29")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'app.db'}")
    dispose_engines()
    migrate()
    yield
    dispose_engines()


def slots_after(events, base=None) -> dict:
    slots = dict(base or {})
    slots.update({e["name"]: e["value"] for e in events if e.get("event") == "slot"})
    return slots


async def test_start_prefills_from_the_orientation() -> None:
    _, events = await run(ActionStartSheet(), tracker(slots={"role": "jeune", "age": 17, "commune": "Lens",
                                                             "situations": ["neet", "cej"]}))
    slots = slots_after(events)
    assert slots["sheet_type"] == "graine_de" and slots["sheet_values"]["cej"] is True
    assert slots["sheet_values"]["commune"] == "62498"


async def test_consent_notice_then_the_first_question() -> None:
    messages, _ = await run(ActionAskSheetConsent(), tracker(slots={"role": "jeune"}))
    assert "SLAI" in texts(messages) and messages[-1]["buttons"][0]["payload"] == "/affirm"
    assert [b["payload"] for b in messages[-1]["buttons"]][-1] == "/ask_why"  # the full notice, one tap away
    messages, events = await run(ActionAskSheetAnswer(), tracker(slots={"role": "jeune", "sheet_type": "graine_de",
                                                                        "sheet_values": {}}))
    assert texts(messages) == "Quel est ton nom de famille ?"
    assert slots_after(events)["sheet_field"] == "nom"


async def test_a_bad_date_is_re_asked_and_not_stored() -> None:
    dispatcher = CollectingDispatcher()
    slots = {"role": "jeune", "sheet_type": "graine_de", "sheet_values": {"nom": "Dupont", "prenom": "Lou"}}
    result = ValidateSheetForm().validate_sheet_answer("31/02/2009", dispatcher, tracker(slots=slots), {})
    assert result == {"sheet_answer": None} and dispatcher.messages and "31/02" not in texts(dispatcher.messages)
    ok = ValidateSheetForm().validate_sheet_answer("12 mars 2009", CollectingDispatcher(), tracker(slots=slots), {})
    assert ok["sheet_values"]["date_naissance"] == "2009-03-12"


async def test_a_commune_outside_the_62_stops_the_sheet() -> None:
    slots = {"role": "jeune", "sheet_type": "graine_de",
             "sheet_values": {"nom": "Dupont", "prenom": "Lou", "date_naissance": "2009-03-12"}}
    dispatcher = CollectingDispatcher()
    result = ValidateSheetForm().validate_sheet_answer("Lille", dispatcher, tracker(slots=slots), {})
    assert result["sheet_outcome"] == "stopped" and "Pas-de-Calais" in texts(dispatcher.messages)


async def test_summary_then_saving_gives_a_reference_and_empties_the_personal_slot() -> None:
    values = {"nom": "Dupont", "prenom": "Lou", "date_naissance": "2005-03-12", "commune": "62498",
              "telephone": "06 12 34 56 78", "derniere_classe": "seconde", "date_sortie_scolaire": "2024-06",
              "situation_actuelle": "rien", "mission_locale": False, "cej": False, "pacea": False, "ase": False,
              "rsa": False, "difficulte_mobilite": True, "difficulte_logement": False, "difficulte_sante": False,
              "difficulte_budget": True, "difficulte_confiance": True, "souhaits": "cuisine",
              "disponibilites": "le matin"}
    slots = {"role": "jeune", "sheet_type": "graine_de", "sheet_values": values, "sheet_skipped": [],
             "sheet_consent": True, "sheet_consent_at": "2026-11-29T10:00:00+01:00", "sheet_confirm": "oui",
             "territoire": "lens_lievin"}
    messages, _ = await run(ActionAskSheetConfirm(), tracker(slots={**slots, "sheet_confirm": None}))
    assert "Voici ta fiche" in texts(messages) and "Dupont" in texts(messages)
    messages, events = await run(ActionFinishSheet(), tracker(slots=slots))
    after = slots_after(events)
    assert after["sheet_values"] is None and after["sheet_reference"].startswith("PR-2026-")
    assert after["sheet_reference"] in texts(messages) and "03 21 13 19 35" in texts(messages)
    assert SheetRepository().get(after["sheet_reference"]).status.value == "transmise"
    from bot.handoff.repository import ContactRequestRepository

    request = ContactRequestRepository().open_request_for("test")
    assert request.sheet_reference == after["sheet_reference"] and request.territory == "lens_lievin"
    assert request.phone == "06 12 34 56 78" and request.reference in texts(messages)


async def test_refusal_saves_nothing() -> None:
    messages, events = await run(ActionFinishSheet(), tracker(slots={"role": "jeune", "sheet_outcome": "refused",
                                                                     "sheet_values": {"nom": "Dupont"}}))
    assert "rien" in texts(messages) and slots_after(events)["sheet_values"] is None
    assert SheetRepository().search(["lens_lievin", "arrageois"]) == []


async def test_on_messenger_the_sheet_is_not_filled() -> None:
    t = tracker(slots={"role": "jeune", "territoire": "artois"},
                events=[{"event": "user", "input_channel": "facebook", "parse_data": {}}])
    messages, _ = await run(ActionFinishSheet(), t)
    assert "ne se remplit pas ici" in texts(messages) and "03 21 56 88 55" in texts(messages)


async def test_erasure_is_confirmed_then_marked_for_the_channel() -> None:
    messages, events = await run(ActionAskErase(), tracker(slots={"role": "jeune"}))
    assert slots_after(events)["pending_offer"] == "erase" and messages[0]["buttons"][0]["payload"] == "/affirm"
    messages, _ = await run(ActionEraseData(), tracker(slots={"role": "jeune", "pending_offer": "erase"}))
    assert "effacé" in texts(messages) and any(m.get("custom") == {"cj62_erase": True} for m in messages)


async def test_a_consent_given_this_turn_is_validated_and_timed_by_the_form() -> None:
    """rasa-sdk validates only the slots `required_slots` lists, computed after this turn's answer."""
    from rasa_sdk.executor import CollectingDispatcher

    domain = {"forms": {"sheet_form": {"required_slots": ["sheet_consent", "sheet_answer", "sheet_confirm"]}},
              "slots": {}}
    for answer, expected in ((True, "sheet_consent_at"), (False, "sheet_outcome")):
        events = [{"event": "user", "text": "/affirm"}, {"event": "slot", "name": "sheet_consent", "value": answer}]
        t = tracker(slots={"role": "jeune", "sheet_consent": answer, "sheet_type": "graine_de", "sheet_values": {}},
                    events=events, active_loop="sheet_form")
        result = await ValidateSheetForm().run(CollectingDispatcher(), t, domain)
        assert expected in {e.get("name") for e in result}, result
