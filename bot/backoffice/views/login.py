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
TOO_MANY = "Trop de tentatives en même temps : patientez {seconds} secondes, puis réessayez."


def client_address(request: web.Request) -> str:
    """The client's address: the trusted proxy's header when the deployment names one
    (`BACKOFFICE_CLIENT_IP_HEADER`), else the TCP peer (behind a proxy, the proxy for everyone)."""
    header = services(request).settings.client_ip_header
    if header:
        given = (request.headers.get(header) or "").split(",")[-1].strip()
        if given:
            return given
    return request.remote or "inconnue"


def _keys(request: web.Request, email: str) -> list[str]:
    return [throttle.account_key(email), throttle.ip_key(client_address(request))]


async def _admitted(request: web.Request, keys: list[str]) -> float:
    """0.0 when this attempt may be checked (it is counted, `throttle.py`), after waiting once for
    the time announced if needed (recorded: tests read `login_delays`); else the seconds left."""
    found = services(request)
    wait = await db(found.throttle.admit, keys)
    found.login_delays.append(wait)
    if wait > 0:
        await found.settings.sleeper(wait)
        wait = await db(found.throttle.admit, keys)  # a concurrent attempt may have come first
    return wait


def _too_many_text(wait: float) -> str:
    return TOO_MANY.format(seconds=max(1, round(wait)))


def _too_many(request: web.Request, template: str, context: dict[str, object], wait: float) -> web.Response:
    return render(request, template, {**context, "error": _too_many_text(wait)}, status=429)


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
    keys = _keys(request, email)
    wait = await _admitted(request, keys)
    if wait > 0:
        return _too_many(request, "login.html", {"email": email, "next": target}, wait)
    account = await db(found.accounts.authenticate, email, password)
    if account is None:
        return render(request, "login.html", {"email": email, "error": BAD_LOGIN, "next": target}, status=401)
    await db(found.throttle.succeeded, *keys)
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
    keys = _keys(request, account.email)
    wait = await _admitted(request, keys)
    if wait > 0 or not await db(found.accounts.verify_totp, account.id, str(form.get("code", "")), confirm=confirm):
        error = _too_many_text(wait) if wait > 0 else BAD_CODE
        status = 429 if wait > 0 else 401
        if confirm:
            secret = await db(found.accounts.totp_secret_for_enrolment, account.id)
            return render(request, "totp_enrol.html", _enrolment(account.email, secret, error, target), status=status)
        return render(request, "totp.html", {"error": error, "next": target}, status=status)
    await db(found.throttle.succeeded, *keys)
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
    keys = _keys(request, account.email)
    wait = await _admitted(request, keys)
    if wait > 0:
        return _too_many(request, "account.html", {"done": False}, wait)
    if await db(found.accounts.authenticate, account.email, current) is None:
        return render(request, "account.html", {"error": "Mot de passe actuel incorrect.", "done": False}, status=400)
    await db(found.throttle.succeeded, *keys)
    if new != again:
        return render(request, "account.html", {"error": "Les deux nouveaux mots de passe diffèrent.", "done": False},
                      status=400)
    try:
        await db(found.accounts.set_password, account.id, new)
    except AccountError as error:
        return render(request, "account.html", {"error": str(error), "done": False}, status=400)
    # Whoever had the old password (another browser, a stolen session) is logged out; this one stays.
    await db(found.sessions.revoke_others, account.id, request["session"].token)
    await db(found.audit.record, account.actor, AuditAction.COMPTE, account.actor)
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
