"""Every route of the app, tried as an anonymous visitor and as an adviser of another territory:
redirected to login, 403 (admin pages) or the same 404 as a missing object — never a byte of
the other territory's data — and the attempt is audited."""

from __future__ import annotations

import re

from backoffice_support import make_request, make_sheet

from bot.backoffice.audit import AuditAction
from bot.backoffice.auth import PUBLIC_PATHS

SECRET_BITS = ("Œdipe", "Arcy", "06 12 34 56 78", "web-calaisis", "Calais")


def concrete_routes(app, request_ref: str, sheet_ref: str, account_id: int) -> list[tuple[str, str]]:  # noqa: ANN001
    """(method, path) of every route, with its variables filled in."""
    routes = []
    for route in app.router.routes():
        info = route.resource.get_info() if route.resource is not None else {}
        path = info.get("path") or info.get("formatter") or info.get("prefix")
        if path is None or route.method == "HEAD":
            continue
        if path.startswith("/static"):
            path = "/static/backoffice.css"
        path = path.replace("/widget/{name}", "/widget/cj62-widget.js")
        path = path.replace("{reference}", request_ref if "/demandes" in path else sheet_ref)
        path = path.replace("{account_id}", str(account_id)).replace("{action}", "desactiver")
        assert "{" not in path, path
        routes.append((route.method, path))
    return routes


def _same_404(text: str) -> str:
    return re.sub(r'value="[^"]+"', "", text)


async def test_anonymous_visitors_reach_nothing_but_public_pages(backoffice) -> None:  # noqa: ANN001
    request = make_request(backoffice.services.requests)
    sheet = make_sheet(backoffice.services.sheets)
    visitor = backoffice.browser()
    await visitor.get("/connexion")
    routes = concrete_routes(backoffice.app, request.reference, sheet.reference, backoffice.people.herve.id)
    assert len(routes) >= 30
    for method, path in routes:
        if path in PUBLIC_PATHS or path.startswith(("/static/", "/widget/")):
            continue
        if method == "GET":
            response = await visitor.get(path)
        else:
            response = await visitor.post(path, {"message": "x", "territoire": "ternois", "motif": "x",
                                                 "statut": "validee"})
        assert response.status == 303, (method, path, response.status)
        assert response.headers["Location"].startswith("/connexion?suite="), (method, path)
        body = await response.text()
        assert not any(bit in body for bit in SECRET_BITS)
    assert backoffice.services.requests.get(request.reference).status.value == "nouvelle"
    assert backoffice.services.sheets.get(sheet.reference).status.value == "transmise"
    assert backoffice.rasa.calls == []


async def test_an_adviser_of_another_territory_gets_the_404_of_a_missing_object(backoffice) -> None:  # noqa: ANN001
    services = backoffice.services
    theirs = make_request(services.requests, "calaisis", phone="06 12 34 56 78")
    their_sheet = make_sheet(services.sheets)  # Calais: calaisis
    sandra = await backoffice.as_("sandra")  # Arrageois only
    missing_request, missing_sheet = "DC-2026-999999", "PR-2026-999999"
    routes = concrete_routes(backoffice.app, theirs.reference, their_sheet.reference, backoffice.people.herve.id)
    tried = 0
    for method, path in routes:
        if "{" in path or not (theirs.reference in path or their_sheet.reference in path):
            continue
        tried += 1
        missing = path.replace(theirs.reference, missing_request).replace(their_sheet.reference, missing_sheet)
        if method == "GET":
            response, reference = await sandra.get(path), await sandra.get(missing)
        else:
            form = {"message": "x", "territoire": "arrageois", "motif": "x", "statut": "validee", "commentaire": "x"}
            response, reference = await sandra.post(path, form), await sandra.post(missing, form)
        expected = 403 if path.endswith("/effacer") else 404  # erasing is for admins, whatever the object
        assert response.status == expected == reference.status, (method, path)
        body = await response.text()
        assert _same_404(body) == _same_404(await reference.text()), (method, path)
        assert not any(bit in body for bit in SECRET_BITS)
    assert tried >= 9
    response = await sandra.get("/fiches/export.csv?territoire=calaisis")
    assert response.status == 404
    assert (await sandra.get("/fiches/export.csv?territoire=arrageois")).status == 200
    # Nothing changed, nothing was sent, and every attempt is in the audit log.
    assert services.requests.get(theirs.reference).status.value == "nouvelle"
    assert services.requests.get(theirs.reference).territory == "calaisis"
    assert services.sheets.get(their_sheet.reference).status.value == "transmise"
    assert backoffice.rasa.calls == []
    refused = services.audit.entries(action=AuditAction.ACCES_REFUSE, actor=backoffice.people.sandra.actor)
    assert {e.object_ref for e in refused} >= {theirs.reference, their_sheet.reference, "fiches calaisis"}
    # Lists show only their territories.
    for path in ("/demandes?statut=", "/fiches", "/indicateurs"):
        body = await (await sandra.get(path)).text()
        assert theirs.reference not in body and their_sheet.reference not in body
    assert "Calaisis" not in await (await sandra.get("/indicateurs")).text()


async def test_the_adviser_of_two_territories_sees_both_and_admins_see_all(backoffice) -> None:  # noqa: ANN001
    services = backoffice.services
    calais = make_request(services.requests, "calaisis")
    saint_omer = make_request(services.requests, "audomarois")
    arras = make_request(services.requests, "arrageois")
    herve = await backoffice.as_("herve")
    body = await (await herve.get("/demandes")).text()
    assert calais.reference in body and saint_omer.reference in body and arras.reference not in body
    admin = await backoffice.as_("admin")
    body = await (await admin.get("/demandes")).text()
    assert all(r.reference in body for r in (calais, saint_omer, arras))
    assert (await admin.get(f"/demandes/{arras.reference}")).status == 200


async def test_admin_pages_are_refused_to_advisers(backoffice) -> None:  # noqa: ANN001
    herve = await backoffice.as_("herve")
    routes = concrete_routes(backoffice.app, "DC-2026-000001", "PR-2026-000001", backoffice.people.sandra.id)
    admin_routes = [(m, p) for m, p in routes if p.startswith("/admin")]
    assert len(admin_routes) >= 7
    for method, path in admin_routes:
        response = await (herve.get(path) if method == "GET" else herve.post(path, {"email": "x@exemple.fr"}))
        assert response.status == 403, (method, path)
        assert "réservée aux administrateurs" in await response.text()
    assert backoffice.services.accounts.get(backoffice.people.sandra.id).active
    sheet = make_sheet(backoffice.services.sheets)
    request = make_request(backoffice.services.requests)
    assert (await herve.post(f"/demandes/{request.reference}/effacer")).status == 403
    assert backoffice.services.requests.get(request.reference) is not None and sheet is not None
