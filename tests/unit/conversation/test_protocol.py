"""bot/conversation/protocol.py names what domain.yml and data/rules/ use: checked here, so that a
renamed slot, offer or intent fails a test rather than a conversation."""

from pathlib import Path

import yaml

from bot.conversation import protocol as p
from bot.paths import ROOT

DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
RULES = [rule for path in sorted(Path(ROOT / "data" / "rules").glob("*.yml"))
         for rule in yaml.safe_load(path.read_text(encoding="utf-8"))["rules"]]


def _first_action_after(intent: str) -> set[str]:
    """The first action of every rule that starts with `intent`."""
    found = set()
    for rule in RULES:
        steps = rule["steps"]
        if steps[0].get("intent") == intent:
            found.add(steps[1]["action"])
    return found


def test_every_state_slot_is_in_the_domain() -> None:
    assert set(p.STATE_SLOTS) <= set(DOMAIN["slots"])


def test_offers_and_roles_are_the_domain_values() -> None:
    assert DOMAIN["slots"][p.PENDING_OFFER]["values"] == list(p.OFFERS)
    assert DOMAIN["slots"][p.ROLE]["values"] == list(p.ROLES)


def test_every_intent_of_the_groups_is_in_the_domain() -> None:
    intents = set(DOMAIN["intents"])
    assert set(p.QUESTION_INTENTS) | p.ANSWER_INTENTS | p.SMALL_TALK | {p.DISTRESS, p.OTHER_LANGUAGE} <= intents


def test_each_group_of_intents_goes_to_its_action() -> None:
    for intent in p.QUESTION_INTENTS:
        assert _first_action_after(intent) == {"action_answer"}, intent
    for intent in p.ANSWER_INTENTS:
        assert "action_orient" in _first_action_after(intent), intent
    assert _first_action_after(p.DISTRESS) == {"action_distress"}
    assert _first_action_after(p.OTHER_LANGUAGE) == {"action_other_language"}
    assert _first_action_after(p.FALLBACK) == {"action_clarify"}
    for intent in p.SMALL_TALK:
        rules = [r["steps"] for r in RULES if r["steps"][0].get("intent") == intent and "condition" not in r]
        assert rules and all(steps[-1]["action"] == "action_small_talk" for steps in rules), intent


def test_an_offer_of_a_person_or_an_erasure_is_answered_by_its_own_rule() -> None:
    conditioned = {(r["steps"][0].get("intent"), r["condition"][0]["slot_was_set"][0][p.PENDING_OFFER])
                   for r in RULES if r.get("condition") and "slot_was_set" in r["condition"][0]}
    assert ("affirm", p.PERSON) in conditioned and ("affirm", p.ERASE) in conditioned
