"""The orientation's promise, over many people: three questions at most, never one about what was
said, and when a scheme of the person's need fits, the result names one."""

import datetime as dt

from dialogue import Chat
from hypothesis import given
from hypothesis import strategies as st

from bot.conversation.planner import plan
from bot.conversation.questions import parse_question
from bot.eligibility.engine import ELIGIBLE
from bot.knowledge import knowledge

TODAY = dt.date(2026, 11, 29)
K = knowledge()
SITUATIONS = [s for s in K.vocabulary.situation_ids if s != "sejour_irregulier"]
NEEDS = list(K.vocabulary.need_ids)
OPENINGS = {"logement": "je cherche un logement", "formation": "je cherche une formation",
            "ase": "je sors de l'ASE", "projet": "je voudrais monter un projet avec des potes"}


def answer(question: str, age: int, commune: str, need: str, truth: set[str]) -> tuple[str, str, list[dict]]:
    """(text, intent, entities) a truthful person gives to `question`."""
    asked = parse_question(question)
    if asked.kind == "besoin":
        return "/inform", "inform", [{"entity": "besoin", "value": need}]
    if asked.kind == "age_commune":
        return f"{age} ans, {commune}", "inform", []
    if asked.kind == "age":
        return str(age), "inform", []
    if asked.kind == "commune":
        return commune, "inform", []
    if asked.kind == "commune?":
        return "oui", "affirm", []
    if asked.kind == "groupe":
        picked = [s for s in K.vocabulary.group(asked.key).situations if s in truth]
        if picked:
            return "/inform", "inform", [{"entity": "situation", "value": picked[0]}]
        return "non", "deny", []
    situation = asked.key
    applies = (situation in truth) != K.vocabulary.situation(situation).inverted
    return ("oui", "affirm", []) if applies else ("non", "deny", [])


@given(age=st.integers(14, 32), commune=st.sampled_from(["Lens", "Arras", "Calais", "Boulogne-sur-Mer", "Frévent"]),
       need=st.sampled_from(NEEDS), truth=st.sets(st.sampled_from(SITUATIONS), max_size=4))
def test_three_questions_at_most_and_a_fitting_scheme_is_named(age, commune, need, truth) -> None:
    chat = Chat()
    chat.say(OPENINGS[need], "ask_orientation")
    said = {"besoin"}
    while chat.asking:
        asked = parse_question(chat.asking)
        assert not (asked.facts and asked.facts <= said), f"redemandé : {chat.asking}"
        said |= asked.facts
        chat.say(*answer(chat.asking, age, commune, need, truth))
    assert chat.questions <= 3
    found = plan(chat.state, TODAY)
    fitting = [r.scheme.short_title for r in found.results(ELIGIBLE)]
    if fitting:  # as soon as one scheme of the need fits, the result says so
        assert any(title in chat.text for title in fitting), chat.text
    else:
        assert "pourrait te correspondre" in chat.text or "pas trouvé de dispositif" in chat.text, chat.text
