"""The back office in Debian's Chromium: an adviser logs in, sees a contact request, replies (the
fake Rasa server records the delivery call), hands back to the bot, transfers a request,
validates a sheet, downloads its PDF, exports CSV and views the indicators; an admin uses the
admin pages. axe-core runs on every page: no serious or critical violation is accepted, and no
page logs a console error (a CSP violation would)."""

from __future__ import annotations

import datetime as dt
import re

import pyotp
import pytest
from backoffice_support import PASSWORD, make_sheet

from bot.handoff.delivery import ACTION_DELIVER, ACTION_PAUSE, ACTION_RESUME

pytestmark = pytest.mark.slow


def assert_accessible(page, axe) -> None:  # noqa: ANN001
    serious = axe()
    assert serious == [], f"{page.url}: {serious}"
    assert page.problems == [], page.problems


def new_request(server, sender: str, territory: str = "calaisis", **changes):  # noqa: ANN001, ANN201
    options = dict(sender_id=sender, channel="socketio", territory=territory, kind="insertion",
                   summary={"role": "jeune", "age": 17, "commune": "Calais", "situations": ["ase_sorti"],
                            "schemes": ["coordo_ase", "graine_de"]},
                   transcript=["Bonjour", "je voudrais parler à un conseiller"], preferred_contact="ici",
                   phone="06 12 34 56 78")
    options.update(changes)
    return server.requests.create(**options)


def test_public_pages_and_the_login_page(page, axe) -> None:  # noqa: ANN001
    for path, heading in (("/connexion", "Connexion"), ("/demo", "Démonstration de l'assistant Cap Jeunes 62"),
                          ("/confidentialite", "Confidentialité — Cap Jeunes 62"),
                          ("/mentions-legales", "Mentions légales"), ("/accessibilite", "Déclaration d'accessibilité")):
        page.goto(path)
        assert page.get_by_role("heading", level=1).inner_text() == heading
        assert page.locator("html").get_attribute("lang") == "fr"
        assert_accessible(page, axe)
    page.goto("/connexion")
    page.keyboard.press("Tab")  # the skip link comes first, and is visible when focused
    skip = page.get_by_role("link", name="Aller au contenu")
    assert skip.evaluate("element => element === document.activeElement")
    assert skip.is_visible()
    page.keyboard.press("Enter")
    assert page.url.endswith("#contenu")


def test_an_adviser_replies_live_then_hands_back_to_the_bot(page, axe, log_in, backoffice_server) -> None:  # noqa: ANN001
    request = new_request(backoffice_server, "web-navigateur-1")
    log_in("herve@exemple.fr")
    assert_accessible(page, axe)
    page.get_by_role("link", name=request.reference).click()
    page.wait_for_url(f"**/demandes/{request.reference}")
    assert page.get_by_text("je voudrais parler à un conseiller").is_visible()
    assert_accessible(page, axe)

    page.get_by_role("button", name="Prendre en charge").click()
    page.wait_for_url("**?ok=prise")
    assert page.get_by_role("status").inner_text().startswith("Vous avez pris la demande en charge")
    page.get_by_label("Votre message").fill("Bonjour, ici Hervé du SLAI du Calaisis. Je peux vous aider.")
    page.get_by_role("button", name="Envoyer").click()
    page.wait_for_url("**?ok=reponse")
    messages = page.locator("ol.messages")
    assert "Je peux vous aider." in messages.inner_text() and "délivré" in messages.inner_text()
    assert "non délivré" not in messages.inner_text()
    assert_accessible(page, axe)
    calls = [c for c in backoffice_server.rasa.calls if c.sender_id == "web-navigateur-1"]
    assert [c.action for c in calls] == [ACTION_PAUSE, ACTION_DELIVER]
    assert calls[-1].query == {"token": "jeton-navigateur", "output_channel": "latest"}

    page.get_by_role("button", name="Rendre la main au bot").click()
    page.wait_for_url("**?ok=rendue")
    assert "close" in page.locator("dl.facts").first.inner_text()
    assert backoffice_server.rasa.calls[-1].action == ACTION_RESUME
    assert backoffice_server.requests.get(request.reference).status.value == "close"


def test_a_reply_on_a_channel_without_deferred_sending(page, log_in, backoffice_server) -> None:  # noqa: ANN001
    request = new_request(backoffice_server, "rest-navigateur", channel="rest")
    log_in("herve@exemple.fr")
    page.goto(f"/demandes/{request.reference}")
    page.get_by_label("Votre message").fill("Je vais vous appeler.")
    page.get_by_role("button", name="Envoyer").click()
    page.wait_for_url("**?ok=reponse")
    assert "non délivré (canal sans envoi différé) — appeler le 06 12 34 56 78" in page.locator("ol.messages").inner_text()


