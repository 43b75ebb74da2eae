"""The answer to each topic, for one scheme or for all of them.

A question about one scheme gets that scheme's answer. A question that names none gets the
answer shared by all schemes when there is one ("everything is filed in E partenaire"), or one
compact line per scheme — never "which scheme?" when the answer can be given.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from itertools import groupby

from bot.answers import schemes as one
from bot.answers.contacts import contact, departement_contacts, housing_line, slai_line
from bot.answers.reply import Button, Reply, bullets, capitalize, date_fr, intent_payload, is_young, join_fr, pick
from bot.eligibility.calls import CLOSED, OPEN, UPCOMING, call_status
from bot.knowledge import SCHEME_IDS, Scheme, Territory, knowledge
from bot.reading.topics import (
    CARRIERS,
    CONTACT,
    CONTENTS,
    COST,
    DEADLINE,
    ELIGIBILITY,
    EVALUATION,
    FUNDING,
    INDICATORS,
    INFO,
    ON_BEHALF,
    PAID,
    PAYMENT,
    PERIOD,
    PROCEDURE,
    PUBLIC,
    VOLUMES,
)
from bot.reading.words import words_of

STRUCTURE = "structure"
MAX_LINES = 4  # lines per message when every scheme gets one: messages stay short on a phone


def _schemes(ids: Sequence[str] | None = None) -> list[Scheme]:
    k = knowledge()
    return [k.scheme(s) for s in (ids or SCHEME_IDS)]


def _split(title: str, lines: list[str]) -> list[Reply]:
    """A title and one line per scheme, cut into messages of MAX_LINES lines."""
    chunks = [lines[i:i + MAX_LINES] for i in range(0, len(lines), MAX_LINES)]
    return [Reply((f"{title}\n" if i == 0 else "") + bullets(chunk)) for i, chunk in enumerate(chunks)]


# --- one scheme --------------------------------------------------------------------------------

def public(scheme: Scheme) -> Reply:
    return Reply(f"{capitalize(scheme.short_title)} : {scheme.public.text}")


def carriers(scheme: Scheme) -> Reply:
    text = f"Porteurs possibles pour {scheme.short_title} : {scheme.carriers.text}"
    if scheme.carriers.to_confirm_note:
        text += f" {scheme.carriers.to_confirm_note}"
    return Reply(text)


def period(scheme: Scheme, today: dt.date, role: str | None = None) -> Reply:
    """How long it lasts: for a young person, their own pathway first when the knowledge says it."""
    line = one.period_line(scheme, today)
    extra = scheme.period.text if scheme.period.text not in line else ""
    if is_young(role) and scheme.period.for_young and scheme.period.for_young not in line:
        return Reply(f"{scheme.period.for_young} {line}")
    return Reply(f"{line} {extra}".strip())


def _charter_items(scheme: Scheme, text: str) -> list[str]:
    """Items of the quality charter the question names ("le délai de 15 jours rapporte combien ?")."""
    if not scheme.evaluation.charter or not text:
        return []
    asked = {w for w in words_of(text) if len(w) > 3 or w.isdigit()} - _COMMON
    found = []
    for group in scheme.evaluation.charter.groups:
        for item in group.items:
            shared = asked & set(words_of(item.title))
            if len(shared) >= 2 or any(w.isdigit() for w in shared):
                kind = f", {item.kind}" if item.kind else ""
                found.append(f"« {item.title} » : {item.points} points{kind} ({group.title}, {group.points} points)")
    return found


_COMMON = frozenset({"charte", "qualite", "coordo", "points", "combien", "rapporte", "dans", "pour", "avec"})


def indicators(scheme: Scheme, text: str = "") -> Reply:
    items = _charter_items(scheme, text)
    if items:
        return Reply("Charte qualité " + scheme.short_title + " :\n" + bullets(items))
    ev = scheme.evaluation
    lines = [f"Indicateurs {scheme.short_title} :"]
    if ev.indicators:
        lines.append(bullets(ev.indicators))
    if ev.charter:
        groups = " ; ".join(f"{g.title} {g.points} points" for g in ev.charter.groups)
        charter = f"Charte qualité ({ev.charter.share_percent} % du financement, {ev.charter.total_points} points)"
        lines.append(f"{charter} : {groups}.")
    if len(lines) == 1:
        lines.append(ev.final_report.text)
    return Reply("\n".join(lines))


def evaluation(scheme: Scheme) -> Reply:
    ev = scheme.evaluation
    lines = [f"Bilan {scheme.short_title} : {ev.final_report.text}"]
    if ev.final_report.contents:
        lines.append(bullets(ev.final_report.contents))
    if ev.followup:
        lines.append("Suivi : " + " ; ".join(ev.followup) + ".")
    return Reply("\n".join(lines))


def contents(scheme: Scheme) -> Reply:
    text = f"{capitalize(scheme.short_title)} : {scheme.contents.text}"
    if scheme.phases:
        text += "\nÉtapes : " + " → ".join(p.title for p in scheme.phases.items) + "."
    return Reply(text)


def volumes(scheme: Scheme) -> Reply:
    return Reply(f"{capitalize(scheme.short_title)} : {scheme.volumes}")


CHECK_BUTTON = "Vérifier"


def check_offer(scheme: Scheme, role: str | None) -> Reply:
    """After the rule: "shall I check your case?"."""
    return Reply(pick(role, "Tu veux que je vérifie si ça marche pour toi ? Trois questions au plus.",
                      "Voulez-vous que je vérifie pour une situation précise ? Trois questions au plus."),
                 (Button(CHECK_BUTTON, intent_payload("ask_orientation", besoin=scheme.id)),))


def checked_scheme(reply: Reply) -> str | None:
    """The scheme whose check `reply` offers, if it is that offer."""
    if not reply.buttons or reply.buttons[0].title != CHECK_BUTTON:
        return None
    payload = reply.buttons[0].payload
    return json.loads(payload[payload.index("{"):]).get("besoin")


def for_scheme(topic: str, scheme: Scheme, role: str | None, territory: Territory | None,
               today: dt.date, text: str = "") -> list[Reply]:
    """The answer to `topic` about `scheme` (ELIGIBILITY's verdict is the dialogue's job)."""
    if topic == INFO:
        return [one.scheme_info(scheme, role)]
    if topic in (PUBLIC, ELIGIBILITY):
        return [public(scheme)]
    if topic == CARRIERS:
        return [carriers(scheme)]
    if topic == DEADLINE:
        return [one.deadline(scheme, role, today)]
    if topic == PERIOD:
        return [period(scheme, today, role)]
    if topic == FUNDING:
        return [one.funding(scheme, role)]
    if topic == PAYMENT:
        return [one.payment(scheme, role)]
    if topic == EVALUATION:
        return [evaluation(scheme)]
    if topic == INDICATORS:
        return [indicators(scheme, text)]
    if topic == PROCEDURE:
        return [one.procedure(scheme, role)]
    if topic == CONTENTS:
        return [contents(scheme)]
    if topic == VOLUMES:
        return [volumes(scheme)]
    if topic == CONTACT:
        return [scheme_contact(scheme, role, territory)]
    if topic == COST:
        return [Reply(f"{capitalize(scheme.short_title)} : {scheme.cost_for_young.text}")]
    if topic == ON_BEHALF:
        return [on_behalf(role, territory)]
    if topic == PAID:
        return [paid(role, territory)]
    raise ValueError(topic)  # pragma: no cover - the topics are the reader's, all handled above


def scheme_contact(scheme: Scheme, role: str | None, territory: Territory | None,
                   with_departement: bool = True) -> Reply:
    """Who to call about a scheme: the entry service on the territory, and the Département's
    contact for the scheme, given even without a commune."""
    if role == STRUCTURE:
        return contact(role, territory, scheme)
    lines = []
    if scheme.entry.service == "slai":
        if territory:
            lines.append(pick(role, f"Ton contact : {slai_line(territory)}.", f"Contact : {slai_line(territory)}."))
        else:
            lines.append(pick(role, "Ton contact : le SLAI de ton territoire (dis-moi ta commune pour son numéro).",
                              "Contact : le SLAI du territoire (indiquez la commune pour son numéro)."))
    else:
        lines.append(housing_line(role, territory))
    if with_departement and (not is_young(role) or scheme.entry.service == "slai"):
        # The Département's contacts answer the calls' questions: a young person looking for housing
        # is better served by the doors above.
        lines.append(f"Au Département, pour {scheme.the_name} : {departement_contacts(scheme)}.")
    return Reply("\n".join(lines))


# --- every scheme ------------------------------------------------------------------------------

def _call_short(scheme: Scheme, today: dt.date) -> str:
    status = call_status(scheme.call, today)
    if status.status == OPEN:
        return f"ouvert jusqu'au {date_fr(status.closes)}"
    if status.status == UPCOMING:
        return f"du {date_fr(status.opens)} au {date_fr(status.closes)}"
    if status.status == CLOSED:
        return f"clos le {date_fr(status.closes)}"
    return "pas de session publiée"


def _period_short(scheme: Scheme) -> str:
    p = scheme.period
    if p.start and p.end:
        return f"du {date_fr(p.start)} au {date_fr(p.end)}"
    return p.for_young or p.text


def _payment_groups() -> list[str]:
    """Schemes that pay the same way, together: "avance de 60 % : FAJ Co, « graine de », Coordo ASE"."""
    def first(scheme: Scheme) -> str:
        return scheme.payment.items[0].text
    schemes = sorted(_schemes(), key=first)
    return [f"{capitalize(text)} : {join_fr([s.short_title for s in group])}"
            for text, group in groupby(schemes, key=first)]


def for_all(topic: str, role: str | None, territory: Territory | None, today: dt.date,
            ids: Sequence[str] | None = None) -> list[Reply]:
    """The answer to `topic` for every scheme (or `ids`), shared when it is the same for all."""
    schemes = _schemes(ids)
    each: dict[str, Callable[[Scheme], str]] = {
        PUBLIC: lambda s: s.public.short, ELIGIBILITY: lambda s: s.public.short,
        CARRIERS: lambda s: s.carriers.text, FUNDING: lambda s: s.funding.short,
        VOLUMES: lambda s: s.volumes, CONTENTS: lambda s: s.pitch, INFO: lambda s: s.pitch,
        PERIOD: _period_short, EVALUATION: lambda s: s.evaluation.final_report.text,
        COST: lambda s: s.cost_for_young.text,
        INDICATORS: lambda s: "; ".join(s.evaluation.indicators[:2]) or s.evaluation.final_report.text,
    }
    titles = {
        PUBLIC: "Pour qui, dispositif par dispositif :", ELIGIBILITY: "Pour qui, dispositif par dispositif :",
        CARRIERS: "Qui peut porter chaque appel à projets :", FUNDING: "Les financements :",
        VOLUMES: "Les volumes prévus :", CONTENTS: "Les sept dispositifs :", INFO: "Les sept dispositifs :",
        PERIOD: "Les périodes :", EVALUATION: "Les bilans :", INDICATORS: "Les indicateurs :",
        COST: "Ce qu'un jeune paie :",
    }
    if topic == ON_BEHALF:
        return [on_behalf(role, territory)]
    if topic == PAID:
        return [paid(role, territory)]
    if topic == DEADLINE:
        if is_young(role):
            return [Reply(pick(role, "Les jeunes n'ont pas de date limite : on entre dans ces dispositifs toute "
                                     "l'année, par le SLAI ou le service logement. Ce sont les structures qui ont "
                                     "des appels à projets :", "Les jeunes entrent toute l'année ; les dates "
                                     "limites sont celles des appels à projets pour les structures :")),
                    *_split("", [f"{s.short_title} : {_call_short(s, today)}" for s in schemes])]
        return _split("Appels à projets (dépôt dans E partenaire) :",
                      [f"{s.short_title} : {_call_short(s, today)}" for s in schemes])
    if topic == PAYMENT:
        return [Reply("Versements :\n" + bullets(_payment_groups()))]
    if topic == PROCEDURE:
        return [procedure_all(role, territory)]
    if topic == CONTACT:
        return contact_all(role, territory)
    title = titles[topic]
    if topic in (CONTENTS, INFO) and len(schemes) < len(SCHEME_IDS):  # not "the seven" for one or two
        title = "Le dispositif :" if len(schemes) == 1 else "Les dispositifs :"
    return _split(title, [f"{s.short_title} : {each[topic](s)}" for s in schemes])


def on_behalf(role: str | None, territory: Territory | None) -> Reply:
    """ "Je peux appeler à sa place ?": yes, to ask; the young person then builds the support with
    the adviser, who makes sure they want it ("co-construit avec le jeune", the seed says of graine de)."""
    where = f" : {slai_line(territory)}" if territory else ""
    return Reply(pick(role, f"Oui, quelqu'un de ton entourage peut appeler pour se renseigner{where}. "
                            "L'accompagnement se construit ensuite avec toi.",
                      f"Oui, vous pouvez appeler pour vous renseigner et préparer la démarche{where}. "
                      "L'accompagnement se construit ensuite avec le ou la jeune, qui doit être partant(e)."))


def paid(role: str | None, territory: Territory | None) -> Reply:
    """ "On me paye si j'y vais ?": the Département's document funds the structures and says nothing of
    paying the young person; whom to ask about the allowances that may exist."""
    where = slai_line(territory) if territory else pick(role, "SLAI de ton territoire", "SLAI du territoire")
    return Reply(pick(role, "Le document du Département finance les structures qui t'accompagnent ; il ne parle pas "
                            f"d'argent versé aux jeunes. Pour savoir si une aide existe pour toi, demande au {where}.",
                      "Le document du Département finance les structures ; il ne prévoit pas de rémunération des "
                      f"jeunes. Pour les aides possibles : le {where}."))


def procedure_all(role: str | None, territory: Territory | None) -> Reply:
    if role == STRUCTURE or role is None:
        return Reply("Pour tous les appels à projets : la candidature se dépose puis se valide dans le logiciel "
                     "E partenaire, avant la date de clôture. Pour le FAJ Co, contacter d'abord le SLAI du "
                     "territoire est obligatoire.")
    where = slai_line(territory) if territory else pick(role, "SLAI de ton territoire", "SLAI du territoire")
    return Reply(pick(
        role,
        f"Pour la formation, l'emploi, l'ASE ou un projet collectif, l'entrée dans les dispositifs passe par le "
        f"{where}. Pour le logement : la MDS, ta mission locale ou un CLLAJ.",
        f"Formation, emploi, ASE ou projet collectif : l'entrée passe par le {where}. Logement : la MDS, la "
        "mission locale ou un CLLAJ."))


def contact_all(role: str | None, territory: Territory | None, housing: bool = False) -> list[Reply]:
    """Every scheme's contact: the Département's people for structures, the local SLAI for the others
    (and the housing doors when the need is housing); empty when the territory is unknown: the
    dialogue asks the commune."""
    if role == STRUCTURE:
        by_line: dict[str, list[str]] = {}
        for scheme in _schemes():
            by_line.setdefault(departement_contacts(scheme), []).append(scheme.short_title)
        return [Reply(f"Au Département, pour {join_fr(titles)} : {line}.") for line, titles in by_line.items()]
    if territory is not None:
        text = pick(role, f"Ton contact : {slai_line(territory)}.", f"Contact : {slai_line(territory)}.")
        return [Reply(f"{text}\n{housing_line(role, territory)}" if housing else text)]
    return []
