"""Prescription sheets of my territories: list with filters, search by last name (blind index),
detail, validate or refuse with a comment, PDF, CSV export per territory.

The name search is a POST: a searched name never appears in a URL (history, proxy logs).
Every view, download, export and decision is audited; another territory's sheet is a 404.
"""

from __future__ import annotations

from aiohttp import web

from bot.backoffice.app import db, render, services
from bot.backoffice.audit import AuditAction
from bot.backoffice.auth import current_account
from bot.prescription.fields import SECTIONS, display_value, sheet_fields, value_of
from bot.prescription.models import FLAG_LABELS, TRANSITIONS, Sheet, SheetError, SheetStatus, SheetType

REFERENCE = r"{reference:PR-[0-9]{4}-[0-9]{6}}"
MAX_COMMENT = 2000
DECISIONS = {
    SheetStatus.VALIDEE.value: AuditAction.VALIDATION,
    SheetStatus.REFUSEE.value: AuditAction.REFUS,
}
NOTICES = {
    "validee": "La fiche est validée.",
    "refusee": "La fiche est refusée.",
    "transmise": "La fiche est de nouveau à étudier (transmise).",
    "brouillon": "La fiche est renvoyée en brouillon pour correction.",
}


async def visible_sheet(request: web.Request, reference: str) -> Sheet:
    found = services(request)
    account = current_account(request)
    sheet = await db(found.sheets.get, reference)
    if sheet is None:
        raise web.HTTPNotFound()
    if not account.can_see(sheet.territory):
        await db(found.audit.record, account.actor, AuditAction.ACCES_REFUSE, reference)
        raise web.HTTPNotFound()
    return sheet


def _choice(value: str | None, enum: type) -> str | None:
    return value if value in {member.value for member in enum} else None


async def listing(request: web.Request) -> web.Response:
    found = services(request)
    account = current_account(request)
    status = _choice(request.query.get("statut"), SheetStatus)
    sheet_type = _choice(request.query.get("type"), SheetType)
    last_name = None
    if request.method == "POST":
        form = await request.post()
        last_name = str(form.get("nom", "")).strip()[:200] or None
        status = _choice(str(form.get("statut", "")), SheetStatus)
        sheet_type = _choice(str(form.get("type", "")), SheetType)
    sheets = await db(found.sheets.search, account.scope, status=status, sheet_type=sheet_type, last_name=last_name)
    return render(request, "sheets/list.html", {
        "sheets": sheets, "status": status, "sheet_type": sheet_type, "last_name": last_name or "",
        "statuses": list(SheetStatus), "types": list(SheetType), "flags": FLAG_LABELS,
        "territories": account.territories if not account.is_admin else None,
    })


def _sections(sheet: Sheet) -> list[tuple[str, list[tuple[str, str]]]]:
    grouped: list[tuple[str, list[tuple[str, str]]]] = []
    for f in sheet_fields(sheet):
        title = SECTIONS[f.section]
        if not grouped or grouped[-1][0] != title:
            grouped.append((title, []))
        grouped[-1][1].append((f.label, display_value(f, value_of(sheet, f), with_time=f.id == "consentement")))
    return grouped


async def detail(request: web.Request, *, error: str | None = None, status: int = 200) -> web.Response:
    found = services(request)
    account = current_account(request)
    sheet = await visible_sheet(request, request.match_info["reference"])
    await db(found.audit.record, account.actor, AuditAction.CONSULTATION, sheet.reference, sheet.territory)
    names = await db(found.accounts.names)
    return render(request, "sheets/detail.html", {
        "sheet": sheet, "sections": _sections(sheet), "names": names, "flags": FLAG_LABELS,
        "next_statuses": sorted(TRANSITIONS[sheet.status], key=list(SheetStatus).index),
        "notice": NOTICES.get(request.query.get("ok", "")), "error": error,
    }, status=status)


async def change_status(request: web.Request) -> web.Response:
    found = services(request)
    account = current_account(request)
    sheet = await visible_sheet(request, request.match_info["reference"])
    form = await request.post()
    to = _choice(str(form.get("statut", "")), SheetStatus)
    comment = str(form.get("commentaire", "")).strip()
    if to is None:
        return await detail(request, error="Choisissez une décision.", status=400)
    if len(comment) > MAX_COMMENT:
        return await detail(request, error=f"Le commentaire dépasse {MAX_COMMENT} caractères.", status=400)
    if to == SheetStatus.REFUSEE.value and not comment:
        return await detail(request, error="Un refus s'accompagne d'un commentaire (le motif).", status=400)
    try:
        changed = await db(found.sheets.change_status, sheet.reference, to, account.actor, comment=comment or None)
    except SheetError as error:
        return await detail(request, error=str(error), status=400)
    await db(found.audit.record, account.actor, DECISIONS.get(to, AuditAction.CHANGEMENT_STATUT),
             changed.reference, changed.territory)
    raise web.HTTPSeeOther(f"/fiches/{changed.reference}?ok={to}")


async def pdf(request: web.Request) -> web.Response:
    from bot.prescription.pdf import render_pdf

    found = services(request)
    account = current_account(request)
    sheet = await visible_sheet(request, request.match_info["reference"])
    content = await db(render_pdf, sheet)
    await db(found.audit.record, account.actor, AuditAction.TELECHARGEMENT_PDF, sheet.reference, sheet.territory)
    return web.Response(body=content, content_type="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{sheet.reference}.pdf"',
    })


async def export(request: web.Request) -> web.Response:
    from bot.prescription.export import territory_csv

    found = services(request)
    account = current_account(request)
    territory = request.query.get("territoire", "")
    if territory not in dict(_all_territories()):
        raise web.HTTPNotFound()
    if not account.can_see(territory):
        await db(found.audit.record, account.actor, AuditAction.ACCES_REFUSE, f"fiches {territory}", territory)
        raise web.HTTPNotFound()
    status = _choice(request.query.get("statut"), SheetStatus)
    sheet_type = _choice(request.query.get("type"), SheetType)
    content = await db(territory_csv, found.sheets, territory, status=status, sheet_type=sheet_type)
    await db(found.audit.record, account.actor, AuditAction.EXPORT_CSV, f"fiches {territory}", territory)
    return web.Response(body=content, headers={
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": f'attachment; filename="fiches-{territory}.csv"',
    })


def _all_territories() -> list[tuple[str, str]]:
    from bot.backoffice.filters import territories

    return territories()


def setup(app: web.Application) -> None:
    app.router.add_get("/fiches", listing)
    app.router.add_post("/fiches", listing)
    app.router.add_get("/fiches/export.csv", export)
    app.router.add_get(f"/fiches/{REFERENCE}", detail)
    app.router.add_get(f"/fiches/{REFERENCE}/pdf", pdf)
    app.router.add_post(f"/fiches/{REFERENCE}/statut", change_status)
