"""Issue 5 end to end, nothing faked: a conversation over socket.io with the real Rasa makes a
contact request; an adviser logs in to the back office in Chromium, takes it, replies, and the
reply arrives in that socket.io client; the person's answer shows in the back office; handing
back to the bot makes the assistant speak again in the same conversation."""

from __future__ import annotations

import datetime as dt
import os
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import socketio
from backoffice_support import PASSWORD, Clock, make_people
from browser_support import CHROMIUM, CHROMIUM_ARGS, backoffice_process, free_port

from bot import storage
from bot.backoffice.accounts import AccountRepository

pytestmark = pytest.mark.slow


@dataclass
class Conversation:
    """A socket.io client of our channel, as the widget is: it asks for a session, then chats."""

    url: str
    origin: str
    said: list[str] = field(default_factory=list)
    session_id: str = ""
    client: socketio.Client = field(default_factory=lambda: socketio.Client(reconnection=False))

    def __post_init__(self) -> None:
        confirmed = threading.Event()

        @self.client.on("session_confirm")
        def on_confirm(session_id: str) -> None:
            self.session_id = session_id
            confirmed.set()

        @self.client.on("bot_uttered")
        def on_bot(message: dict) -> None:
            self.said.append(message.get("text") or "")

        self.client.connect(self.url, headers={"Origin": self.origin}, transports=["polling"],
                            socketio_path="/socket.io")
        self.client.emit("session_request", {"session_id": None})
        assert confirmed.wait(30), "pas de session_confirm"

    def say(self, text: str, *, button: bool = False) -> None:
        payload = {"message": text, **({"metadata": {"button": True}} if button else {})}
        self.client.emit("user_uttered", payload)

    def wait_for(self, check: Callable[[str], bool], timeout: float = 60) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [text for text in self.said if check(text)]
            if found:
                return found[-1]
            time.sleep(0.2)
        raise AssertionError("attendu en vain ; reçu :\n" + "\n".join(self.said))

    def exchange(self, text: str, expected: str, *, button: bool = False) -> str:
        self.said.clear()
        self.say(text, button=button)
        return self.wait_for(lambda said: expected in said)


@dataclass
class Stack:
    backoffice: str
    rasa: str
    workdir: Path


@pytest.fixture(scope="module")
def live_stack(model: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    from rasa_servers import running_servers

    if not CHROMIUM.exists():
        pytest.fail("Chromium de Debian absent (/usr/bin/chromium) : lancez `make install`.")
    port = free_port()
    origin = f"http://127.0.0.1:{port}"
    workdir = tmp_path_factory.mktemp("live")
    with running_servers(model, workdir, ALLOWED_ORIGINS=origin) as servers:
        database = f"sqlite:///{workdir / 'app.db'}"
        make_people(AccountRepository(storage.session_factory(database)), Clock(dt.datetime.now(dt.timezone.utc)))
        env = dict(os.environ, DATABASE_URL=database, TRACKER_DB_URL=f"sqlite:///{workdir / 'tracker.db'}",
                   CJ62_ENV="dev", RASA_URL=servers.rasa_url, RASA_AUTH_TOKEN=servers.token,
                   BACKOFFICE_URL=origin, RASA_PUBLIC_URL=servers.rasa_url, PYTHONDONTWRITEBYTECODE="1")
        env.pop("SMTP_URL", None)
        try:
            with backoffice_process(port, env, workdir / "backoffice.log") as url:
                yield Stack(url, servers.rasa_url, workdir)
        finally:
            storage.dispose_engine(database)


def test_a_request_from_the_chat_is_answered_live_then_handed_back(live_stack: Stack) -> None:
    from playwright.sync_api import sync_playwright

    chat = Conversation(live_stack.rasa, live_stack.backoffice)
    try:
        chat.exchange("je veux parler à quelqu'un", "Je lui transmets")
        chat.exchange("/affirm", "commune", button=True)
        chat.exchange("Calais", "recontacté")
        chat.exchange("Ici, par écrit", "disponible", button=True)
        receipt = chat.exchange("Dès que possible", "DC-2026-", button=True)
        reference = re.search(r"DC-2026-\d{6}", receipt).group(0)
        assert "annuler" in receipt and "jours ouvrés" in receipt

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
            page = browser.new_context(base_url=live_stack.backoffice, locale="fr-FR").new_page()
            page.set_default_timeout(20_000)
            page.goto("/connexion")
            page.get_by_label("Adresse e-mail").fill("herve@exemple.fr")
            page.get_by_label("Mot de passe").fill(PASSWORD)
            page.get_by_role("button", name="Se connecter").click()
            page.wait_for_url("**/demandes")
            page.get_by_role("link", name=reference).click()
            assert page.get_by_text("je veux parler à quelqu'un").first.is_visible()

            chat.said.clear()
            page.get_by_role("button", name="Prendre en charge").click()
            page.wait_for_url("**?ok=prise")
            chat.wait_for(lambda said: "prend le relais" in said)

            page.get_by_label("Votre message").fill("Bonjour, ici Hervé du SLAI. Je vous appelle à 14 h ?")
            page.get_by_role("button", name="Envoyer").click()
            page.wait_for_url("**?ok=reponse")
            delivered = chat.wait_for(lambda said: "Je vous appelle à 14 h ?" in said)
            assert delivered.endswith("(SLAI) : Bonjour, ici Hervé du SLAI. Je vous appelle à 14 h ?")
            assert "non délivré" not in page.locator("ol.messages").inner_text()

            chat.said.clear()
            chat.say("oui 14h c'est parfait")
            time.sleep(3)
            assert chat.said == []  # the assistant keeps quiet while the adviser has the conversation
            page.reload()
            assert "oui 14h c'est parfait" in page.locator("ol.messages").inner_text()

            page.get_by_role("button", name="Rendre la main au bot").click()
            page.wait_for_url("**?ok=rendue")
            chat.wait_for(lambda said: "assistant automatique" in said)
            browser.close()
        assert "03 21" in chat.exchange("numéro du SLAI de Calais", "SLAI")
    finally:
        chat.client.disconnect()
