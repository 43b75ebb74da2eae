"""What advisers and admins do in the back office: the inbox, taking a request, replying live (the
fake Rasa server records the delivery), handing back to the bot, transferring; sheets (search by
name, validate, refuse, PDF, CSV); indicators; admin pages; public pages; all audited."""

from __future__ import annotations

import datetime as dt

from backoffice_support import NOW, PASSWORD, make_request, make_sheet

from bot.backoffice.audit import AuditAction
from bot.handoff.delivery import ACTION_DELIVER, ACTION_PAUSE, ACTION_RESUME


async def test_the_inbox_lists_new_requests_by_status_and_kind(backoffice) -> None:  # noqa: ANN001
    services = backoffice.services
    first = make_request(services.requests, kind="logement")
    second = make_request(services.requests, sender_id="web-2")
    services.requests.take(second.reference, "compte-99")
    herve = await backoffice.as_("herve")
    body = await (await herve.get("/demandes")).text()
    assert first.reference in body and second.reference not in body  # default: the new ones
    assert "Nouvelle (1)" in body and "En cours (1)" in body
    body = await (await herve.get("/demandes?statut=en_cours")).text()
    assert second.reference in body and first.reference not in body
    body = await (await herve.get("/demandes?statut=&type=logement")).text()
    assert first.reference in body and second.reference not in body
    assert "Aucune demande" in await (await herve.get("/demandes?statut=close")).text()


async def test_take_reply_and_hand_back(backoffice) -> None:  # noqa: ANN001
    services = backoffice.services
    request = make_request(services.requests, sender_id="web-live", contact_when="après 17 h")
    herve = await backoffice.as_("herve")
    body = await (await herve.get(f"/demandes/{request.reference}")).text()
    assert "Bonjour, je suis Œdipe" in body and "Coordo ASE" in body and "après 17 h" in body
    assert "sortant de l'ASE" in body or "ASE" in body

    response = await herve.post(f"/demandes/{request.reference}/prendre")
    assert response.status == 303 and response.headers["Location"].endswith("?ok=prise")
    assert backoffice.rasa.actions() == [("web-live", ACTION_PAUSE)]
    body = await (await herve.get(response.headers["Location"])).text()
    assert "Vous avez pris la demande en charge" in body and "Hervé Leplat" in body

    response = await herve.post(f"/demandes/{request.reference}/repondre", {"message": "Bonjour, je suis Hervé du SLAI."})
    assert response.status == 303
    assert backoffice.rasa.actions()[-1] == ("web-live", ACTION_DELIVER)
    assert backoffice.rasa.calls[-1].query == {"token": "jeton", "output_channel": "latest"}
    body = await (await herve.get(response.headers["Location"])).text()
    assert "Bonjour, je suis Hervé du SLAI." in body and "délivré" in body and "non délivré" not in body
    assert services.requests.pending_messages("web-live") == []

    response = await herve.post(f"/demandes/{request.reference}/rendre")
    assert response.headers["Location"].endswith("?ok=rendue")
    assert backoffice.rasa.actions()[-1] == ("web-live", ACTION_RESUME)
    closed = services.requests.get(request.reference)
    assert closed.status.value == "close" and closed.first_reply_at is not None
    actions = [e.action for e in services.audit.entries(object_ref=request.reference)]
    assert {AuditAction.CONSULTATION, AuditAction.PRISE_EN_CHARGE, AuditAction.REPONSE, AuditAction.CLOTURE} <= set(actions)


async def test_a_reply_that_cannot_be_delivered_suggests_a_call(backoffice) -> None:  # noqa: ANN001
    services = backoffice.services
    rest = make_request(services.requests, sender_id="rest-1", channel="rest", phone="06 12 34 56 78")
    herve = await backoffice.as_("herve")
    body = await (await herve.get(f"/demandes/{rest.reference}")).text()
    assert "ne permet pas d'envoyer un message plus tard" in body and "Appelez plutôt le 06 12 34 56 78" in body
    response = await herve.post(f"/demandes/{rest.reference}/repondre", {"message": "Je vous appelle."})
    body = await (await herve.get(response.headers["Location"])).text()
    assert "non délivré (canal sans envoi différé) — appeler le 06 12 34 56 78" in body
    assert all(call.sender_id != "rest-1" for call in backoffice.rasa.calls)
    assert services.requests.get(rest.reference).status.value == "en_cours"  # the reply took it


