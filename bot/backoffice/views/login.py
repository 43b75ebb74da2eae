"""Login, second factor (TOTP for admins: enrolment, then a code at each login), logout, password change."""

from __future__ import annotations

from aiohttp import web

from bot.backoffice import throttle
from bot.backoffice.accounts import AccountError
from bot.backoffice.app import db, render, services
from bot.backoffice.audit import AuditAction
from bot.backoffice.auth import (
    clear_session_cookie,
    current_account,
    safe_next,
    second_factor_path,
    set_session_cookie,
)
from bot.backoffice.models import Role

BAD_LOGIN = "Adresse e-mail ou mot de passe incorrect."
BAD_CODE = "Code incorrect ou déjà utilisé : saisissez le code à 6 chiffres affiché par votre application."


def _ip(request: web.Request) -> str:
    return request.remote or "inconnue"


async def _wait_if_needed(request: web.Request, keys: list[str]) -> None:
    """The progressive delay, applied before any check and recorded (tests read `login_delays`)."""
    found = services(request)
    delay = await db(found.throttle.delay, keys)
    found.login_delays.append(delay)
    if delay > 0:
        await found.settings.sleeper(delay)


async def login_page(request: web.Request) -> web.Response:
    if request.get("account") is not None and request["session"].second_factor_done:
        raise web.HTTPSeeOther(safe_next(request.query.get("suite")))
    return render(request, "login.html", {"email": "", "error": None, "next": safe_next(request.query.get("suite"))})


async def login(request: web.Request) -> web.Response:
    found = services(request)
    form = await request.post()
    email = str(form.get("email", ""))[:254]
    password = str(form.get("password", ""))
    target = safe_next(str(form.get("suite", "")))
    keys = [throttle.account_key(email), throttle.ip_key(_ip(request))]
    await _wait_if_needed(request, keys)
    account = await db(found.accounts.authenticate, email, password)
    if account is None:
        await db(found.throttle.record_failure, keys)
        return render(request, "login.html", {"email": email, "error": BAD_LOGIN, "next": target}, status=401)
    await db(found.throttle.reset, keys[0])
    old = request.get("session")
    if old is not None:
        await db(found.sessions.revoke, old.token)
    session = await db(found.sessions.create, account.id, second_factor_done=account.role != Role.ADMIN)
    await db(found.audit.record, account.actor, AuditAction.CONNEXION)
    response = web.HTTPSeeOther(target if session.second_factor_done else
                                second_factor_path(account) + "?suite=" + target)
    set_session_cookie(response, session, found.settings.secure_cookies)
    raise response


async def code_page(request: web.Request) -> web.Response:
    account = request["account"]
    if request["session"].second_factor_done:
        raise web.HTTPSeeOther("/demandes")
    if not account.totp_enabled:
        raise web.HTTPSeeOther("/connexion/activation")
    return render(request, "totp.html", {"error": None, "next": safe_next(request.query.get("suite"))})


async def code(request: web.Request) -> web.Response:
    return await _second_factor(request, confirm=False)


async def _second_factor(request: web.Request, *, confirm: bool) -> web.Response:
    found = services(request)
    account, session = request["account"], request["session"]
    if session.second_factor_done:
        raise web.HTTPSeeOther("/demandes")
    form = await request.post()
    target = safe_next(str(form.get("suite", "")))
    keys = [throttle.account_key(account.email), throttle.ip_key(_ip(request))]
    await _wait_if_needed(request, keys)
    if not await db(found.accounts.verify_totp, account.id, str(form.get("code", "")), confirm=confirm):
        await db(found.throttle.record_failure, keys)
        if confirm:
            secret = await db(found.accounts.totp_secret_for_enrolment, account.id)
            return render(request, "totp_enrol.html", _enrolment(account.email, secret, BAD_CODE, target), status=401)
        return render(request, "totp.html", {"error": BAD_CODE, "next": target}, status=401)
    await db(found.throttle.reset, keys[0])
    renewed = await db(found.sessions.complete_second_factor, session.token)
    if renewed is None:
        raise web.HTTPSeeOther("/connexion")
    response = web.HTTPSeeOther(target)
    set_session_cookie(response, renewed, found.settings.secure_cookies)
    raise response


def _enrolment(email: str, secret: str, error: str | None, target: str) -> dict[str, object]:
    from bot.backoffice.accounts import AccountRepository

    grouped = " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))
    return {"secret": grouped, "uri": AccountRepository.provisioning_uri(secret, email), "error": error,
            "next": target}


async def enrol_page(request: web.Request) -> web.Response:
    account = request["account"]
    if request["session"].second_factor_done:
        raise web.HTTPSeeOther("/demandes")
    if account.totp_enabled:
        raise web.HTTPSeeOther("/connexion/code")
    secret = await db(services(request).accounts.totp_secret_for_enrolment, account.id)
    return render(request, "totp_enrol.html", _enrolment(account.email, secret, None,
                                                          safe_next(request.query.get("suite"))))


async def enrol(request: web.Request) -> web.Response:
    if request["account"].totp_enabled:
        raise web.HTTPSeeOther("/connexion/code")
    return await _second_factor(request, confirm=True)


async def logout(request: web.Request) -> web.Response:
    found = services(request)
    session, account = request["session"], request["account"]
    await db(found.sessions.revoke, session.token)
    await db(found.audit.record, account.actor, AuditAction.DECONNEXION)
    response = web.HTTPSeeOther("/connexion?sortie=1")
    clear_session_cookie(response, found.settings.secure_cookies)
    raise response


async def account_page(request: web.Request) -> web.Response:
    return render(request, "account.html", {"error": None, "done": request.query.get("ok") == "1"})


async def change_password(request: web.Request) -> web.Response:
    found = services(request)
    account = current_account(request)
    form = await request.post()
    current, new, again = (str(form.get(name, "")) for name in ("current", "new", "again"))
    keys = [throttle.account_key(account.email), throttle.ip_key(_ip(request))]
    await _wait_if_needed(request, keys)
    if await db(found.accounts.authenticate, account.email, current) is None:
        await db(found.throttle.record_failure, keys)
        return render(request, "account.html", {"error": "Mot de passe actuel incorrect.", "done": False}, status=400)
    if new != again:
        return render(request, "account.html", {"error": "Les deux nouveaux mots de passe diffèrent.", "done": False},
                      status=400)
    try:
        await db(found.accounts.set_password, account.id, new)
    except AccountError as error:
        return render(request, "account.html", {"error": str(error), "done": False}, status=400)
    raise web.HTTPSeeOther("/compte?ok=1")


def setup(app: web.Application) -> None:
    app.router.add_get("/connexion", login_page)
    app.router.add_post("/connexion", login)
    app.router.add_get("/connexion/code", code_page)
    app.router.add_post("/connexion/code", code)
    app.router.add_get("/connexion/activation", enrol_page)
    app.router.add_post("/connexion/activation", enrol)
    app.router.add_post("/deconnexion", logout)
    app.router.add_get("/compte", account_page)
    app.router.add_post("/compte", change_password)
