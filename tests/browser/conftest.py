"""The back office in a real browser: Debian's Chromium driven by Playwright (never `playwright
install`), the back office started once for the module as `python -m bot backoffice` on a free
port, its own SQLite database, and a fake Rasa server (in a thread) that records deliveries."""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from backoffice_support import PASSWORD, Clock, People, make_people
from browser_support import AXE, CHROMIUM, CHROMIUM_ARGS, ROOT, backoffice_process, free_port

from bot import storage
from bot.backoffice.accounts import AccountRepository
from bot.handoff.repository import ContactRequestRepository
from bot.handoff.testing import FakeRasa
from bot.prescription.repository import SheetRepository


@dataclass
class Running:
    url: str
    rasa: FakeRasa
    requests: ContactRequestRepository
    sheets: SheetRepository
    accounts: AccountRepository
    people: People
    log: Path


@pytest.fixture(scope="module")
def chromium_path() -> Path:
    if not CHROMIUM.exists():
        pytest.skip("Chromium de Debian absent (/usr/bin/chromium) : lancez `make install` (apt-get install chromium).")
    if not AXE.exists():
        pytest.skip("axe-core absent (node_modules/axe-core) : lancez `make install` (npm ci).")
    return CHROMIUM


@pytest.fixture(scope="module")
def backoffice_server(chromium_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    folder = tmp_path_factory.mktemp("backoffice")
    database = f"sqlite:///{folder / 'app.db'}"
    storage.migrate(database)
    factory = storage.session_factory(database)
    accounts = AccountRepository(factory)
    people = make_people(accounts, Clock(dt.datetime.now(dt.timezone.utc)))
    port = free_port()
    log = folder / "backoffice.log"
    with FakeRasa.in_thread() as rasa:
        env = dict(os.environ, DATABASE_URL=database, TRACKER_DB_URL=f"sqlite:///{folder / 'tracker.db'}",
                   CJ62_ENV="dev", RASA_URL=rasa.url, RASA_AUTH_TOKEN="jeton-navigateur",
                   BACKOFFICE_URL=f"http://127.0.0.1:{port}", PYTHONDONTWRITEBYTECODE="1")
        env.pop("SMTP_URL", None)
        try:
            with backoffice_process(port, env, log) as url:
                yield Running(url, rasa, ContactRequestRepository(factory), SheetRepository(factory), accounts,
                              people, log)
        finally:
            storage.dispose_engine(database)


@pytest.fixture(scope="module")
def browser(chromium_path: Path):  # noqa: ANN201
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(chromium_path), args=CHROMIUM_ARGS, headless=True)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser, backoffice_server: Running):  # noqa: ANN001, ANN201
    context = browser.new_context(base_url=backoffice_server.url, locale="fr-FR", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.problems = problems  # CSP violations and other errors show up here
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def log_in(page):  # noqa: ANN001, ANN201
    """Log in through the login form, as a person would."""

    def fill(email: str, password: str = PASSWORD) -> None:
        page.goto("/connexion")
        page.get_by_label("Adresse e-mail").fill(email)
        page.get_by_label("Mot de passe").fill(password)
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_url("**/demandes")

    return fill


@pytest.fixture(scope="module")
def axe_results() -> Iterator[dict[str, list[dict]]]:
    """Every page checked by `axe` in this module: URL → all its violations, written to
    reports/axe-backoffice.json at the end (for the record; the tests fail on serious ones)."""
    results: dict[str, list[dict]] = {}
    yield results
    target = ROOT / "reports" / "axe-backoffice.json"
    target.parent.mkdir(exist_ok=True)
    target.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")


@pytest.fixture
def axe(page, axe_results):  # noqa: ANN001, ANN201
    """Run axe-core (node_modules/axe-core/axe.min.js, evaluated in the page) on the current page;
    return its serious or critical violations (and keep them for the module's summary)."""
    source = AXE.read_text(encoding="utf-8")

    def check() -> list[dict]:
        if not page.evaluate("() => typeof window.axe !== 'undefined'"):
            page.evaluate(source)
        result = page.evaluate("""async () => {
            const r = await axe.run(document, {resultTypes: ['violations']});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                           nodes: v.nodes.map(n => n.target.join(' '))}));
        }""")
        serious = [v for v in result if v["impact"] in ("serious", "critical")]
        axe_results[page.url] = result
        return serious

    return check