async def test_rasa_down_never_breaks_the_page(backoffice) -> None:  # noqa: ANN001
    services = backoffice.services
    request = make_request(services.requests, sender_id="web-down")
    backoffice.rasa.status = 503
    herve = await backoffice.as_("herve")
    await herve.get(f"/demandes/{request.reference}")
    response = await herve.post(f"/demandes/{request.reference}/prendre")
    assert response.headers["Location"].endswith("?ok=prise_sans_pause")
    assert "n&#39;a pas pu être mis en pause" in await (await herve.get(response.headers["Location"])).text()
    response = await herve.post(f"/demandes/{request.reference}/repondre", {"message": "Bonjour"})
    body = await (await herve.get(response.headers["Location"])).text()
    assert "non délivré (refusé par l&#39;assistant) — appeler le 06 12 34 56 78" in body
    response = await herve.post(f"/demandes/{request.reference}/rendre")
    assert response.headers["Location"].endswith("?ok=rendue_sans_reprise")
    assert services.requests.get(request.reference).status.value == "close"


async def test_transfer_to_another_territory(backoffice) -> None:  # noqa: ANN001
    services = backoffice.services
    request = make_request(services.requests)
    herve = await backoffice.as_("herve")
    await herve.get(f"/demandes/{request.reference}")
    response = await herve.post(f"/demandes/{request.reference}/transferer", {"territoire": "calaisis", "motif": "x"})
    assert response.status == 400 and "déjà dans ce territoire" in await response.text()
    response = await herve.post(f"/demandes/{request.reference}/transferer", {"territoire": "audomarois", "motif": ""})
    assert response.status == 400
    response = await herve.post(f"/demandes/{request.reference}/transferer",
                                {"territoire": "audomarois", "motif": "Habite Saint-Omer"})
    assert response.headers["Location"] == f"/demandes/{request.reference}?ok=transferee"  # still one of his
    body = await (await herve.get(response.headers["Location"])).text()
    assert "de Calaisis vers Audomarois : Habite Saint-Omer" in body
    await herve.get(f"/demandes/{request.reference}")
    response = await herve.post(f"/demandes/{request.reference}/transferer", {"territoire": "arrageois", "motif": "Arras"})
    assert response.headers["Location"] == "/demandes?ok=transferee"  # no longer his: back to the inbox
    assert (await herve.get(f"/demandes/{request.reference}")).status == 404
    sandra = await backoffice.as_("sandra")
    assert request.reference in await (await sandra.get("/demandes")).text()
    transfers = services.audit.entries(action=AuditAction.TRANSFERT)
    assert [(e.object_ref, e.territory) for e in transfers] == [(request.reference, "arrageois"),
                                                                  (request.reference, "audomarois")]


async def test_an_admin_erases_a_request(backoffice) -> None:  # noqa: ANN001
    request = make_request(backoffice.services.requests)
    admin = await backoffice.as_("admin")
    await admin.get(f"/demandes/{request.reference}")
    response = await admin.post(f"/demandes/{request.reference}/effacer")
    assert response.headers["Location"] == "/demandes?ok=effacee"
    assert backoffice.services.requests.get(request.reference) is None
    assert backoffice.services.audit.entries(action=AuditAction.EFFACEMENT)[0].object_ref == request.reference


