"""Who to call: the SLAI of a territory, the housing entry points, the Département's contacts."""

from __future__ import annotations

from bot.answers.reply import (
    MAX_PHONES_PER_MESSAGE,
    Button,
    Reply,
    intent_payload,
    is_young,
    pick,
)
from bot.communes import CommuneMatch
from bot.eligibility.engine import territory_of
from bot.knowledge import TERRITORY_IDS, Person, Scheme, Territory, knowledge

ALL = "tous"


def slai_line(territory: Territory) -> str:
    who = f"{territory.slai.name}, " if territory.slai.name else ""
    return f"SLAI {territory.of_name} : {who}{territory.slai.phone}"


def person_line(person: Person) -> str:
    parts = [person.name, person.phone] + ([person.email] if person.email else [])
    return ", ".join(parts)


# Said once in a conversation, where it helps (the first housing contact): the seed gives no SLISL phone.
NO_SLISL_PHONE = (" Le document du Département ne donne pas de numéro direct pour le service logement (SLISL).",
                  " Le document du Département ne donne pas de numéro pour les SLISL.")
NO_SLISL_PHONE_SAID = "note:slisl"  # kept with the acronyms already explained


def housing_line(role: str | None, territory: Territory | None) -> str:
    where = f" {territory.of_name}" if territory else ""
    return pick(role, f"Pour le logement : va à l'accueil de la MDS{where}, à ta mission locale ou dans un CLLAJ."
                      + NO_SLISL_PHONE[0],
                f"Pour le logement : l'accueil de la MDS{where}, la mission locale ou un CLLAJ." + NO_SLISL_PHONE[1])


def said_once(text: str, said: frozenset[str]) -> tuple[str, frozenset[str]]:
    """`text` without the no-SLISL-phone note if the conversation has had it; the notes now said."""
    for note in NO_SLISL_PHONE:
        if note in text:
            if NO_SLISL_PHONE_SAID in said:
                text = text.replace(note, "")
            said = said | {NO_SLISL_PHONE_SAID}
    return text, said


ALL_BUTTON = "Voir tous les SLAI"


def ask_commune(role: str | None) -> Reply:
    text = pick(role, "Dans quelle commune habites-tu ? Je te donne le bon contact.",
                "Dans quelle commune ? Je vous donne le bon contact.")
    return Reply(text, (Button(ALL_BUTTON, intent_payload("ask_contact", territoire=ALL)),))


def all_slai() -> list[Reply]:
    """Every territory's SLAI, at most three phone numbers per message."""
    territories = [knowledge().territory(t) for t in TERRITORY_IDS]
    return [
        Reply("\n".join(slai_line(t) for t in territories[i:i + MAX_PHONES_PER_MESSAGE]))
        for i in range(0, len(territories), MAX_PHONES_PER_MESSAGE)
    ]


def territory_note(match: CommuneMatch, role: str | None) -> str:
    """Say to a professional or a structure when a commune's territory is only inferred (confidence
    below "haute"); a young person gets the contact without the doubt, which the SLAI settles."""
    info = territory_of(match, knowledge())
    if is_young(role) or info is None or not info.to_confirm or match.commune is None:
        return ""
    return f" (rattachement de {match.commune.name} au territoire {info.territory.of_name} à confirmer)"


def departement_contacts(scheme: Scheme) -> str:
    k = knowledge()
    people = [k.departement.person(p) for p in scheme.contacts]
    service = k.departement.services[people[0].service].name
    return f"{service} : " + " ; ".join(person_line(p) for p in people)


def slai_before_filing(scheme: Scheme, territory: Territory | None, note: str = "") -> str:
    """The SLAI a carrier must meet before filing (FAJ Co), or "" for a call that does not ask it."""
    if not any(p.id == "contact_slai" and p.mandatory for p in scheme.procedures.items):
        return ""
    if territory:
        return f"Contact obligatoire avant de déposer : {slai_line(territory)}{note}."
    return ("Contact obligatoire avant de déposer : le SLAI de votre territoire "
            "(indiquez votre commune pour avoir son numéro).")


def contact(role: str | None, territory: Territory | None, scheme: Scheme | None,
            match: CommuneMatch | None = None) -> Reply:
    """The right contact for this person, territory and scheme (at most 3 phone numbers)."""
    note = territory_note(match, role) if match else ""
    if role == "structure" and scheme is not None:
        lines = [f"Pour l'appel à projets {scheme.short_title} : {departement_contacts(scheme)}.",
                 slai_before_filing(scheme, territory, note)]
        return Reply("\n".join(line for line in lines if line))
    if scheme is not None and scheme.entry.service == "logement":
        return Reply(housing_line(role, territory))
    if territory is None:
        return ask_commune(role)
    lead = pick(role, "Ton contact", "Votre contact")
    return Reply(f"{lead} : {slai_line(territory)}{note}.")


def outside(match: CommuneMatch, role: str | None) -> Reply:
    place = match.outside_name or "Cette commune"
    return Reply(pick(
        role,
        f"{place} n'est pas dans le Pas-de-Calais, donc pas de SLAI pour toi ici. Près de chez toi, ta mission "
        "locale peut t'aider. Si tu veux t'installer dans le Pas-de-Calais, un CLLAJ t'accueille aussi.",
        f"{place} n'est pas dans le Pas-de-Calais, donc pas de SLAI du Département ici. La mission locale du lieu "
        "de résidence peut orienter ; pour s'installer dans le Pas-de-Calais, un CLLAJ accueille aussi.",
    ))
