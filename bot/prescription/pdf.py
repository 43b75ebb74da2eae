"""A sheet as an A4 PDF (fpdf2), with an embedded DejaVu Sans so that "Œ", "’" and "€" print.

The font comes from matplotlib's package data when matplotlib is installed (located with
`importlib.util.find_spec`, never imported), else from Debian's fonts-dejavu-core. A missing
value prints as a blank line to fill in by hand.
"""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from bot.prescription.fields import SECTIONS, display_value, sheet_fields, value_of
from bot.prescription.models import FLAG_LABELS, Sheet

FONT = "DejaVu"
_SYSTEM_FONTS = Path("/usr/share/fonts/truetype/dejavu")
_BLANK = "_" * 48
MARGIN = 18  # mm


class FontNotFound(RuntimeError):
    pass


@lru_cache(maxsize=1)
def font_files() -> tuple[Path, Path]:
    """(regular, bold) DejaVu Sans TTF files."""
    candidates = []
    spec = importlib.util.find_spec("matplotlib")
    if spec is not None and spec.submodule_search_locations:
        for location in spec.submodule_search_locations:
            candidates.append(Path(location) / "mpl-data" / "fonts" / "ttf")
    candidates.append(_SYSTEM_FONTS)
    for folder in candidates:
        regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        if regular.is_file() and bold.is_file():
            return regular, bold
    raise FontNotFound(
        "Police DejaVu Sans introuvable (matplotlib ou le paquet fonts-dejavu-core) : le PDF ne peut pas être produit."
    )


class _Document(FPDF):
    def __init__(self, reference: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.reference = reference
        regular, bold = font_files()
        self.add_font(FONT, "", str(regular))
        self.add_font(FONT, "B", str(bold))
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(auto=True, margin=MARGIN)
        self.set_title(f"Fiche de prescription {reference}")
        self.set_author("Département du Pas-de-Calais")
        self.set_creator("Cap Jeunes 62")

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, "", 8)
        self.cell(0, 5, f"{self.reference} — page {self.page_no()}/{{nb}} — document confidentiel", align="C")


def render_pdf(sheet: Sheet) -> bytes:
    """The sheet as PDF bytes."""
    pdf = _Document(sheet.reference)
    pdf.alias_nb_pages()
    pdf.add_page()
    width = pdf.w - 2 * MARGIN

    pdf.set_font(FONT, "B", 16)
    pdf.multi_cell(width, 8, sheet.sheet_type.label, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, "", 11)
    pdf.multi_cell(width, 6, f"Référence {sheet.reference} — statut : {sheet.status.label}",
                   align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if sheet.slai_flag:
        pdf.ln(2)
        pdf.set_font(FONT, "B", 11)
        pdf.multi_cell(width, 7, f"À l'attention du SLAI : {FLAG_LABELS.get(sheet.slai_flag, sheet.slai_flag)}",
                       border=1, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    section = None
    label_width = 70
    for f in sheet_fields(sheet):
        if f.section != section:
            section = f.section
            if pdf.get_y() + 4 + 7 + 1.5 + 12 > pdf.page_break_trigger:
                pdf.add_page()  # no section title alone at the bottom of a page
            else:
                pdf.ln(4)
            pdf.set_font(FONT, "B", 12)
            pdf.multi_cell(width, 7, SECTIONS[section], align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            y = pdf.get_y()
            pdf.line(MARGIN, y, MARGIN + width, y)
            pdf.ln(1.5)
        shown = display_value(f, value_of(sheet, f), with_time=f.id == "consentement")
        _row(pdf, label_width, width - label_width, f.label, shown or _BLANK)
    return bytes(pdf.output())


def _row(pdf: FPDF, label_width: float, value_width: float, label: str, value: str) -> None:
    """A label (bold) and its value side by side, kept on one page."""
    line = 6
    pdf.set_font(FONT, "B", 10)
    label_lines = len(pdf.multi_cell(label_width, line, label, align="L", dry_run=True, output="LINES"))
    pdf.set_font(FONT, "", 10)
    value_lines = len(pdf.multi_cell(value_width, line, value, align="L", dry_run=True, output="LINES"))
    height = line * max(label_lines, value_lines)
    if pdf.get_y() + height > pdf.page_break_trigger:
        pdf.add_page()
    top = pdf.get_y()
    pdf.set_font(FONT, "B", 10)
    pdf.multi_cell(label_width, line, label, align="L", new_x=XPos.RIGHT, new_y=YPos.TOP)
    pdf.set_font(FONT, "", 10)
    pdf.multi_cell(value_width, line, value, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_y(top + height)
