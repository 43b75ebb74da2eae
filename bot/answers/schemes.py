"""Answers about one scheme: what it is, dates, money, payment, evaluation, procedures."""

from __future__ import annotations

import datetime as dt

from bot.answers.reply import Button, Reply, bullets, capitalize, date_fr, intent_payload, is_young
from bot.eligibility.calls import CLOSED, OPEN, UPCOMING, call_status
from bot.knowledge import Scheme

STRUCTURE = "structure"






def topic_buttons(scheme: Scheme, role: str | None) -> tuple[Button, ...]:
    """Follow-up questions about the same scheme."""
    topics = [("Dates", "ask_deadline"), ("Comment faire", "ask_procedure"), ("Contact", "ask_contact")]
    if role in (STRUCTURE, None) or role == "professionnel":
        topics.insert(1, ("Financement", "ask_funding"))
    return tuple(Button(title, intent_payload(intent, dispositif=scheme.id)) for title, intent in topics)


# --- what it is ---------------------------------------------------------------------

def scheme_info(scheme: Scheme, role: str | None) -> Reply:
    lines = [f"{capitalize(scheme.short_title)} : {scheme.summary.text}"]
    if role == STRUCTURE:
        lines.append(f"Porteurs possibles : {scheme.carriers.text}")
    else:
        lines.append(f"Pour qui : {scheme.public.text}")
    return Reply("\n".join(lines), topic_buttons(scheme, role))


# --- dates ------------------------------------------------------------------------

def call_window_line(scheme: Scheme, today: dt.date) -> str:
    """Where the call for projects stands for structures, relative to `today`."""
    status = call_status(scheme.call, today)
    name = f"L'appel à projets {scheme.short_title}"
    if status.status == OPEN:
        return (f"{name} est ouvert jusqu'au {date_fr(status.closes)} inclus (depuis le {date_fr(status.opens)}). "
                f"La candidature se dépose et se valide dans le logiciel {scheme.call.channel}.")
    if status.status == UPCOMING:
        return (f"{name} ouvre le {date_fr(status.opens)} et ferme le {date_fr(status.closes)} inclus. "
                f"La candidature se dépose et se valide dans le logiciel {scheme.call.channel}.")
    if status.status == CLOSED:
        return (f"{name} était ouvert du {date_fr(status.opens)} au {date_fr(status.closes)} : il est clos. "
                "La prochaine session n'est pas encore publiée.")
    return f"{name} n'a pas de session publiée pour l'instant."


def period_line(scheme: Scheme, today: dt.date) -> str:
    """When the actions the Département funds run (the convention period), relative to `today`: not
    when a young person may come, which `deadline` says first."""
    period = scheme.period
    if period.start is None or period.end is None:
        return period.for_young or period.text
    name = f"Les actions financées pour {scheme.the_name}"
    start, end = date_fr(period.start), date_fr(period.end)
    if today < period.start:
        return f"{name} démarrent le {start} et courent jusqu'au {end}."
    if today <= period.end:
        return f"{name} courent du {start} au {end} : elles sont en cours."
    return f"{name} ont couru du {start} au {end}. La période suivante n'est pas encore publiée."


def deadline(scheme: Scheme, role: str | None, today: dt.date) -> Reply:
    """"C'est quand ?": the call window for a structure; for a young person or a professional, how to
    enter now (a desk or a service, not a date), then when the funded actions run."""
    buttons = topic_buttons(scheme, role)
    if role == STRUCTURE:
        return Reply(call_window_line(scheme, today), buttons)
    young_lines = [scheme.entry.text, period_line(scheme, today)]
    if scheme.period.for_young and scheme.period.for_young not in young_lines:
        young_lines.insert(0, scheme.period.for_young)
    if role is None:
        text = f"{call_window_line(scheme, today)}\nPour les jeunes : {' '.join(young_lines)}"
        return Reply(text, buttons)
    return Reply(" ".join(young_lines), buttons)


# --- money ------------------------------------------------------------------------

def _for_structures_only(scheme: Scheme, role: str | None) -> str | None:
    if is_young(role):
        return (f"Cet argent est versé aux structures qui portent {scheme.the_name}, pas directement aux jeunes. "
                f"{scheme.entry.text}")
    return None


def funding(scheme: Scheme, role: str | None) -> Reply:
    young = _for_structures_only(scheme, role)
    if young:
        return Reply(young, topic_buttons(scheme, role))
    money = scheme.funding
    lines = [f"Financement {scheme.short_title} : {money.text}"]
    lines.append(bullets(item.text for item in money.items))
    if money.not_fundable:
        lines.append("Non financé : " + " ; ".join(money.not_fundable) + ".")
    if money.annexes:
        lines.append("À joindre : " + " ; ".join(money.annexes) + ".")
    lines += money.conditions
    return Reply("\n".join(lines), topic_buttons(scheme, role))


def payment(scheme: Scheme, role: str | None) -> Reply:
    young = _for_structures_only(scheme, role)
    if young:
        return Reply(young, topic_buttons(scheme, role))
    items = scheme.payment.items
    return Reply(f"Versement {scheme.short_title} :\n" + bullets(i.text for i in items), topic_buttons(scheme, role))


# --- procedures -------------------------------------------------------------------

def procedure(scheme: Scheme, role: str | None) -> Reply:
    """How to apply: the structure's obligations and what to send, or the young person's way in;
    both when the role is unknown."""
    structure = f"Démarches {scheme.short_title} (obligatoires) :\n" + bullets(
        [p.text for p in scheme.procedures.items if p.mandatory]
        + [f"Joindre {annex}." for annex in scheme.funding.annexes])
    steps = [p.text for p in scheme.procedures.items if p.for_young]
    young = scheme.entry.text if not steps else f"{scheme.entry.text}\n{bullets(steps)}"
    if role == STRUCTURE:
        text = structure
    elif role is None:
        text = f"Pour un ou une jeune : {young}\nPour une structure : dépôt et validation de la candidature dans le " \
               f"logiciel {scheme.call.channel}, avant la clôture de l'appel à projets."
    else:
        text = young
    return Reply(text, topic_buttons(scheme, role))
