"""While a form is active, the text is its answer (bot/extraction.py)."""

from bot.extraction import SKIP_ANSWER, Message, extract_handoff, extract_sheet


def ents(*pairs):
    return tuple({"entity": e, "value": v} for e, v in pairs)


def test_while_filling_a_sheet_any_text_is_an_answer_unless_it_clearly_interrupts() -> None:
    assert extract_sheet(Message("greet", (), "Marie"), "sheet_answer", 0.9) == {"sheet_answer": "Marie"}
    assert extract_sheet(Message("inform", ents(("commune", "Lens")), "Lens"), "sheet_answer", 0.99) == {"sheet_answer": "Lens"}
    assert extract_sheet(Message("distress", (), "je vais me tuer"), "sheet_answer", 0.95) == {}
    assert extract_sheet(Message("cancel", (), "stop"), "sheet_answer", 0.9) == {}
    assert extract_sheet(Message("cancel", (), "Stopa"), "sheet_answer", 0.5) == {"sheet_answer": "Stopa"}
    assert extract_sheet(Message("dont_know", (), "/dont_know"), "sheet_answer", 1.0) == {"sheet_answer": SKIP_ANSWER}
    assert extract_sheet(Message("affirm", (), "/affirm"), "sheet_answer", 1.0) == {"sheet_answer": "oui"}
    assert extract_sheet(Message("affirm", (), "oui"), "sheet_consent", 0.9) == {"sheet_consent": True}
    assert extract_sheet(Message("deny", (), "non"), "sheet_consent", 0.9) == {"sheet_consent": False}
    assert extract_sheet(Message("deny", (), "/deny"), "sheet_confirm", 1.0) == {"sheet_confirm": "corriger"}
    assert extract_sheet(Message("inform", (), "le téléphone"), "sheet_confirm", 0.6) == {"sheet_confirm": "corriger:le téléphone"}


def test_the_contact_request_takes_any_text_but_danger() -> None:
    assert extract_handoff(Message("inform", (), "par téléphone"), "handoff_answer", 0.9) == {"handoff_answer": "par téléphone"}
    assert extract_handoff(Message("distress", (), "je vais me tuer"), "handoff_answer", 1.0) == {}
