"""bot.prescription.fields: the form's order, which fields a sheet has, pre-filling, values."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.prescription.fields import (
    ALL_FIELDS,
    SECTIONS,
    PartialDate,
    asked_fields,
    decode_values,
    display_value,
    encode_values,
    field,
    fields_for,
    missing_fields,
    prefill,
)
from bot.prescription.models import SheetType


def ids(fields) -> list[str]:  # noqa: ANN001
    return [f.id for f in fields]


def test_sections_come_in_the_order_of_the_form() -> None:
    seen = list(dict.fromkeys(f.section for f in ALL_FIELDS))
    assert seen == list(SECTIONS)
    assert list(SECTIONS.values())[:3] == ["Le ou la jeune", "Scolarité et situation professionnelle", "Accompagnement actuel"]
    assert ids(ALL_FIELDS)[:8] == ["nom", "prenom", "date_naissance", "age", "commune", "territoire", "telephone", "email"]
    assert len(set(ids(ALL_FIELDS))) == len(ALL_FIELDS)
    assert all(f.label and f.label[0].isupper() for f in ALL_FIELDS)


@pytest.mark.parametrize("sheet_type", list(SheetType))
def test_an_adult_speaking_for_themselves_has_neither_representative_nor_prescriber(sheet_type: SheetType) -> None:
    sections = {f.section for f in fields_for(sheet_type, "jeune", 19)}
    assert "representant" not in sections and "prescripteur" not in sections
    assert field("email").required is False and field("nom").required is True


def test_a_minor_has_a_legal_representative_and_a_professional_a_prescriber() -> None:
    minor = ids(fields_for("graine_de", "jeune", 17))
    assert ["representant_nom", "representant_telephone", "representant_informe"] == [i for i in minor if i.startswith("representant")]
    pro = fields_for("coordo_ase", "professionnel", 20)
    assert [f.id for f in pro if f.section == "prescripteur"] == [
        "prescripteur_structure", "prescripteur_nom", "prescripteur_telephone", "prescripteur_email"]
    assert next(f for f in pro if f.id == "telephone").required is False
    assert "representant_nom" not in ids(fields_for("graine_de", "jeune", None))


def test_derived_fields_are_not_asked() -> None:
    asked = ids(asked_fields("graine_de", "jeune", 20))
    for derived in ("age", "territoire", "slai", "date_creation", "date_transmission", "consentement"):
        assert derived not in asked
    assert asked[0] == "nom"


def test_unknown_types_and_roles_are_refused() -> None:
    with pytest.raises(ValueError):
        fields_for("faj_co", "jeune", 18)
    with pytest.raises(ValueError):
        fields_for("graine_de", "structure", 18)


def test_prefill_maps_what_the_orientation_knows() -> None:
    values = prefill("jeune", 19, "Calais", ["cej", "ase_sorti", "sans_logement", "neet"], absent=["rsa", "pacea"])
    assert values == {
        "commune": "62193", "cej": True, "ase": True, "difficulte_logement": True, "rsa": False, "pacea": False,
        "situation_actuelle": "sans emploi, sans études et sans formation",
    }
    assert prefill("jeune", 17, "insee:62041", ["ase_confie", "pacea"])["commune"] == "62041"
    assert prefill("jeune", 17, None, ["pacea"]) == {"pacea": True, "mission_locale": True, "rsa": False}
    assert prefill("jeune", 17, "Lille", []) == {"rsa": False}  # outside the 62: asked again, then refused
    assert "ase" not in prefill("jeune", 17, None, [], absent=["ase_confie"])  # ase_sorti still unknown
    assert prefill("jeune", 17, None, [], absent=["ase_confie", "ase_sorti"]) == {"ase": False, "rsa": False}


def test_a_minor_is_never_asked_about_the_rsa() -> None:
    assert "rsa" not in ids(asked_fields("graine_de", "jeune", 16))
    assert "rsa" not in ids(asked_fields("coach_jeunesse", "professionnel", 17))
    assert "rsa" in ids(asked_fields("graine_de", "jeune", 19))
    assert prefill("professionnel", 16, None, [])["rsa"] is False


def test_values_round_trip_through_json_and_display_in_french() -> None:
    values = {"date_naissance": dt.date(2008, 3, 12), "date_sortie_scolaire": PartialDate(2024, 6),
              "cej": True, "commune": "62193", "nom": "Lefèvre"}
    raw = encode_values(values)
    assert raw == {"date_naissance": "2008-03-12", "date_sortie_scolaire": "2024-06", "cej": True,
                   "commune": "62193", "nom": "Lefèvre"}
    assert decode_values(raw) == values
    assert display_value(field("date_naissance"), dt.date(2008, 3, 12)) == "12/03/2008"
    assert display_value(field("date_sortie_scolaire"), PartialDate(2024, 6)) == "06/2024"
    assert display_value(field("date_sortie_scolaire"), PartialDate(2023)) == "2023"
    assert display_value(field("cej"), False) == "non"
    assert display_value(field("commune"), "62193") == "Calais"
    assert display_value(field("age"), 17) == "17 ans"
    moment = dt.datetime(2026, 6, 30, 22, 30, tzinfo=dt.timezone.utc)
    assert display_value(field("consentement"), moment, with_time=True) == "01/07/2026 à 00:30"
    assert display_value(field("email"), None) == ""
    with pytest.raises(TypeError):
        encode_values({"date_naissance": "2008-03-12"})
    with pytest.raises(KeyError):
        encode_values({"age": 17})


def test_missing_fields_are_the_required_asked_ones() -> None:
    fields = fields_for("graine_de", "jeune", 17)
    missing = ids(missing_fields(fields, {"nom": "X", "email": ""}))
    assert "nom" not in missing and "email" not in missing and "representant_informe" in missing
