"""Each action, with an inline tracker: what the user would see, and the slots it sets."""

from __future__ import annotations

import pytest
from support_actions import run, texts, tracker

from actions.contacts import ActionAnswerContact
from actions.facts import ActionExtractFacts
from actions.handoff import ActionOfferPerson
from actions.orientation import (
    ActionAnswerEligibility,
    ActionAskFactAnswer,
    ActionExplainQuestion,
    ActionShowOrientation,
    ValidateOrientationForm,
    next_slot,
)
from actions.safety import ActionClarify, ActionDistress, ActionHandleYesNo, ActionSessionStart
from actions.schemes import ActionAnswerDeadline, ActionAnswerFunding
from bot.knowledge import knowledge

ALL = sorted(knowledge().vocabulary.situation_ids)


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch, tmp_path):
    from bot.storage import migrate
    from bot.storage.engine import dispose_engines

    monkeypatch.setenv("BOT_TODAY", "2026-11-29")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'app.db'}")
    dispose_engines()
    migrate()
    yield
    dispose_engines()


async def test_extract_facts_reads_age_and_commune_in_one_message() -> None:
    _, events = await run(ActionExtractFacts(), tracker(intent="inform", entities=[("age", "17"), ("commune", "lens")],
                                                         text="g 17 ans et jhabite a lens"))
    slots = {e["name"]: e["value"] for e in events}
    assert slots["age"] == 17 and slots["commune"] == "Lens" and slots["territoire"] == "lens_lievin"


async def test_contact_for_lens_gives_the_seed_phone() -> None:
    messages, _ = await run(ActionAnswerContact(), tracker(intent="ask_contact", entities=[("commune", "Lens")],
                                                            text="numéro du SLAI de Lens"))
    assert "03 21 13 19 35" in texts(messages)


async def test_contact_all_slai_in_messages_of_three() -> None:
    messages, _ = await run(ActionAnswerContact(), tracker(intent="ask_contact", entities=[("territoire", "tous")]))
    assert len(messages) == 3


async def test_deadline_for_a_structure_and_the_glossary_slot() -> None:
    messages, events = await run(ActionAnswerDeadline(), tracker(
        slots={"role": "structure"}, intent="ask_deadline", entities=[("dispositif", "FAJ Co")]))
    assert "était ouvert du 12/01/2026 au 15/09/2026 : il est clos" in texts(messages)
    assert {"event": "slot", "name": "dispositif", "value": "faj_co", "timestamp": None} in events


async def test_deadline_for_a_young_person_in_lens_adds_the_slai() -> None:
    messages, _ = await run(ActionAnswerDeadline(), tracker(
        slots={"role": "jeune", "territoire": "lens_lievin"}, intent="ask_deadline", entities=[("dispositif", "graine de")]))
    text = texts(messages)
    assert "01/07/2026 au 30/06/2027" in text and "03 21 13 19 35" in text and "clos" not in text


async def test_a_topic_without_scheme_asks_which_one() -> None:
    messages, _ = await run(ActionAnswerFunding(), tracker(slots={"role": "structure"}, intent="ask_funding"))
    assert len(messages[0]["buttons"]) == 7


async def test_the_form_asks_the_engines_next_question_and_records_the_answer() -> None:
    slots = {"role": "jeune", "age": 17, "commune": "Lens"}
    assert next_slot(tracker(slots=slots)) == "fact_answer"
    messages, events = await run(ActionAskFactAnswer(), tracker(slots=slots))
    pending = next(e["value"] for e in events if e.get("name") == "pending_fact")
    assert messages[0]["buttons"][0]["payload"] == "/affirm"
    validated = ValidateOrientationForm().validate_fact_answer(
        "oui", None, tracker(slots={**slots, "pending_fact": pending}), {})
    assert pending in validated["situations"] and validated["fact_answer"] is None


async def test_the_form_is_done_when_nothing_is_missing() -> None:
    slots = {"role": "jeune", "age": 19, "commune": "Calais", "situations": ["ase_sorti"],
             "situations_no": [s for s in ALL if s != "ase_sorti"]}
    assert next_slot(tracker(slots=slots)) is None
    messages, _ = await run(ActionShowOrientation(), tracker(slots=slots))
    assert "Coordo ASE" in texts(messages) and "03 21 00 01 96" in texts(messages)


