"""Sheets as CSV for French Excel: `;` separator, UTF-8 with BOM, CRLF, dates dd/mm/yyyy.

One column per field label (every field of every sheet type, in the form's order, empty where a
sheet has no such field), after the reference, type, status and SLAI flag. A cell that Excel
would read as a formula (starting with =, +, -, @, a tab or a carriage return) is prefixed with
an apostrophe, so that a typed answer can never run in the SLAI's spreadsheet.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from bot.prescription.fields import ALL_FIELDS, display_value, sheet_fields, value_of
from bot.prescription.models import FLAG_LABELS, Sheet, SheetStatus, SheetType
from bot.prescription.repository import SheetRepository

BOM = "\ufeff"
LEADING_COLUMNS = ("Référence", "Type de fiche", "Statut", "Signalement SLAI")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def header() -> list[str]:
    return [*LEADING_COLUMNS, *(f.label for f in ALL_FIELDS)]


def _safe(cell: str) -> str:
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


def _row(sheet: Sheet) -> list[str]:
    present = {f.id for f in sheet_fields(sheet)}
    cells = [
        sheet.reference,
        sheet.sheet_type.label,
        sheet.status.label,
        FLAG_LABELS.get(sheet.slai_flag, sheet.slai_flag) if sheet.slai_flag else "",
    ]
    cells += [display_value(f, value_of(sheet, f)) if f.id in present else "" for f in ALL_FIELDS]
    return [_safe(cell) for cell in cells]


def sheets_csv(sheets: Iterable[Sheet]) -> bytes:
    """The CSV file of `sheets`, as bytes ready to send or write."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(header())
    for sheet in sheets:
        writer.writerow(_row(sheet))
    return (BOM + buffer.getvalue()).encode("utf-8")


def territory_csv(
    repository: SheetRepository,
    territory: str,
    *,
    status: SheetStatus | str | None = None,
    sheet_type: SheetType | str | None = None,
    page: int = 500,
) -> bytes:
    """Every sheet of one territory (optionally of one status or type), newest first, as CSV."""
    sheets: list[Sheet] = []
    while True:
        batch = repository.search([territory], status=status, sheet_type=sheet_type, limit=page, offset=len(sheets))
        sheets.extend(batch)
        if len(batch) < page:
            return sheets_csv(sheets)
