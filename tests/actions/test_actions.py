"""Each action, with an inline tracker: one call into bot/conversation/, what the user would see,
and the slots it sets."""

from __future__ import annotations

import re

import pytest
from support_actions import run, texts, tracker

from actions.handoff import ActionOfferPerson
from actions.orientation import ActionCancel, ActionExplainQuestion, ActionOrient
from actions.safety import ActionClarify, ActionDistress, ActionOtherLanguage, ActionSessionStart, ActionSmallTalk
from actions.schemes import ActionAnswer


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


def slots_of(events: list[dict]) -> dict:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


async def test_orient_reads_every_fact_and_gives_the_result() -> None:
    messages, events = await run(ActionOrient(), tracker(intent="inform", text="g 17 ans et jhabite a lens, j'ai quitté le lycée"))
    slots = slots_of(events)
    assert slots["age"] == 17 and slots["commune"] == "Lens" and slots["territoire"] == "lens_lievin"
    assert "« graine de »" in texts(messages) and "03 21 13 19 35" in texts(messages)


async def test_orient_asks_age_and_commune_together_and_keeps_the_question() -> None:
    messages, events = await run(ActionOrient(), tracker(intent="ask_orientation", text="j'ai arrêté le lycée"))
    slots = slots_of(events)
    assert slots["pending_fact"] == "age_commune" and slots["pending_offer"] == "question"
    assert "Quel âge as-tu, et dans quelle commune" in texts(messages)


async def test_a_bare_number_answers_the_age_question() -> None:
    slots = {"role": "jeune", "situations": ["decrochage_scolaire"], "besoin": ["formation"],
             "pending_fact": "age", "pending_offer": "question", "asked": ["age_commune", "age"], "commune": "Arras",
             "territoire": "arrageois", "welcomed": True}
    messages, events = await run(ActionOrient(), tracker(slots=slots, intent="inform", text="17"))
    assert slots_of(events)["age"] == 17 and "03 21 15 21 10" in texts(messages)


async def test_answer_gives_the_contact_of_lens() -> None:
    messages, _ = await run(ActionAnswer(), tracker(intent="ask_contact", text="numéro du SLAI de Lens"))
    assert "03 21 13 19 35" in texts(messages)


async def test_answer_all_slai_in_messages_of_three_phones_at_most() -> None:
    messages, _ = await run(ActionAnswer(), tracker(intent="ask_contact", entities=[("territoire", "tous")],
                                                    text='/ask_contact{"territoire": "tous"}'))
    phones = [len(re.findall(r"0\d(?: \d\d){4}", m["text"])) for m in messages]
    assert sum(phones) == 9 and max(phones) <= 3


async def test_answer_the_deadline_to_a_structure_and_keep_the_scheme() -> None:
    messages, events = await run(ActionAnswer(), tracker(slots={"role": "structure"}, intent="ask_deadline",
                                                         text="date limite du FAJ Co ?"))
    assert "était ouvert du 12/01/2026 au 15/09/2026 : il est clos" in texts(messages)
    assert slots_of(events)["dispositif"] == "faj_co"


async def test_answer_a_topic_without_scheme_for_every_scheme() -> None:
    messages, _ = await run(ActionAnswer(), tracker(slots={"role": "structure"}, intent="ask_funding",
                                                    text="quels montants ?"))
    assert "De quel dispositif" not in texts(messages) and "52 000 €" in texts(messages)


async def test_why_do_you_ask_during_a_question() -> None:
    slots = {"role": "jeune", "pending_fact": "groupe:logement", "pending_offer": "question"}
    messages, _ = await run(ActionExplainQuestion(), tracker(slots=slots, intent="ask_why"))
    assert "Je te le demande parce que" in texts(messages) and "Pour le logement, où en es-tu" in texts(messages)


async def test_distress_first_then_the_offer_of_a_person() -> None:
    messages, events = await run(ActionDistress(), tracker(intent="distress", text="je dors dehors ce soir"))
    assert messages[0]["text"].startswith("Appelle le 115")
    assert slots_of(events)["pending_offer"] == "person" and slots_of(events)["alert"] == ["sans_abri"]


async def test_english_gets_english() -> None:
    messages, _ = await run(ActionOtherLanguage(), tracker(intent="other_language", text="hello I live in Calais"))
    assert "I can only answer in French" in texts(messages) and "03 21 00 01 96" in texts(messages)


async def test_the_offer_of_a_person_gives_the_slai() -> None:
    messages, _ = await run(ActionOfferPerson(), tracker(slots={"territoire": "artois"}, intent="request_human"))
    assert "03 21 56 88 55" in texts(messages)


async def test_a_turn_no_rule_covers_is_clarified_then_forgotten_so_the_assistant_listens() -> None:
    _, events = await run(ActionClarify(), tracker(intent="affirm", ranking=[{"name": "affirm"}], text="blip"))
    assert events[-1]["event"] == "rewind"
    _, events = await run(ActionClarify(), tracker(intent="nlu_fallback", ranking=[{"name": "nlu_fallback"}]))
    assert all(e["event"] != "rewind" for e in events)


async def test_second_misunderstanding_in_a_row_offers_a_person() -> None:
    fallback = {"event": "user", "parse_data": {"intent": {"name": "nlu_fallback"}}}
    once, _ = await run(ActionClarify(), tracker(intent="nlu_fallback", events=[fallback], text="blablou",
                                                 ranking=[{"name": "nlu_fallback"}, {"name": "ask_contact"}]))
    assert once[0]["buttons"][0]["payload"] == "/ask_contact"
    twice, _ = await run(ActionClarify(), tracker(intent="nlu_fallback", events=[fallback, fallback], text="brrr"))
    assert "personne" in texts(twice)


async def test_small_talk_asks_the_pending_question_again() -> None:
    slots = {"role": "jeune", "pending_fact": "age_commune", "pending_offer": "question", "welcomed": True}
    messages, _ = await run(ActionSmallTalk(), tracker(slots=slots, intent="thanks", text="merci"))
    assert "Quel âge as-tu" in texts(messages)


async def test_cancel_drops_the_question() -> None:
    slots = {"role": "jeune", "pending_fact": "age_commune", "pending_offer": "question", "welcomed": True}
    _, events = await run(ActionCancel(), tracker(slots=slots, intent="cancel", text="laisse tomber"))
    assert slots_of(events)["pending_offer"] is None


async def test_session_start_carries_the_facts_and_leaves_the_welcome_to_the_first_reply() -> None:
    messages, events = await run(ActionSessionStart(), tracker(slots={"age": 17, "welcomed": True}))
    assert messages == [] and events[0]["event"] == "session_started" and events[-1]["event"] == "action"
    assert any(e.get("name") == "age" and e.get("value") == 17 for e in events)
    assert not any(e.get("name") == "welcomed" for e in events)
