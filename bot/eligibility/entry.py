"""Whom to contact first for a scheme: the entry service and its contact on a territory."""

from __future__ import annotations

from dataclasses import dataclass

from bot.knowledge import Knowledge, Scheme, Territory

# The seed gives no SLISL phone number: say so, never invent one (CONVENTIONS.md).
NO_SLISL_PHONE = (
    "Le document du Département ne donne pas de numéro pour les SLISL : passer par l'accueil de la "
    "Maison du Département Solidarité (MDS), la mission locale ou un CLLAJ."
)
ASK_COMMUNE = "La commune permet de donner le contact du bon territoire."


@dataclass(frozen=True)
class ContactPerson:
    name: str | None
    phone: str | None
    email: str | None = None


@dataclass(frozen=True)
class EntryPoint:
    service: str                 # "slai" | "logement" | "departement"
    label: str                   # the service, in words, for this territory
    people: tuple[ContactPerson, ...]
    note: str | None = None


def entry_point(scheme: Scheme, role: str, territory: Territory | None, knowledge: Knowledge) -> EntryPoint:
    services = knowledge.departement.services
    if role == "structure":
        people = tuple(
            ContactPerson(p.name, p.phone, p.email)
            for p in (knowledge.departement.person(pid) for pid in scheme.contacts)
        )
        service = services[knowledge.departement.person(scheme.contacts[0]).service].name
        return EntryPoint("departement", service, people)
    if scheme.entry.service == "slai":
        if territory is None:
            return EntryPoint("slai", services["slai"].name, (), ASK_COMMUNE)
        return EntryPoint(
            "slai", f"{services['slai'].name} {territory.of_name}",
            (ContactPerson(territory.slai.name, territory.slai.phone),),
        )
    where = f" {territory.of_name}" if territory else ""
    return EntryPoint("logement", f"SLISL de la MDS{where}, un CLLAJ ou la mission locale", (), NO_SLISL_PHONE)
