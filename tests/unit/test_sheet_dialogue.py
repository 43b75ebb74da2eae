"""Filling a sheet: the type, the order of fields, answers and re-asks, skips and corrections."""

import datetime as dt

import pytest

from bot.prescription.validation import FieldError
from bot.sheet_dialogue import SheetState, find_field, sheet_type_for

TODAY = dt.date(2026, 11, 29)


def test_the_sheet_type_follows_the_situation() -> None:
    assert sheet_type_for(["neet"]) == "graine_de"
    assert sheet_type_for(["abandon_graine_de", "ase_sorti"]) == "coordo_ase"
    assert sheet_type_for(["abandon_graine_de"]) == "coach_jeunesse"


def test_what_the_orientation_knows_is_not_asked_again() -> None:
    state = SheetState.start("jeune", 17, "Lens", ["cej", "neet"], ["ase_confie", "ase_sorti", "rsa", "pacea"])
    asked = []
    while (target := state.next_field(TODAY)) is not None and len(asked) < 60:
        asked.append(target.id)
        state = state.skip(target) if not target.required else state.answer(target, _answer(target), TODAY)
    assert "commune" not in asked and "cej" not in asked and "ase" not in asked and "rsa" not in asked
    assert asked[:3] == ["nom", "prenom", "date_naissance"]
    assert "representant_nom" in asked  # born in 2009: a minor
    assert "prescripteur_nom" not in asked


def _answer(target) -> str:
    return {"nom": "Dupont", "prenom": "Lou", "date_naissance": "12/03/2009", "telephone": "0612345678",
            "date_sortie_scolaire": "juin 2025", "representant_telephone": "03 21 00 00 01",
            "representant_nom": "Marie Dupont"}.get(target.id, "oui" if target.kind == "oui_non" else "texte libre")


def test_a_bad_answer_raises_the_french_re_ask_and_changes_nothing() -> None:
    state = SheetState.start("jeune", None, None, [], [])
    birth = next(f for f in state.fields(TODAY) if f.id == "date_naissance")
    with pytest.raises(FieldError):
        state.answer(birth, "31/02/2009", TODAY)
    with pytest.raises(FieldError):
        state.skip(birth)  # required


def test_a_professional_is_asked_the_prescriber_and_may_skip_the_phone() -> None:
    state = SheetState.start("professionnel", 20, "Arras", [], [])
    ids = [f.id for f in state.fields(TODAY)]
    assert "prescripteur_nom" in ids
    phone = next(f for f in state.fields(TODAY) if f.id == "telephone")
    assert not phone.required


def test_a_correction_is_found_by_the_name_people_use() -> None:
    state = SheetState.start("jeune", 20, "Arras", [], [])
    fields = state.fields(TODAY)
    assert find_field("Téléphone", fields).id == "telephone"
    assert find_field("date de naissance", fields).id == "date_naissance"
    assert find_field("telephone", fields).id == "telephone"
    assert find_field("xyz", fields) is None
