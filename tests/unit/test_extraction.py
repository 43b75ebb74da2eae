"""What a message tells us, slot by slot (bot/extraction.py)."""

from bot.extraction import INFO, Message, extract


def ents(*pairs):
    return tuple({"entity": e, "value": v} for e, v in pairs)


def test_one_message_fills_two_facts_and_implies_a_young_person() -> None:
    updates = extract({}, Message("inform", ents(("age", "17"), ("commune", "lens")), "g 17 ans et jhabite a lens"), None)
    assert updates["age"] == 17
    assert updates["commune"] == "Lens" and updates["territoire"] == "lens_lievin"
    assert updates["role"] == "jeune"


def test_situations_accumulate_and_clear_earlier_no() -> None:
    slots = {"situations": ["neet"], "situations_no": ["ase_sorti", "rsa"]}
    updates = extract(slots, Message("inform", ents(("situation", "sorti de l'ASE")), "jsuis sorti de l'ase"), None)
    assert updates["situations"] == ["neet", "ase_sorti"]
    assert updates["situations_no"] == ["rsa"]


def test_a_correction_replaces_the_age() -> None:
    updates = extract({"age": 17, "role": "jeune"}, Message("inform", ents(("age", "18")), "non en fait j'ai 18 ans"), None)
    assert updates == {"age": 18}


def test_a_free_text_answer_is_read_only_when_the_form_asks_for_it() -> None:
    assert extract({}, Message("nlu_fallback", (), "dix-sept"), "age", True) == {"age": 17}
    assert "age" not in extract({}, Message("nlu_fallback", (), "dix-sept"), None, False)


def test_a_commune_name_taken_for_another_language_answers_the_commune_question() -> None:
    for intent in ("other_language", "out_of_scope", "chitchat", "nlu_fallback"):
        assert extract({}, Message(intent, (), "Armentières"), "commune", True)["commune"] == "Armentières"
    assert extract({}, Message("other_language", (), "Saint-Omer"), "commune", True)["territoire"] == "audomarois"
    assert extract({}, Message("other_language", (), "62200"), "commune", True)["territoire"] == "boulonnais"
    assert extract({}, Message("distress", (), "sos"), "commune", True) == {}  # an exact name elsewhere (47)
    assert extract({}, Message("restart", (), "menu"), "commune", True) == {}
    assert extract({}, Message("other_language", (), "très"), "commune", True) == {}  # one typo from Ytres
    assert extract({}, Message("out_of_scope", (), "il fait beau à Lens"), "commune", True) == {}
    assert extract({}, Message("out_of_scope", (), "c'est combien un iphone 15"), "commune", True) == {}
    assert extract({}, Message("other_language", (), "Lomme"), "age", True) == {}  # not the question asked


def test_an_unreadable_age_is_kept_for_the_form_to_re_ask() -> None:
    assert extract({}, Message("inform", (), "bientôt majeur"), "age", True)["age"] == "bientôt majeur"


def test_yes_no_answers_the_pending_question() -> None:
    assert extract({}, Message("affirm", (), "oui"), "fact_answer", True) == {"fact_answer": "oui"}
    assert extract({}, Message("deny", (), "nan"), "fact_answer", True) == {"fact_answer": "non"}
    assert extract({}, Message("dont_know", (), "jsp"), "fact_answer", True) == {"fact_answer": "inconnu"}


def test_other_facts_given_instead_of_the_answer_keep_the_form_going() -> None:
    updates = extract({}, Message("inform", ents(("situation", "foyer")), "je suis en foyer"), "fact_answer", True)
    assert updates["fact_answer"] == INFO and updates["situations"] == ["ase_confie"]


def test_an_interruption_during_the_form_fills_no_form_slot() -> None:
    message = Message("distress", ents(("age", "16"), ("situation", "dehors")), "j'ai 16 ans et je dors dehors ce soir")
    updates = extract({}, message, "commune", True)
    assert "age" not in updates and "fact_answer" not in updates and "role" not in updates


def test_outside_the_form_a_question_still_teaches_the_commune() -> None:
    updates = extract({}, Message("ask_contact", ents(("commune", "Lens")), "numéro du SLAI de Lens"), None, False)
    assert updates["territoire"] == "lens_lievin"


def test_a_structure_type_implies_a_structure() -> None:
    updates = extract({}, Message("inform", ents(("structure_type", "association")), "nous sommes une association"), None)
    assert updates["role"] == "structure" and updates["structure_types"] == ["association_1901"]


def test_a_commune_button_carries_an_insee_code_never_read_as_a_postal_code() -> None:
    # 62193 is Calais' INSEE code; as a postal code it would not be Calais.
    assert extract({}, Message("inform", ents(("commune", "insee:62193")), "/inform"), None)["commune"] == "Calais"


def test_dont_know_to_the_age_question_skips_it() -> None:
    updates = extract({}, Message("dont_know", (), "je sais pas"), "age", True)
    assert updates["facts_unsure"] == ["age"] and updates["fact_answer"] == INFO


def test_while_filling_a_sheet_any_text_is_an_answer_unless_it_clearly_interrupts() -> None:
    from bot.extraction import SKIP_ANSWER, extract_sheet

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


def test_a_situation_the_nlu_missed_is_read_in_a_statement() -> None:
    updates = extract({}, Message("inform", ents(("age", "22")), "j'ai 22 ans je suis a la rue a liévin"), None)
    assert updates["situations"] == ["sans_logement"]


def test_a_negated_or_asked_situation_is_never_read_from_the_text() -> None:
    assert "situations" not in extract({}, Message("inform", (), "je suis plus en foyer"), None)
    assert "situations" not in extract({}, Message("inform", (), "non je suis pas à la rue"), None)
    assert "situations" not in extract({}, Message("ask_scheme_info", (), "c'est quoi un foyer jeunes travailleurs"), None)
