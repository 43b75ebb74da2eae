"""Helpers for the back-office tests (app tests and browser tests): an injected clock and sleeper,
a cheap password hasher, accounts and data with planted personal values, and a client that
fills in CSRF tokens the way a browser submits the forms it was given."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import aiohttp
import pyotp
from argon2 import PasswordHasher

from bot.backoffice.accounts import Account, AccountRepository
from bot.handoff.repository import ContactRequestRepository
from bot.prescription.fields import PartialDate
from bot.prescription.repository import SheetRepository

NOW = dt.datetime(2026, 11, 29, 10, 0, tzinfo=dt.timezone.utc)
PASSWORD = "une phrase de passe solide"
# argon2id still, but cheap: tests create and check many passwords.
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
HOSTILE = "<img src=x onerror=alert(1)>"
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: dt.datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


class Sleeper:
    """Records the delays the server asked for instead of waiting; with a `clock`, moves it on as
    the wait would have (set `clock` to None to freeze time, as for concurrent requests)."""

    def __init__(self, clock: Clock | None = None) -> None:
        self.delays: list[float] = []
        self.clock = clock

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)
        if self.clock is not None:
            self.clock.advance(seconds=seconds)


def csrf_of(html: str) -> str:
    found = _CSRF.search(html)
    assert found, "no CSRF token in the page"
    return found.group(1)


def values(**changes: Any) -> dict[str, Any]:
    """A complete adult sheet in Calais (territory calaisis), with planted personal data."""
    base: dict[str, Any] = {
        "nom": "D’Arcy-Lefèvre", "prenom": "Œdipe", "date_naissance": dt.date(2005, 3, 12), "commune": "62193",
        "telephone": "06 12 34 56 78", "derniere_classe": "CAP cuisine", "date_sortie_scolaire": PartialDate(2024, 6),
        "situation_actuelle": "sans emploi", "mission_locale": True, "cej": False, "pacea": False, "ase": True,
        "rsa": False, "difficulte_mobilite": True, "difficulte_logement": False, "difficulte_sante": False,
        "difficulte_budget": True, "difficulte_confiance": True, "souhaits": "cuisine", "disponibilites": "le matin",
    }
    base.update(changes)
    return base


@dataclass
class People:
    herve: Account      # conseiller, Calaisis + Audomarois
    sandra: Account     # conseillère, Arrageois
    admin: Account      # admin with TOTP enabled
    admin_secret: str


def make_people(accounts: AccountRepository, clock: Clock) -> People:
    herve = accounts.create("herve@exemple.fr", "conseiller", PASSWORD, territories=["calaisis", "audomarois"],
                            display_name="Hervé Leplat")
    sandra = accounts.create("sandra@exemple.fr", "conseiller", PASSWORD, territories=["arrageois"],
                             display_name="Sandra Cuvillier")
    admin = accounts.create("admin@exemple.fr", "admin", PASSWORD, display_name="Admin Département")
    secret = accounts.totp_secret_for_enrolment(admin.id)
    assert accounts.verify_totp(admin.id, pyotp.TOTP(secret).at(clock()), confirm=True)
    return People(herve, sandra, accounts.get(admin.id), secret)


def make_request(requests: ContactRequestRepository, territory: str = "calaisis", **changes: Any):  # noqa: ANN201
    options: dict[str, Any] = dict(
        sender_id=f"web-{territory}", channel="socketio", territory=territory, kind="insertion",
        summary={"role": "jeune", "age": 19, "commune": "Calais", "situations": ["ase_sorti"], "schemes": ["coordo_ase"]},
        transcript=["Bonjour, je suis Œdipe", "je veux parler à quelqu'un"], preferred_contact="ici",
        phone="06 12 34 56 78", now=NOW,
    )
    options.update(changes)
    return requests.create(**options)


def make_sheet(sheets: SheetRepository, commune: str = "62193", **changes: Any):  # noqa: ANN201
    return sheets.create("graine_de", "jeune", values(commune=commune, **changes), consent_at=NOW, transmit=True,
                         sender_id="web-sheet", now=NOW)


class Browser:
    """A visitor (its own cookies) that logs in and posts forms with the CSRF token of its last page."""

    def __init__(self, session: aiohttp.ClientSession, base_url: str, clock: Clock) -> None:
        self.session = session
        self.base_url = base_url.rstrip("/")
        self.clock = clock
        self.token: str | None = None

    async def get(self, path: str, **kwargs: Any):  # noqa: ANN201
        response = await self.session.get(self.base_url + path, allow_redirects=kwargs.pop("allow_redirects", False),
                                          **kwargs)
        if response.content_type == "text/html":
            text = await response.text()
            found = _CSRF.search(text)
            if found:
                self.token = found.group(1)
        return response

    async def post(self, path: str, data: Mapping[str, Any] | list[tuple[str, str]] | None = None, *,
                   csrf: str | None = None, **kwargs: Any):  # noqa: ANN201
        form = list(data.items()) if isinstance(data, Mapping) else list(data or [])
        token = csrf if csrf is not None else self.token
        if token is not None and not any(name == "csrf" for name, _ in form):
            form.append(("csrf", token))
        return await self.session.post(self.base_url + path, data=form,
                                       allow_redirects=kwargs.pop("allow_redirects", False), **kwargs)

    async def login(self, email: str, password: str = PASSWORD, totp_secret: str | None = None):  # noqa: ANN201
        await self.get("/connexion")
        response = await self.post("/connexion", {"email": email, "password": password, "suite": "/demandes"})
        if totp_secret is not None and response.status == 303 and response.headers["Location"].startswith(
                "/connexion/code"):
            self.clock.advance(seconds=31)  # a code is accepted once: take the next time step
            await self.get("/connexion/code")
            response = await self.post("/connexion/code", {"code": pyotp.TOTP(totp_secret).at(self.clock()),
                                                           "suite": "/demandes"})
        if response.status == 303:
            await self.get("/demandes")  # picks up the session's CSRF token
        return response