def test_an_adviser_transfers_a_request(page, axe, log_in, backoffice_server) -> None:  # noqa: ANN001
    request = new_request(backoffice_server, "web-navigateur-2")
    log_in("herve@exemple.fr")
    page.goto(f"/demandes/{request.reference}")
    page.get_by_label("Territoire").select_option(label="Arrageois")
    page.get_by_label("Motif du transfert").fill("La jeune habite en fait à Arras.")
    page.get_by_role("button", name="Transférer").click()
    page.wait_for_url("**/demandes?ok=transferee")
    assert page.get_by_role("status").inner_text() == "La demande a été transférée."
    assert request.reference not in page.content()
    assert_accessible(page, axe)
    assert backoffice_server.requests.get(request.reference).territory == "arrageois"
    page.goto(f"/demandes/{request.reference}")
    assert page.get_by_role("heading", level=1).inner_text() == "Page introuvable"


def test_an_adviser_validates_a_sheet_downloads_its_pdf_and_exports_csv(page, axe, log_in, backoffice_server) -> None:  # noqa: ANN001
    sheet = make_sheet(backoffice_server.sheets, nom="Lefèvre-Œuvray", prenom="Zoé")
    log_in("herve@exemple.fr")
    page.get_by_role("link", name="Fiches de prescription").click()
    page.wait_for_url("**/fiches")
    assert_accessible(page, axe)
    page.get_by_label("Nom de famille du ou de la jeune").fill("lefevre oeuvray")
    page.get_by_role("button", name="Rechercher").click()
    page.get_by_role("link", name=sheet.reference).click()
    page.wait_for_url(f"**/fiches/{sheet.reference}")
    assert "Lefèvre-Œuvray" in page.content()
    assert_accessible(page, axe)

    page.get_by_label("Valider").check()
    page.get_by_label("Commentaire").fill("Dossier complet, entrée en parcours validée.")
    page.get_by_role("button", name="Enregistrer la décision").click()
    page.wait_for_url("**?ok=validee")
    assert page.get_by_role("status").inner_text() == "La fiche est validée."
    assert backoffice_server.sheets.get(sheet.reference).status.value == "validee"

    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger la fiche en PDF").click()
    pdf = download.value
    assert pdf.suggested_filename == f"{sheet.reference}.pdf"
    assert open(pdf.path(), "rb").read(5) == b"%PDF-"

    page.goto("/fiches")
    with page.expect_download() as download:
        page.get_by_role("link", name="Fiches Calaisis (CSV pour Excel)").click()
    csv = download.value
    content = open(csv.path(), "rb").read().decode("utf-8")
    assert csv.suggested_filename == "fiches-calaisis.csv"
    assert content.startswith("\ufeffRéférence;") and sheet.reference in content and "Lefèvre-Œuvray" in content


def test_an_adviser_views_the_indicators(page, axe, log_in, backoffice_server) -> None:  # noqa: ANN001
    log_in("herve@exemple.fr")
    page.get_by_role("link", name="Indicateurs").click()
    page.wait_for_url("**/indicateurs")
    chart = page.get_by_role("img", name=re.compile("Graphique des fiches et demandes par territoire"))
    assert chart.is_visible()
    table = page.get_by_role("table", name=re.compile("Fiches et demandes de contact par territoire"))
    assert "Calaisis" in table.inner_text() and "Audomarois" in table.inner_text()
    assert "Arrageois" not in table.inner_text()
    assert_accessible(page, axe)
    today = dt.date.today()
    page.get_by_label("Du", exact=True).fill((today - dt.timedelta(days=365)).isoformat())
    page.get_by_label("Territoire", exact=True).select_option(label="Calaisis")
    page.get_by_role("button", name="Afficher").click()
    assert "Audomarois" not in page.get_by_role("table", name=re.compile("par territoire")).inner_text()
    assert_accessible(page, axe)


def test_an_admin_logs_in_with_totp_and_uses_the_admin_pages(page, axe, backoffice_server) -> None:  # noqa: ANN001
    page.goto("/connexion")
    page.get_by_label("Adresse e-mail").fill("admin@exemple.fr")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/connexion/code**")
    assert_accessible(page, axe)
    # The next time step: the enrolment already used the current one.
    code = pyotp.TOTP(backoffice_server.people.admin_secret).at(dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=30))
    page.get_by_label("Code à 6 chiffres").fill(code)
    page.get_by_role("button", name="Valider").click()
    page.wait_for_url("**/demandes")
    for link, path in (("Comptes", "/admin/comptes"), ("Boîtes e-mail", "/admin/boites"),
                       ("Journal d'audit", "/admin/journal"), ("Mon compte", "/compte")):
        page.get_by_role("link", name=link, exact=True).click()
        page.wait_for_url(f"**{path}")
        assert_accessible(page, axe)
    page.goto("/admin/boites")
    page.get_by_label("Calaisis, boîte insertion").fill("slai.calaisis@exemple.fr")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url("**?ok=boites")
    page.goto("/admin/journal")
    journal = page.get_by_role("table").inner_text()
    assert "consultation" in journal and "transfert" in journal and "validation" in journal
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url("**/connexion?sortie=1")
    page.goto("/admin/comptes")
    page.wait_for_url("**/connexion?suite=**")
