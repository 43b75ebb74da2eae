"""Entity text to knowledge ids."""

import pytest

from bot.lexicon import to_id


@pytest.mark.parametrize("entity, text, expected", [
    ("situation", "foyer", "ase_confie"), ("situation", "MECS", "ase_confie"), ("situation", "à la rue", "sans_logement"),
    ("situation", "a la rue", "sans_logement"), ("situation", "apprenti", "apprentissage"),
    ("situation", "décrocheur", "decrochage_scolaire"), ("situation", "HLM", "recherche_logement"),
    ("situation", "ase_sorti", "ase_sorti"),
    ("dispositif", "FAJ Co", "faj_co"), ("dispositif", "fajco", "faj_co"), ("dispositif", "graine de", "graine_de"),
    ("dispositif", "bail glissant", "accompagnement_logement"), ("dispositif", "coordo ase", "coordo_ase"),
    ("territoire", "Montreuilsois", "montreuillois"), ("territoire", "lens lievin", "lens_lievin"),
    ("structure_type", "asso", "association_1901"), ("structure_type", "mission loc", "mission_locale"),
    ("role", "jeune", "jeune"), ("role", "pro", "professionnel"),
])
def test_known_spellings(entity: str, text: str, expected: str) -> None:
    assert to_id(entity, text) == expected


@pytest.mark.parametrize("value", [None, "", "  ", 17, "licorne"])
def test_unknown_values_give_nothing(value) -> None:
    assert to_id("situation", value) is None