async def test_an_unknown_commune_is_asked_again_without_echoing_the_text() -> None:
    from rasa_sdk.executor import CollectingDispatcher

    dispatcher = CollectingDispatcher()
    result = ValidateOrientationForm().validate_commune("<script>x</script>", dispatcher, tracker(slots={"role": "jeune"}),
                                                        {})
    assert result == {"commune": None} and "<script>" not in texts(dispatcher.messages)


async def test_why_do_you_ask_during_the_form() -> None:
    slots = {"role": "jeune", "age": 17, "commune": "Lens", "requested_slot": "fact_answer", "pending_fact": "ase_confie"}
    messages, _ = await run(ActionExplainQuestion(), tracker(slots=slots, intent="ask_why", active_loop="orientation_form"))
    assert "Coordo ASE" in texts(messages)


async def test_why_not_faj_co_at_17() -> None:
    slots = {"role": "jeune", "age": 17, "commune": "Lens", "situations": ["neet"],
             "situations_no": [s for s in ALL if s != "neet"]}
    messages, _ = await run(ActionAnswerEligibility(), tracker(slots=slots, intent="ask_eligibility",
                                                               entities=[("dispositif", "FAJ Co")]))
    assert "à 17 ans, il faut être en apprentissage" in texts(messages)


async def test_distress_first_then_the_offer_of_a_person() -> None:
    messages, events = await run(ActionDistress(), tracker(intent="distress"))
    assert "115" in messages[0]["text"] and "3114" in messages[0]["text"]
    assert any(e.get("name") == "pending_offer" and e.get("value") == "person" for e in events)


async def test_the_offer_of_a_person_gives_the_slai() -> None:
    messages, _ = await run(ActionOfferPerson(), tracker(slots={"territoire": "artois"}, intent="request_human"))
    assert "03 21 56 88 55" in texts(messages)


async def test_a_no_that_corrects_a_fact_runs_the_orientation_again() -> None:
    messages, events = await run(ActionHandleYesNo(), tracker(slots={"age": 17, "role": "jeune"}, intent="deny",
                                                              entities=[("age", "18")], text="non en fait j'ai 18 ans"))
    assert messages == [] and events == [{"event": "followup", "timestamp": None, "name": "orientation_form"}]
    messages, events = await run(ActionHandleYesNo(), tracker(slots={"role": "jeune"}, intent="deny", text="non"))
    assert "Autre chose" in texts(messages)


async def test_a_turn_no_rule_covers_is_clarified_then_forgotten_so_the_assistant_listens() -> None:
    _, events = await run(ActionClarify(), tracker(intent="affirm", ranking=[{"name": "affirm"}]))
    assert events[-1]["event"] == "rewind"
    _, events = await run(ActionClarify(), tracker(intent="nlu_fallback", ranking=[{"name": "nlu_fallback"}]))
    assert all(e["event"] != "rewind" for e in events)


async def test_second_misunderstanding_in_a_row_offers_a_person() -> None:
    fallback = {"event": "user", "parse_data": {"intent": {"name": "nlu_fallback"}}}
    once, _ = await run(ActionClarify(), tracker(intent="nlu_fallback", events=[fallback],
                                                 ranking=[{"name": "nlu_fallback"}, {"name": "ask_contact"}]))
    assert once[0]["buttons"][0]["payload"] == "/ask_contact"
    twice, _ = await run(ActionClarify(), tracker(intent="nlu_fallback", events=[fallback, fallback]))
    assert "personne" in texts(twice)


async def test_session_start_says_it_is_an_automatic_assistant_and_a_person_can_take_over() -> None:
    messages, events = await run(ActionSessionStart(), tracker(slots={"age": 17}))
    assert "assistant automatique" in messages[0]["text"] and "prendre le relais" in messages[0]["text"]
    assert events[0]["event"] == "session_started" and events[-1]["event"] == "action"
    assert any(e.get("name") == "age" and e.get("value") == 17 for e in events)