async def test_sheets_list_search_validate_refuse_pdf_and_csv(backoffice) -> None:  # noqa: ANN001
    services = backoffice.services
    oedipe = make_sheet(services.sheets)
    martin = make_sheet(services.sheets, nom="Martin", prenom="Léa")
    make_sheet(services.sheets, commune="62041")  # Arras: not Hervé's
    herve = await backoffice.as_("herve")
    body = await (await herve.get("/fiches")).text()
    assert oedipe.reference in body and martin.reference in body and body.count('<th scope="row"><a href="/fiches/PR-') == 2
    response = await herve.post("/fiches", {"nom": "d'arcy LEFEVRE", "statut": "", "type": ""})
    body = await response.text()
    assert oedipe.reference in body and martin.reference not in body
    response = await herve.post("/fiches", {"nom": "Inconnu"})
    assert "Aucune fiche ne correspond à ce nom" in await response.text()

    body = await (await herve.get(f"/fiches/{oedipe.reference}")).text()
    assert "D’Arcy-Lefèvre" in body and "12/03/2005" in body
    response = await herve.post(f"/fiches/{oedipe.reference}/statut", {"statut": "refusee", "commentaire": ""})
    assert response.status == 400 and "motif" in await response.text()
    response = await herve.post(f"/fiches/{oedipe.reference}/statut", {"statut": "validee", "commentaire": "Complet"})
    assert response.headers["Location"] == f"/fiches/{oedipe.reference}?ok=validee"
    assert "La fiche est validée." in await (await herve.get(response.headers["Location"])).text()
    validated = services.sheets.get(oedipe.reference)
    assert validated.status.value == "validee" and validated.history[-1].actor == backoffice.people.herve.actor
    await herve.get(f"/fiches/{martin.reference}")
    response = await herve.post(f"/fiches/{martin.reference}/statut", {"statut": "refusee", "commentaire": "Hors critères"})
    assert services.sheets.get(martin.reference).history[-1].comment == "Hors critères"
    await herve.get(f"/fiches/{martin.reference}")
    response = await herve.post(f"/fiches/{martin.reference}/statut", {"statut": "brouillon"})
    assert response.status == 400 and "ne peut pas passer" in await response.text()

    response = await herve.get(f"/fiches/{oedipe.reference}/pdf")
    content = await response.read()
    assert response.content_type == "application/pdf" and content.startswith(b"%PDF")
    assert f'filename="{oedipe.reference}.pdf"' in response.headers["Content-Disposition"]
    response = await herve.get("/fiches/export.csv?territoire=calaisis")
    content = await response.read()
    assert content.startswith("\ufeff".encode()) and b";" in content
    assert oedipe.reference.encode() in content and "D’Arcy-Lefèvre".encode() in content
    assert "fiches-calaisis.csv" in response.headers["Content-Disposition"]
    response = await herve.get("/fiches/export.csv?territoire=audomarois&statut=validee")
    assert oedipe.reference.encode() not in await response.read()

    audit = {(e.action, e.object_ref) for e in services.audit.entries()}
    assert {(AuditAction.VALIDATION, oedipe.reference), (AuditAction.REFUS, martin.reference),
            (AuditAction.TELECHARGEMENT_PDF, oedipe.reference), (AuditAction.EXPORT_CSV, "fiches calaisis"),
            (AuditAction.CONSULTATION, oedipe.reference)} <= audit


async def test_indicators_per_territory_and_scheme(backoffice) -> None:  # noqa: ANN001
    import sqlalchemy as sa

    services = backoffice.services
    for _ in range(2):
        make_sheet(services.sheets)
    validated = make_sheet(services.sheets)
    services.sheets.change_status(validated.reference, "validee", "compte-1", now=NOW + dt.timedelta(hours=1))
    answered = make_request(services.requests)
    services.requests.add_message(answered.reference, "compte-1", "Bonjour", now=NOW + dt.timedelta(minutes=90))
    make_request(services.requests, kind="logement")
    make_request(services.requests, "arrageois")
    # Rasa's events table in the tracker database: three conversations, one outside the period.
    import os

    tracker = sa.create_engine(os.environ["TRACKER_DB_URL"])
    with tracker.begin() as connection:
        connection.execute(sa.text("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, type_name TEXT, "
                                   "timestamp REAL, intent_name TEXT, action_name TEXT, data TEXT)"))
        for sender, moment in (("a", NOW), ("a", NOW), ("b", NOW - dt.timedelta(days=3)), ("c", NOW - dt.timedelta(days=90))):
            connection.execute(sa.text("INSERT INTO events (sender_id, type_name, timestamp) VALUES (:s, 'user', :t)"),
                               {"s": sender, "t": moment.timestamp()})
    tracker.dispose()

    herve = await backoffice.as_("herve")
    body = await (await herve.get("/indicateurs?debut=2026-11-01&fin=2026-11-30")).text()
    assert "du 01/11/2026 au 30/11/2026" in body
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img"' in body
    row = body.split('<th scope="row">Calaisis</th>')[1].split("</tr>")[0]
    assert row.count("<td>") == 5
    cells = [cell.split("</td>")[0] for cell in row.split("<td>")[1:]]
    assert cells == ["3", "3", "1", "2", "1 h 30"]
    assert "Arrageois" not in body
    assert "pour tout le département : <strong>2</strong>" in body
    body = await (await herve.get("/indicateurs?debut=2026-12-01&fin=2026-11-01")).text()
    assert "La date de début est après la date de fin" in body
    body = await (await herve.get("/indicateurs?territoire=arrageois")).text()
    assert '<th scope="row">Audomarois</th>' in body  # not his: ignored, all of his shown


