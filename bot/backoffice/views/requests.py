"""The inbox of contact requests: list, detail (summary, transcript, messages), take, reply,
hand back to the bot, transfer, erase (admins).

A request of a territory the adviser does not serve gives the same 404 as a missing one, and
the attempt is audited. Rasa is called after the database change is committed: a Rasa failure
never loses what the adviser did, and the page says what happened.
"""

from __future__ import annotations

from aiohttp import web

from bot.backoffice.accounts import Account
from bot.backoffice.app import db, render, services
from bot.backoffice.audit import AuditAction
from bot.backoffice.auth import current_account
from bot.handoff.delivery import deliver_message
from bot.handoff.models import (
    ContactRequest,
    ContactRequestError,
    RequestKind,
    RequestStatus,
)

REFERENCE = r"{reference:DC-[0-9]{4}-[0-9]{6}}"
NOTICES = {
    "prise": "Vous avez pris la demande en charge : l'assistant ne répond plus dans cette conversation.",
    "prise_sans_pause": "Vous avez pris la demande en charge, mais l'assistant n'a pas pu être mis en pause "
                        "(il est injoignable) : il répondra peut-être encore.",
    "reponse": "Votre message est enregistré.",
    "rendue": "La demande est close et l'assistant répond de nouveau dans la conversation.",
    "rendue_sans_reprise": "La demande est close, mais l'assistant n'a pas pu être prévenu (injoignable).",
    "transferee": "La demande a été transférée.",
    "effacee": "La demande et ses messages ont été effacés.",
}


async def visible_request(request: web.Request, reference: str) -> ContactRequest:
    """The request if the account may see it; else 404 (and an audited attempt when it exists)."""
    found = services(request)
    account = current_account(request)
    contact_request = await db(found.requests.get, reference)
    if contact_request is None:
        raise web.HTTPNotFound()
    if not account.can_see(contact_request.territory):
        await db(found.audit.record, account.actor, AuditAction.ACCES_REFUSE, reference)
        raise web.HTTPNotFound()
    return contact_request


def _choice(value: str | None, enum: type) -> str | None:
    return value if value in {member.value for member in enum} else None


async def inbox(request: web.Request) -> web.Response:
    found = services(request)
    account = current_account(request)
    status = _choice(request.query.get("statut"), RequestStatus)
    kind = _choice(request.query.get("type"), RequestKind)
    if "statut" not in request.query:
        status = RequestStatus.NOUVELLE.value
    listed = await db(found.requests.search, account.scope, status, kind)
    counts = await db(found.requests.count_by_status, account.scope)
    names = await db(found.accounts.names)
    return render(request, "requests/list.html", {
        "requests": listed, "status": status, "kind": kind, "counts": counts, "names": names,
        "statuses": list(RequestStatus), "kinds": list(RequestKind), "notice": NOTICES.get(request.query.get("ok", "")),
    })


async def detail(request: web.Request) -> web.Response:
    found = services(request)
    account = current_account(request)
    contact_request = await visible_request(request, request.match_info["reference"])
    await db(found.audit.record, account.actor, AuditAction.CONSULTATION, contact_request.reference,
             contact_request.territory)
    names = await db(found.accounts.names)
    sheet_visible = False
    if contact_request.sheet_reference:
        sheet = await db(found.sheets.get, contact_request.sheet_reference)
        sheet_visible = sheet is not None and account.can_see(sheet.territory)
    notice = NOTICES.get(request.query.get("ok", ""))
    return render(request, "requests/detail.html", {
        "r": contact_request, "names": names, "notice": notice, "error": None, "sheet_visible": sheet_visible,
        "slai_phone": _slai_phone(contact_request.territory),
    })


def _slai_phone(territory: str) -> str | None:
    from bot.knowledge import knowledge

    known = knowledge().territories.get(territory)
    return known.slai.phone if known is not None else None


async def _error(request: web.Request, contact_request: ContactRequest, message: str) -> web.Response:
    names = await db(services(request).accounts.names)
    return render(request, "requests/detail.html", {
        "r": contact_request, "names": names, "notice": None, "error": message, "sheet_visible": False,
        "slai_phone": _slai_phone(contact_request.territory),
    }, status=400)


