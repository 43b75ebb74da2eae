"""Security headers on every kind of response, and hostile text escaped on every page that shows it."""

from __future__ import annotations

from backoffice_support import HOSTILE, PASSWORD, make_request, make_sheet

from bot.backoffice.security import CSP

ESCAPED = "&lt;img src=x onerror=alert(1)&gt;"


def assert_headers(response) -> None:  # noqa: ANN001
    headers = response.headers
    assert headers["Content-Security-Policy"] == CSP
    assert "default-src 'self'" in CSP and "frame-ancestors 'none'" in CSP and "unsafe-inline" not in CSP
    assert "script-src 'self'" in CSP and "object-src 'none'" in CSP
    assert headers["Strict-Transport-Security"].startswith("max-age=")
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["X-Frame-Options"] == "DENY"


async def test_every_kind_of_response_has_the_security_headers(backoffice) -> None:  # noqa: ANN001
    sheet = make_sheet(backoffice.services.sheets)
    anonymous = backoffice.browser()
    for path in ("/connexion", "/confidentialite", "/mentions-legales", "/accessibilite", "/sante",
                 "/static/backoffice.css", "/demandes", "/", "/static/absent.css"):
        assert_headers(await anonymous.get(path))
    herve = await backoffice.as_("herve")
    for path in ("/demandes", "/fiches", "/indicateurs", "/compte", f"/fiches/{sheet.reference}/pdf",
                 "/fiches/export.csv?territoire=calaisis", "/demandes/DC-2026-999999", "/admin/comptes", "/nulle-part"):
        response = await herve.get(path)
        assert_headers(response)
        assert response.headers["Cache-Control"] == "no-store"
    assert_headers(await herve.post("/demandes/DC-2026-999999/prendre", csrf="forged"))


async def test_no_page_needs_javascript_or_inline_styles(backoffice) -> None:  # noqa: ANN001
    request = make_request(backoffice.services.requests)
    sheet = make_sheet(backoffice.services.sheets)
    admin = await backoffice.as_("admin")
    for path in ("/demandes", f"/demandes/{request.reference}", "/fiches", f"/fiches/{sheet.reference}",
                 "/indicateurs", "/admin/comptes", "/admin/boites", "/admin/journal", "/compte",
                 "/confidentialite", "/accessibilite", "/mentions-legales"):
        body = await (await admin.get(path)).text()
        assert "<script" not in body and " style=" not in body and "<style" not in body, path
        assert '<html lang="fr">' in body and 'href="#contenu"' in body and 'id="contenu"' in body


async def test_hostile_text_is_escaped_everywhere(backoffice) -> None:  # noqa: ANN001
    services = backoffice.services
    services.accounts.create("pirate@exemple.fr", "conseiller", PASSWORD, territories=["calaisis"],
                             display_name=HOSTILE)
    request = make_request(
        services.requests, transcript=[HOSTILE, {"author": "assistant", "text": HOSTILE}],
        summary={"role": HOSTILE, "age": 19, "commune": HOSTILE, "situations": [HOSTILE], "schemes": [HOSTILE]},
        contact_when=HOSTILE, phone=HOSTILE, email=HOSTILE, channel="rest", sheet_reference=HOSTILE[:32],
    )
    sheet = make_sheet(services.sheets, nom=HOSTILE, prenom=HOSTILE, souhaits=HOSTILE, disponibilites=HOSTILE)
    pirate = backoffice.browser()
    await pirate.login("pirate@exemple.fr")
    await pirate.get(f"/demandes/{request.reference}")
    assert (await pirate.post(f"/demandes/{request.reference}/repondre", {"message": HOSTILE})).status == 303
    await pirate.get(f"/fiches/{sheet.reference}")
    assert (await pirate.post(f"/fiches/{sheet.reference}/statut", {"statut": "refusee", "commentaire": HOSTILE})).status == 303
    await pirate.get(f"/demandes/{request.reference}")
    assert (await pirate.post(f"/demandes/{request.reference}/transferer",
                              {"territoire": "audomarois", "motif": HOSTILE})).status == 303
    response = await pirate.post("/fiches", {"nom": HOSTILE})
    body = await response.text()
    assert HOSTILE not in body and ESCAPED in body

    admin = await backoffice.as_("admin")
    pages = [f"/demandes/{request.reference}", "/demandes?statut=", f"/fiches/{sheet.reference}", "/fiches",
             "/admin/comptes", "/admin/journal"]
    shown = 0
    for path in pages:
        body = await (await admin.get(path)).text()
        assert HOSTILE not in body, path
        shown += body.count(ESCAPED)
    assert shown >= 10
    detail = await (await admin.get(f"/demandes/{request.reference}")).text()
    assert detail.count(ESCAPED) >= 8  # transcript ×2, role, commune, situation, scheme, when, phone, e-mail, message, reason…
    response = await admin.post("/admin/comptes", {"email": HOSTILE, "nom": HOSTILE, "role": "conseiller",
                                                   "territoire": "calaisis", "password": PASSWORD, "password2": PASSWORD})
    body = await response.text()
    assert response.status == 400 and HOSTILE not in body and ESCAPED in body


def test_aiohttp_parses_requests_with_its_c_parser_which_the_allowed_advisories_do_not_reach() -> None:
    """audit-allowlist.txt accepts two request-smuggling advisories of aiohttp 3.9.5 (held by Rasa's
    pin) because they live in the pure-Python HTTP parser: this checks the C one (llhttp) is used,
    and that no deployment turns the extensions off."""
    from aiohttp import http_parser, web_protocol

    from bot.paths import ROOT

    assert http_parser.HttpRequestParser.__module__ == "aiohttp._http_parser"
    assert web_protocol.HttpRequestParser is http_parser.HttpRequestParser
    deployment = [ROOT / "deploy" / "Dockerfile", ROOT / "deploy" / "entrypoint.sh", *sorted((ROOT / "deploy").rglob("*.yaml")),
                  ROOT / "scripts" / "run_prod.sh", ROOT / "scripts" / "run_dev.sh"]
    assert not [path for path in deployment if "AIOHTTP_NO_EXTENSIONS" in path.read_text(encoding="utf-8")]
    allowed = (ROOT / "audit-allowlist.txt").read_text(encoding="utf-8")
    assert "GHSA-8495-4g3g-x7pr" in allowed and "GHSA-9548-qrrj-x5pj" in allowed
