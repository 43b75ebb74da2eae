"""bot.prescription.notice: short, complete, in both registers, and the same numbers as the docs."""

from __future__ import annotations

import re

import pytest

from bot.paths import ROOT
from bot.prescription.notice import (
    CONVERSATION_RETENTION_MONTHS,
    MAX_NOTICE_LENGTH,
    PRIVACY_PATH,
    SHEET_RETENTION_MONTHS,
    notice,
)


@pytest.mark.parametrize(("role", "register"), [("jeune", r"\bta fiche\b"), ("professionnel", r"\bvous\b")])
def test_the_notice_says_everything_in_few_words(role: str, register: str) -> None:
    text = notice(role)
    assert len(text) <= MAX_NOTICE_LENGTH
    assert re.search(register, text)
    for needed in ("Département du Pas-de-Calais", "responsable", "fiche de prescription", "6.1.e", "accord",
                   "SLAI", f"{SHEET_RETENTION_MONTHS} mois", f"{CONVERSATION_RETENTION_MONTHS} mois", "copie",
                   "supprime mes données", "délégué à la protection des données", PRIVACY_PATH):
        assert needed in text, needed
    if role == "jeune":
        assert "vous" not in text
    else:
        assert not re.search(r"\b(tu|ta|tes|ton)\b", text)


def test_the_link_can_be_absolute() -> None:
    assert notice("jeune", "https://cap-jeunes-62.example/confidentialite").endswith("https://cap-jeunes-62.example/confidentialite")


def test_the_privacy_documents_quote_the_same_retention_periods() -> None:
    page = (ROOT / "docs" / "confidentialite.md").read_text(encoding="utf-8")
    assert f"{SHEET_RETENTION_MONTHS} mois" in page and f"{CONVERSATION_RETENTION_MONTHS} mois" in page
    assert "6.1.e" in page and "CNIL" in page
    assert (ROOT / "docs" / "aipd.md").exists()


@pytest.mark.parametrize("role", ["jeune", "professionnel"])
def test_the_first_screen_is_short_and_plain(role: str) -> None:
    from bot.prescription.notice import MAX_FIRST_SCREEN, first_screen

    text = first_screen(role)
    assert len(text) <= MAX_FIRST_SCREEN and "SLAI" in text and f"{SHEET_RETENTION_MONTHS} mois" in text
    assert "RGPD" not in text and "6.1.e" not in text