def _back(reference: str, notice: str) -> web.HTTPSeeOther:
    return web.HTTPSeeOther(f"/demandes/{reference}?ok={notice}")


async def take(request: web.Request) -> web.Response:
    found = services(request)
    account = current_account(request)
    contact_request = await visible_request(request, request.match_info["reference"])
    try:
        taken = await db(found.requests.take, contact_request.reference, account.actor)
    except ContactRequestError as error:
        return await _error(request, contact_request, str(error))
    await db(found.audit.record, account.actor, AuditAction.PRISE_EN_CHARGE, taken.reference, taken.territory)
    paused = await found.settings.rasa.pause(taken.sender_id)
    raise _back(taken.reference, "prise" if paused.ok else "prise_sans_pause")


async def reply(request: web.Request) -> web.Response:
    found = services(request)
    account = current_account(request)
    contact_request = await visible_request(request, request.match_info["reference"])
    form = await request.post()
    was_new = contact_request.status == RequestStatus.NOUVELLE
    try:
        message = await db(found.requests.add_message, contact_request.reference, account.actor,
                           str(form.get("message", "")), author_label=_author_label(account))
    except ContactRequestError as error:
        return await _error(request, contact_request, str(error))
    await db(found.audit.record, account.actor, AuditAction.REPONSE, contact_request.reference,
             contact_request.territory)
    if was_new and contact_request.can_reply_here:
        await found.settings.rasa.pause(contact_request.sender_id)
    await deliver_message(found.requests, found.settings.rasa, message, contact_request.sender_id,
                          contact_request.channel.value)
    raise _back(contact_request.reference, "reponse")


def _author_label(account: Account) -> str:
    return f"{account.display_name} (conseiller ou conseillère du Département)"


async def hand_back(request: web.Request) -> web.Response:
    found = services(request)
    account = current_account(request)
    contact_request = await visible_request(request, request.match_info["reference"])
    try:
        closed = await db(found.requests.close, contact_request.reference, account.actor)
    except ContactRequestError as error:
        return await _error(request, contact_request, str(error))
    await db(found.audit.record, account.actor, AuditAction.CLOTURE, closed.reference, closed.territory)
    resumed = await found.settings.rasa.resume(closed.sender_id)
    raise _back(closed.reference, "rendue" if resumed.ok else "rendue_sans_reprise")


async def transfer(request: web.Request) -> web.Response:
    found = services(request)
    account = current_account(request)
    contact_request = await visible_request(request, request.match_info["reference"])
    form = await request.post()
    try:
        moved = await db(found.requests.transfer, contact_request.reference, str(form.get("territoire", "")),
                         account.actor, str(form.get("motif", "")))
    except ContactRequestError as error:
        return await _error(request, contact_request, str(error))
    await db(found.audit.record, account.actor, AuditAction.TRANSFERT, moved.reference, moved.territory)
    if account.can_see(moved.territory):
        raise _back(moved.reference, "transferee")
    raise web.HTTPSeeOther("/demandes?ok=transferee")


async def erase(request: web.Request) -> web.Response:
    found = services(request)
    account = current_account(request)
    if not account.is_admin:
        raise web.HTTPForbidden(reason="admin")
    contact_request = await visible_request(request, request.match_info["reference"])
    await db(found.requests.delete, contact_request.reference)
    await db(found.audit.record, account.actor, AuditAction.EFFACEMENT, contact_request.reference,
             contact_request.territory)
    raise web.HTTPSeeOther("/demandes?ok=effacee")


def setup(app: web.Application) -> None:
    app.router.add_get("/demandes", inbox)
    app.router.add_get(f"/demandes/{REFERENCE}", detail)
    app.router.add_post(f"/demandes/{REFERENCE}/prendre", take)
    app.router.add_post(f"/demandes/{REFERENCE}/repondre", reply)
    app.router.add_post(f"/demandes/{REFERENCE}/rendre", hand_back)
    app.router.add_post(f"/demandes/{REFERENCE}/transferer", transfer)
    app.router.add_post(f"/demandes/{REFERENCE}/effacer", erase)
