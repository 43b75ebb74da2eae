"""bot.prescription.pdf: an A4 PDF whose text (extracted with pypdf) has the name with "Œ" and
"’", the date of birth, the SLAI contact and "€"; blank lines for what is missing."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from bot.prescription.models import FLAG_REPRESENTATIVE_NOT_INFORMED, Sheet, SheetStatus, SheetType
from bot.prescription.pdf import font_files, render_pdf

NOW = dt.datetime(2026, 11, 29, 10, 0, tzinfo=dt.timezone.utc)


def sheet(values: dict, **changes) -> Sheet:  # noqa: ANN003
    base = dict(reference="PR-2026-000123", sheet_type=SheetType.GRAINE_DE, role="jeune", status=SheetStatus.TRANSMISE,
                territory="calaisis", values=values, consent_at=NOW, created_at=NOW, updated_at=NOW,
                status_changed_at=NOW, transmitted_at=NOW)
    base.update(changes)
    return Sheet(**base)


def text_of(pdf: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(pdf))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def test_the_pdf_prints_unicode_names_the_birth_date_and_the_slai(values) -> None:  # noqa: ANN001
    pdf = render_pdf(sheet(values(souhaits="cuisine — 10 € de l’heure", email=None)))
    assert pdf.startswith(b"%PDF-")
    reader, text = text_of(pdf)
    assert "Œdipe" in text and "D’Arcy-Lefèvre" in text
    assert "12/03/2005" in text and "21 ans" in text
    assert "SLAI du Calaisis : Hervé Leplat, 03 21 00 01 96" in text
    assert "10 € de l’heure" in text
    assert "Fiche de prescription « graine de »" in text and "PR-2026-000123" in text
    for title in ("Le ou la jeune", "Scolarité et situation professionnelle", "Accompagnement actuel",
                  "Difficultés repérées", "Souhaits", "Disponibilités", "SLAI du territoire", "Dates et consentement"):
        assert title in text
    assert "Représentant légal" not in text and "Prescripteur" not in text
    assert "________" in text  # the missing e-mail is a blank line
    assert "29/11/2026 à 11:00" in text  # consent, in Paris time
    page = reader.pages[0].mediabox
    assert (round(float(page.width) / 72 * 25.4), round(float(page.height) / 72 * 25.4)) == (210, 297)
    fonts = reader.pages[0]["/Resources"]["/Font"]
    assert all("DejaVu" in fonts[name].get_object()["/BaseFont"] for name in fonts)  # embedded, no core font


def test_a_flagged_minors_sheet_with_long_answers_spans_pages(minor) -> None:  # noqa: ANN001
    long_answer = "Je voudrais travailler dans la cuisine, la boulangerie ou la vente. " * 7
    pdf = render_pdf(sheet(minor(informed=False, situation_actuelle=long_answer[:500], souhaits=long_answer[:500]),
                           status=SheetStatus.BROUILLON, slai_flag=FLAG_REPRESENTATIVE_NOT_INFORMED, transmitted_at=None,
                           role="professionnel"))
    reader, text = text_of(pdf)
    assert len(reader.pages) >= 2
    assert "À l'attention du SLAI : mineur, représentant légal non informé" in text
    assert "Jocaste Thèbes" in text and "Représentant légal" in text and "Prescripteur" in text
    assert "brouillon" in text


def test_the_font_is_dejavu_from_matplotlib_or_the_system() -> None:
    regular, bold = font_files()
    assert regular.name == "DejaVuSans.ttf" and bold.name == "DejaVuSans-Bold.ttf"


@pytest.mark.parametrize("sheet_type", list(SheetType))
def test_each_type_has_its_title(sheet_type: SheetType, values) -> None:  # noqa: ANN001
    _, text = text_of(render_pdf(sheet(values(), sheet_type=sheet_type)))
    assert sheet_type.label in text
