"""Login, second factor, sessions, CSRF and the progressive delay, through the HTTP app with an
injected clock and sleeper (no stopwatch: the delays are what the server asked for)."""

from __future__ import annotations

import pyotp
from aiohttp import web
from backoffice_support import PASSWORD
from yarl import URL

from bot.backoffice import throttle
from bot.backoffice.audit import AuditAction
from bot.backoffice.auth import set_session_cookie
from bot.backoffice.sessions import ABSOLUTE_LIFETIME


async def test_unauthenticated_visitors_are_sent_to_the_login_page_and_back(backoffice) -> None:  # noqa: ANN001
    browser = backoffice.browser()
    response = await browser.get("/fiches?statut=transmise")
    location = URL(response.headers["Location"])
    assert response.status == 303 and location.path == "/connexion" and location.query["suite"] == "/fiches?statut=transmise"
    page = await browser.get("/connexion?suite=/fiches?statut=transmise")
    assert 'name="suite" value="/fiches?statut=transmise"' in await page.text()
    response = await browser.post("/connexion", {"email": "herve@exemple.fr", "password": PASSWORD,
                                                 "suite": "/fiches?statut=transmise"})
    assert response.status == 303 and response.headers["Location"] == "/fiches?statut=transmise"
    for hostile in ("//evil.example/x", "https://evil.example", "/\\evil", "/connexion", "/\t/evil.example",
                    "/\n/evil.example", "/\r\n/evil.example", "\t//evil.example", "/\t\\evil.example",
                    " //evil.example", "/ /evil.example", "/\x00/evil.example", "javascript:alert(1)"):
        fresh = backoffice.browser()
        await fresh.get("/connexion")
        response = await fresh.post("/connexion", {"email": "herve@exemple.fr", "password": PASSWORD,
                                                   "suite": hostile})
        assert response.headers["Location"] == "/demandes", repr(hostile)
    # Already logged in, the login page sends on at once: the same check, on the decoded query.
    for encoded in ("/%09/evil.example", "/%0A/evil.example", "/%5Cevil.example", "%2F%2Fevil.example"):
        response = await browser.get(f"/connexion?suite={encoded}", allow_redirects=False)
        assert response.status in (302, 303) and response.headers["Location"] == "/demandes", encoded


