"""Admin pages: accounts (create, disable/enable, territories, reset the second factor), the
e-mail address of each territory's inboxes, and the audit log. The middleware already refused
non-admins (403)."""

from __future__ import annotations

from aiohttp import web

from bot.backoffice.accounts import AccountError
from bot.backoffice.app import db, render, services
from bot.backoffice.audit import AuditAction
from bot.backoffice.auth import current_account
from bot.backoffice.models import Role
from bot.handoff.inboxes import InboxSettingError
from bot.handoff.models import RequestKind

PAGE = 100
NOTICES = {
    "cree": "Le compte est créé.",
    "desactive": "Le compte est désactivé : ses sessions sont fermées.",
    "active": "Le compte est réactivé.",
    "territoires": "Les territoires du compte sont enregistrés.",
    "totp": "Le second facteur du compte est réinitialisé : il en choisira un nouveau à sa prochaine connexion.",
    "boites": "Les adresses des boîtes sont enregistrées.",
}


async def accounts(request: web.Request, *, error: str | None = None, status: int = 200,
                   form: dict[str, object] | None = None) -> web.Response:
    listed = await db(services(request).accounts.all)
    return render(request, "admin/accounts.html", {
        "accounts": listed, "roles": list(Role), "error": error,
        "notice": NOTICES.get(request.query.get("ok", "")), "form": form or {},
    }, status=status)


async def create_account(request: web.Request) -> web.Response:
    found = services(request)
    admin = current_account(request)
    form = await request.post()
    email, name, role = (str(form.get(k, "")).strip() for k in ("email", "nom", "role"))
    territories = [str(t) for t in form.getall("territoire", [])]
    password = str(form.get("password", ""))
    kept = {"email": email, "nom": name, "role": role, "territoires": territories}
    if password != str(form.get("password2", "")):
        return await accounts(request, error="Les deux mots de passe diffèrent.", status=400, form=kept)
    try:
        created = await db(found.accounts.create, email, role, password, territories=territories, display_name=name)
    except AccountError as error:
        return await accounts(request, error=str(error), status=400, form=kept)
    await db(found.audit.record, admin.actor, AuditAction.COMPTE, created.actor)
    raise web.HTTPSeeOther("/admin/comptes?ok=cree")


def _account_id(request: web.Request) -> int:
    return int(request.match_info["account_id"])


async def set_disabled(request: web.Request) -> web.Response:
    found = services(request)
    admin = current_account(request)
    account_id = _account_id(request)
    disable = request.match_info["action"] == "desactiver"
    if disable and account_id == admin.id:
        return await accounts(request, error="Vous ne pouvez pas désactiver votre propre compte.", status=400)
    try:
        changed = await db(found.accounts.set_disabled, account_id, disable)
    except AccountError:
        raise web.HTTPNotFound() from None
    await db(found.audit.record, admin.actor, AuditAction.COMPTE, changed.actor)
    raise web.HTTPSeeOther("/admin/comptes?ok=" + ("desactive" if disable else "active"))


async def set_territories(request: web.Request) -> web.Response:
    found = services(request)
    admin = current_account(request)
    form = await request.post()
    try:
        changed = await db(found.accounts.set_territories, _account_id(request),
                           [str(t) for t in form.getall("territoire", [])])
    except AccountError as error:
        if str(error) == "Compte introuvable.":
            raise web.HTTPNotFound() from None
        return await accounts(request, error=str(error), status=400)
    await db(found.audit.record, admin.actor, AuditAction.COMPTE, changed.actor)
    raise web.HTTPSeeOther("/admin/comptes?ok=territoires")


async def reset_totp(request: web.Request) -> web.Response:
    found = services(request)
    admin = current_account(request)
    try:
        changed = await db(found.accounts.reset_totp, _account_id(request))
    except AccountError:
        raise web.HTTPNotFound() from None
    await db(found.audit.record, admin.actor, AuditAction.COMPTE, changed.actor)
    raise web.HTTPSeeOther("/admin/comptes?ok=totp")


async def inboxes(request: web.Request, *, error: str | None = None, status: int = 200) -> web.Response:
    current = await db(services(request).inboxes.all)
    return render(request, "admin/inboxes.html", {
        "current": {f"{t}:{k.value}": email for (t, k), email in current.items()}, "kinds": list(RequestKind),
        "error": error, "notice": NOTICES.get(request.query.get("ok", "")),
    }, status=status)


async def save_inboxes(request: web.Request) -> web.Response:
    from bot.knowledge import TERRITORY_IDS

    found = services(request)
    admin = current_account(request)
    form = await request.post()
    for territory in TERRITORY_IDS:
        for kind in RequestKind:
            name = f"{territory}:{kind.value}"
            if name not in form:
                continue
            try:
                await db(found.inboxes.set, territory, kind, str(form.get(name, "")), admin.actor)
            except InboxSettingError as error:
                return await inboxes(request, error=f"{error} ({territory}, {kind.label})", status=400)
    await db(found.audit.record, admin.actor, AuditAction.REGLAGE, "boites")
    raise web.HTTPSeeOther("/admin/boites?ok=boites")


async def journal(request: web.Request) -> web.Response:
    found = services(request)
    try:
        page = max(0, int(request.query.get("page", "0")))
    except ValueError:
        page = 0
    action = request.query.get("action") or None
    if action not in {a.value for a in AuditAction}:
        action = None
    entries = await db(found.audit.entries, action=action, limit=PAGE + 1, offset=page * PAGE)
    names = await db(found.accounts.names)
    return render(request, "admin/journal.html", {
        "entries": entries[:PAGE], "more": len(entries) > PAGE, "page": page, "names": names,
        "actions": list(AuditAction), "action": action or "",
    })


def setup(app: web.Application) -> None:
    app.router.add_get("/admin/comptes", accounts)
    app.router.add_post("/admin/comptes", create_account)
    app.router.add_post(r"/admin/comptes/{account_id:[0-9]{1,9}}/{action:desactiver|activer}", set_disabled)
    app.router.add_post(r"/admin/comptes/{account_id:[0-9]{1,9}}/territoires", set_territories)
    app.router.add_post(r"/admin/comptes/{account_id:[0-9]{1,9}}/totp", reset_totp)
    app.router.add_get("/admin/boites", inboxes)
    app.router.add_post("/admin/boites", save_inboxes)
    app.router.add_get("/admin/journal", journal)