async def test_admin_manages_accounts_inboxes_and_reads_the_journal(backoffice) -> None:  # noqa: ANN001
    services = backoffice.services
    admin = await backoffice.as_("admin")
    await admin.get("/admin/comptes")
    form = [("email", "karine@exemple.fr"), ("nom", "Karine Crepel"), ("role", "conseiller"),
            ("territoire", "lens_lievin"), ("territoire", "henin_carvin"), ("password", "court"), ("password2", "court")]
    response = await admin.post("/admin/comptes", form)
    assert response.status == 400 and "trop court" in await response.text()
    form[-2:] = [("password", PASSWORD), ("password2", PASSWORD)]
    response = await admin.post("/admin/comptes", form)
    assert response.headers["Location"] == "/admin/comptes?ok=cree"
    karine = services.accounts.by_email("karine@exemple.fr")
    assert karine.territories == ("henin_carvin", "lens_lievin")

    browser = backoffice.browser()
    await browser.login("karine@exemple.fr")
    assert (await browser.get("/demandes")).status == 200
    await admin.get("/admin/comptes")
    response = await admin.post(f"/admin/comptes/{karine.id}/territoires", [("territoire", "ternois")])
    assert services.accounts.get(karine.id).territories == ("ternois",)
    response = await admin.post(f"/admin/comptes/{karine.id}/territoires", [])
    assert response.status == 400
    await admin.get("/admin/comptes")
    response = await admin.post(f"/admin/comptes/{karine.id}/desactiver")
    assert response.headers["Location"] == "/admin/comptes?ok=desactive"
    assert (await browser.get("/demandes")).status == 303  # her session ended
    await admin.get("/admin/comptes")
    assert (await admin.post(f"/admin/comptes/{backoffice.people.admin.id}/desactiver")).status == 400
    assert (await admin.post("/admin/comptes/999999/desactiver")).status == 404

    await admin.get("/admin/boites")
    response = await admin.post("/admin/boites", {"calaisis:insertion": "slai.calaisis@exemple.fr",
                                                  "calaisis:logement": "pas-une-adresse"})
    assert response.status == 400 and "Adresse e-mail invalide" in await response.text()
    response = await admin.post("/admin/boites", {"calaisis:insertion": "slai.calaisis@exemple.fr",
                                                  "calaisis:logement": ""})
    assert response.headers["Location"] == "/admin/boites?ok=boites"
    assert services.inboxes.address("calaisis", "insertion") == "slai.calaisis@exemple.fr"
    assert 'value="slai.calaisis@exemple.fr"' in await (await admin.get("/admin/boites")).text()

    body = await (await admin.get("/admin/journal")).text()
    assert "gestion d&#39;un compte" in body and "Admin Département" in body
    body = await (await admin.get("/admin/journal?action=connexion")).text()
    assert "gestion d&#39;un compte</td>" not in body
    for entry in services.audit.entries():
        assert "@" not in (entry.object_ref or "") and "Karine" not in (entry.object_ref or "")


async def test_public_pages(backoffice) -> None:  # noqa: ANN001
    visitor = backoffice.browser()
    body = await (await visitor.get("/confidentialite")).text()
    assert "<h1>Confidentialité — Cap Jeunes 62</h1>" in body and "<table>" in body
    body = await (await visitor.get("/accessibilite")).text()
    assert "partiellement conforme" in body and "Aucun audit" in body
    body = await (await visitor.get("/demo")).text()
    assert "/widget/cj62-widget.js" in body and 'href="/confidentialite"' in body
    assert "Mentions légales" in await (await visitor.get("/mentions-legales")).text()
    assert await (await visitor.get("/sante")).text() == "ok"
    response = await visitor.get("/")
    assert response.headers["Location"] == "/connexion"
    herve = await backoffice.as_("herve")
    assert (await herve.get("/")).headers["Location"] == "/demandes"
    assert (await herve.get("/demandes/DC-2026-12")).status == 404