async def test_the_session_cookie_is_httponly_and_samesite_strict(backoffice) -> None:  # noqa: ANN001
    browser = backoffice.browser()
    await browser.get("/connexion")
    response = await browser.post("/connexion", {"email": "herve@exemple.fr", "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("cj62_session=") and "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert "Path=/" in cookie
    # Over HTTPS (always in production) both cookies are Secure with the __Host- prefix (issue 16: the
    # pre-login one had none, so a sibling subdomain could plant the CSRF token of its choice).
    backoffice.services.settings.secure_cookies = True
    page = await backoffice.browser().get("/connexion")
    assert page.headers["Set-Cookie"].startswith("__Host-cj62_prelogin=")
    assert "Secure" in page.headers["Set-Cookie"] and "SameSite=Strict" in page.headers["Set-Cookie"]
    planted = backoffice.browser()  # a plain cookie planted from elsewhere is not the token any more
    planted.session.cookie_jar.update_cookies({"cj62_prelogin": "choisi-par-un-autre-site"})
    response = await planted.session.post(planted.base_url + "/connexion", data={
        "email": "herve@exemple.fr", "password": PASSWORD, "csrf": "choisi-par-un-autre-site"}, allow_redirects=False)
    assert response.status == 403
    secure = web.Response()
    set_session_cookie(secure, backoffice.services.sessions.create(1, second_factor_done=True), True)
    cookie = secure.cookies["__Host-cj62_session"].OutputString()
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie


async def test_a_wrong_password_says_nothing_about_the_account(backoffice) -> None:  # noqa: ANN001
    texts = []
    for email, password in (("herve@exemple.fr", "mauvais mot de passe"), ("personne@exemple.fr", PASSWORD)):
        browser = backoffice.browser()
        await browser.get("/connexion")
        response = await browser.post("/connexion", {"email": email, "password": password})
        assert response.status == 401
        texts.append((await response.text()).replace(email, "EMAIL"))
    assert "Adresse e-mail ou mot de passe incorrect." in texts[0]
    assert texts[0].split("<form")[0] == texts[1].split("<form")[0]


async def test_logout_revokes_the_session_on_the_server(backoffice) -> None:  # noqa: ANN001
    browser = await backoffice.as_("herve")
    cookie = browser.session.cookie_jar.filter_cookies(backoffice.url)["cj62_session"].value
    assert (await browser.get("/demandes")).status == 200
    response = await browser.post("/deconnexion")
    assert response.status == 303 and response.headers["Location"] == "/connexion?sortie=1"
    assert (await browser.get("/demandes")).status == 303
    replay = backoffice.browser()  # the old cookie, replayed by someone who copied it
    response = await replay.get("/demandes", headers={"Cookie": f"cj62_session={cookie}"})
    assert response.status == 303 and response.headers["Location"].startswith("/connexion")
    actions = [e.action for e in backoffice.services.audit.entries()]
    assert AuditAction.DECONNEXION in actions and AuditAction.CONNEXION in actions


async def test_sessions_end_after_30_idle_minutes_and_12_hours_at_most(backoffice) -> None:  # noqa: ANN001
    browser = await backoffice.as_("herve")
    backoffice.clock.advance(minutes=29)
    assert (await browser.get("/demandes")).status == 200
    backoffice.clock.advance(minutes=30, seconds=1)
    response = await browser.get("/demandes")
    assert response.status == 303 and response.headers["Location"].startswith("/connexion")

    busy = await backoffice.as_("herve")
    for _ in range(int(ABSOLUTE_LIFETIME.total_seconds() // 1200) - 1):
        backoffice.clock.advance(minutes=20)
        assert (await busy.get("/demandes")).status == 200
    backoffice.clock.advance(minutes=20)
    assert (await busy.get("/demandes")).status == 303


async def test_disabling_an_account_ends_its_sessions(backoffice) -> None:  # noqa: ANN001
    browser = await backoffice.as_("herve")
    backoffice.services.accounts.set_disabled(backoffice.people.herve.id, True)
    assert (await browser.get("/demandes")).status == 303
    fresh = backoffice.browser()
    await fresh.get("/connexion")
    assert (await fresh.post("/connexion", {"email": "herve@exemple.fr", "password": PASSWORD})).status == 401


async def test_forms_without_or_with_a_forged_csrf_token_are_refused(backoffice) -> None:  # noqa: ANN001
    from backoffice_support import make_request

    request = make_request(backoffice.services.requests)
    browser = await backoffice.as_("herve")
    other = await backoffice.as_("sandra")
    for token in ("", "forged-token", other.token):
        response = await browser.session.post(f"{backoffice.url}/demandes/{request.reference}/prendre",
                                              data={"csrf": token}, allow_redirects=False)
        assert response.status == 403
        assert "Le formulaire a expiré" in await response.text()
    response = await browser.session.post(f"{backoffice.url}/deconnexion", data={}, allow_redirects=False)
    assert response.status == 403
    assert backoffice.services.requests.get(request.reference).status.value == "nouvelle"
    assert backoffice.rasa.calls == []
    assert (await browser.get("/demandes")).status == 200  # still logged in: the forged logout did nothing

    anonymous = backoffice.browser()  # the login form too: its token must match the pre-login cookie
    response = await anonymous.session.post(f"{backoffice.url}/connexion", allow_redirects=False,
                                            data={"email": "herve@exemple.fr", "password": PASSWORD, "csrf": "x"})
    assert response.status == 403


async def test_admins_need_their_second_factor(backoffice) -> None:  # noqa: ANN001
    people = backoffice.people
    browser = backoffice.browser()
    await browser.get("/connexion")
    response = await browser.post("/connexion", {"email": "admin@exemple.fr", "password": PASSWORD,
                                                 "suite": "/admin/journal"})
    location = URL(response.headers["Location"])
    assert response.status == 303 and location.path == "/connexion/code" and location.query["suite"] == "/admin/journal"
    for path in ("/demandes", "/admin/journal", "/fiches"):
        response = await browser.get(path)
        assert response.status == 303 and response.headers["Location"] == "/connexion/code"
    await browser.get("/connexion/code")
    response = await browser.post("/connexion/code", {"code": "000000", "suite": "/admin/journal"})
    assert response.status == 401 and "Code incorrect" in await response.text()
    backoffice.clock.advance(seconds=31)
    code = pyotp.TOTP(people.admin_secret).at(backoffice.clock())
    response = await browser.post("/connexion/code", {"code": code, "suite": "/admin/journal"})
    assert response.status == 303 and response.headers["Location"] == "/admin/journal"
    assert (await browser.get("/admin/journal")).status == 200

    again = backoffice.browser()  # the same code a second time is refused
    await again.get("/connexion")
    await again.post("/connexion", {"email": "admin@exemple.fr", "password": PASSWORD})
    await again.get("/connexion/code")
    assert (await again.post("/connexion/code", {"code": code})).status == 401


async def test_a_new_admin_enrols_a_totp_secret_shown_without_qr_code(backoffice) -> None:  # noqa: ANN001
    import re

    backoffice.services.accounts.create("nouvelle@exemple.fr", "admin", PASSWORD, display_name="Nouvelle")
    browser = backoffice.browser()
    await browser.get("/connexion")
    response = await browser.post("/connexion", {"email": "nouvelle@exemple.fr", "password": PASSWORD})
    assert response.headers["Location"].startswith("/connexion/activation")
    page = await (await browser.get("/connexion/activation")).text()
    secret = re.search(r'<code id="cle">([A-Z2-7 ]+)</code>', page).group(1).replace(" ", "")
    assert "otpauth://totp/Cap%20Jeunes%2062:nouvelle%40exemple.fr?secret=" + secret in page
    assert "<img" not in page and "<canvas" not in page
    response = await browser.post("/connexion/activation", {"code": pyotp.TOTP(secret).at(backoffice.clock())})
    assert response.status == 303
    assert (await browser.get("/admin/comptes")).status == 200
    assert backoffice.services.accounts.by_email("nouvelle@exemple.fr").totp_enabled


async def test_failed_logins_slow_down_progressively_then_reset_on_success(backoffice) -> None:  # noqa: ANN001
    found = backoffice.services
    found.login_delays.clear()
    browser = backoffice.browser()
    await browser.get("/connexion")
    for _ in range(8):
        response = await browser.post("/connexion", {"email": "herve@exemple.fr", "password": "mauvais essai !!"})
        assert response.status == 401  # never a lockout
    assert found.login_delays == [0, 1, 2, 4, 8, 16, 30, 30]
    assert backoffice.sleeper.delays == [1, 2, 4, 8, 16, 30, 30]
    response = await browser.post("/connexion", {"email": "herve@exemple.fr", "password": PASSWORD})
    assert response.status == 303 and found.login_delays[-1] == 30  # the real person still gets in
    assert found.throttle.failures(throttle.account_key("herve@exemple.fr")) == 0
    # The IP keeps its count (one account's success must not wipe the counter of an address that guesses).
    assert found.throttle.delay([throttle.ip_key("127.0.0.1")]) == 30
    backoffice.clock.advance(hours=1)
    assert found.throttle.delay([throttle.ip_key("127.0.0.1")]) == 0


async def test_the_delay_is_per_account_as_well_as_per_ip(backoffice) -> None:  # noqa: ANN001
    found = backoffice.services
    for failure in range(4):  # four failed attempts on Sandra's account, each at its allowed time
        if failure:
            backoffice.clock.advance(seconds=throttle.delay_after(failure))
        assert found.throttle.admit([throttle.account_key("sandra@exemple.fr")]) == 0
    found.login_delays.clear()
    browser = backoffice.browser()
    await browser.get("/connexion")
    await browser.post("/connexion", {"email": "herve@exemple.fr", "password": PASSWORD})
    other = backoffice.browser()
    await other.get("/connexion")
    await other.post("/connexion", {"email": "SANDRA@exemple.fr ", "password": PASSWORD})
    assert found.login_delays == [0, 8]


async def test_concurrent_guesses_are_counted_one_check_at_a_time(backoffice, monkeypatch) -> None:  # noqa: ANN001
    """Issue 16: after 8 failures, 20 parallel guesses each waited 30 s and were all checked."""
    import asyncio

    found = backoffice.services
    browser = backoffice.browser()
    await browser.get("/connexion")
    for _ in range(8):
        await browser.post("/connexion", {"email": "herve@exemple.fr", "password": "mauvais essai !!"})
    checked: list[str] = []
    authenticate = found.accounts.authenticate
    monkeypatch.setattr(found.accounts, "authenticate",
                        lambda email, password: checked.append(password) or authenticate(email, password))
    backoffice.sleeper.clock = None  # time stands still while they all wait

    async def guess(n: int) -> int:
        response = await browser.post("/connexion", {"email": "herve@exemple.fr", "password": f"essai {n:02d}"})
        return response.status

    assert await asyncio.gather(*(guess(n) for n in range(20))) == [429] * 20
    assert checked == []
    backoffice.clock.advance(seconds=30)  # the next attempt is allowed: one of them, not twenty
    statuses = await asyncio.gather(*(guess(n) for n in range(20)))
    assert sorted(statuses) == [401] + [429] * 19 and len(checked) == 1
    page = await (await browser.post("/connexion", {"email": "herve@exemple.fr", "password": "x"})).text()
    assert "Trop de tentatives" in page and "30 secondes" in page


async def test_a_second_factor_code_is_limited_the_same_way(backoffice) -> None:  # noqa: ANN001
    import asyncio

    browser = backoffice.browser()
    await browser.get("/connexion")
    response = await browser.post("/connexion", {"email": "admin@exemple.fr", "password": PASSWORD})
    assert response.headers["Location"].startswith("/connexion/code")
    await browser.get("/connexion/code")
    for _ in range(6):
        assert (await browser.post("/connexion/code", {"code": "000000"})).status == 401
    backoffice.sleeper.clock = None
    statuses = [r.status for r in await asyncio.gather(*(browser.post("/connexion/code", {"code": f"{n:06d}"})
                                                          for n in range(20)))]
    assert statuses == [429] * 20


def test_the_client_address_comes_from_the_proxy_header_only_when_configured() -> None:
    from types import SimpleNamespace

    from aiohttp.test_utils import make_mocked_request

    from bot.backoffice.app import SERVICES
    from bot.backoffice.views.login import client_address

    def request(header: str | None) -> web.Request:
        app = web.Application()
        app[SERVICES] = SimpleNamespace(settings=SimpleNamespace(client_ip_header=header))
        return make_mocked_request("POST", "/connexion", headers={"X-Real-IP": "203.0.113.7"}, app=app)

    assert client_address(request("X-Real-IP")) == "203.0.113.7"
    assert client_address(request(None)) != "203.0.113.7"  # a client cannot choose its address


async def test_changing_ones_password(backoffice) -> None:  # noqa: ANN001
    browser = await backoffice.as_("herve")
    await browser.get("/compte")
    response = await browser.post("/compte", {"current": PASSWORD, "new": "court", "again": "court"})
    assert response.status == 400 and "trop court" in await response.text()
    response = await browser.post("/compte", {"current": "faux", "new": "une autre phrase longue", "again": "une autre phrase longue"})
    assert response.status == 400
    response = await browser.post("/compte", {"current": PASSWORD, "new": "une autre phrase longue", "again": "une autre phrase longue"})
    assert response.status == 303
    assert backoffice.services.accounts.authenticate("herve@exemple.fr", "une autre phrase longue") is not None
