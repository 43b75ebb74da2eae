"""Orientation in the conversation: why a question is asked, the result, "why not X?".

The result names the schemes that fit the person's need, the best fit first (two or three at
most), says what to do next and whom to call, and offers to check the other schemes.
"""

from __future__ import annotations

from bot.answers.contacts import departement_contacts, housing_line, slai_before_filing, slai_line, territory_note
from bot.answers.reply import Button, Reply, bullets, capitalize, intent_payload, join_fr, pick
from bot.answers.schemes import call_window_line
from bot.eligibility.conditions import Condition, ResidenceCondition, SituationCondition, walk
from bot.eligibility.engine import ELIGIBLE, INCOMPLETE, INELIGIBLE, Orientation, SchemeResult
from bot.knowledge import Scheme, knowledge

MAX_SHOWN = 3
MAX_REASONS = 2  # why a scheme fits, in a verdict: the rest would make the message too long
PERSON = Button("Parler à quelqu'un", "/request_human")
OTHERS = Button("Autres aides", intent_payload("ask_orientation", besoin="autres"))
SHEET = Button("Préparer la fiche", "/request_sheet")

NEXT_STEP = "Prochaine étape — "


def why_we_ask(fact: str, role: str | None) -> Reply:
    """ "Pourquoi tu me demandes ça ?" """
    if fact in ("age", "age_commune"):
        reason = "chaque dispositif a sa tranche d'âge, et " + pick(
            role, "ton contact dépend de ta commune", "le contact dépend de la commune")
    elif fact == "commune":
        reason = pick(role, "ton contact dépend de ton territoire", "le contact dépend du territoire")
    elif fact == "besoin":
        reason = pick(role, "je ne te pose ensuite que les questions utiles à ce que tu cherches",
                      "les questions suivantes dépendent de ce que vous cherchez")
    elif fact in ("structure_types", "structure_accompagnement_jeunes"):
        reason = "chaque appel à projets précise quelles structures peuvent le porter"
    else:
        reason = "certains dispositifs sont réservés à cette situation"
    return Reply(pick(role, f"Je te le demande parce que {reason}. Tu peux répondre « je ne sais pas » : je ne "
                            "garde ni ton nom ni ton adresse.",
                      f"Je vous le demande parce que {reason}. Vous pouvez répondre « je ne sais pas » : je ne "
                      "demande ni nom ni adresse."))


def _contact_lines(results: list[SchemeResult], orientation: Orientation, role: str | None) -> list[str]:
    territory = orientation.territory.territory if orientation.territory else None
    note = territory_note(orientation.commune, role)
    services = {r.scheme.entry.service for r in results}
    lines = []
    if "slai" in services:
        if territory:
            lines.append(pick(role, f"Ton contact : {slai_line(territory)}{note}.",
                              f"Contact : {slai_line(territory)}{note}."))
        elif orientation.commune.status == "hors_62":
            lines.append(pick(role, "Ton contact : ", "Contact : ") + _slai_where_settling(role))
        else:
            lines.append(pick(role, "Ton contact : le SLAI de ton territoire (dis-moi ta commune pour son numéro).",
                              "Contact : le SLAI du territoire (indiquez la commune pour son numéro)."))
    if "logement" in services:
        lines.append(housing_line(role, territory))
    return lines


def _outside_note(orientation: Orientation) -> str:
    """Which schemes the seed reserves to residents (from their rules), the others being open to
    those who come to settle in the 62."""
    if orientation.commune.status != "hors_62":
        return ""
    place = orientation.commune.outside_name or "Cette commune"
    residents = [r.scheme.short_title for r in orientation.results if _asks_residence(r.scheme)]
    return (f"{place} n'est pas dans le Pas-de-Calais : {join_fr(residents)} demandent d'y habiter ; les autres "
            "dispositifs ne posent pas cette condition (les CLLAJ accueillent aussi les jeunes qui viennent s'y "
            "installer). ")


def _asks_residence(scheme: Scheme) -> bool:
    return any(isinstance(node, ResidenceCondition) for _, when, require in scheme.rules
               for condition in (when, require) if condition is not None for node in walk(condition))


def _after_graine_de(role: str | None) -> str:
    return pick(role, "Après l'arrêt d'un parcours « graine de », une nouvelle orientation est prévue, et elle est "
                      "obligatoire : vers un Coach jeunesse, ou vers le Coordo ASE si tu es ou as été à l'ASE. Elle "
                      "passe par une fiche de prescription que le SLAI valide ; je peux la préparer avec toi.\n",
                "Après l'arrêt d'un parcours « graine de », une orientation est obligatoire : vers un Coach "
                "jeunesse, ou vers le Coordo ASE pour un jeune de l'ASE, avec la fiche de prescription "
                "correspondante validée par le SLAI ; je peux la préparer avec vous.\n")


def _conditions(results: list[SchemeResult], presumed: frozenset[str], yes: frozenset[str]) -> list[str]:
    """What the result takes for granted without asking (papers; the RSA, only for a young parent,
    the one case where someone under 25 may receive it): said, to be checked."""
    vocabulary = knowledge().vocabulary
    notes = []
    for situation in sorted(presumed):
        if situation == "rsa" and "enfant_a_charge" not in yes:
            continue
        term = vocabulary.situation(situation)
        concerned = [r.scheme.short_title for r in results
                     if any(situation in _situations_of(require) for _, _, require in r.scheme.rules)]
        if concerned and term.presumed_note:
            notes.append(f"{join_fr(concerned)} : {term.presumed_note}.")
    return notes


def _own_checks(results: list[SchemeResult]) -> list[str]:
    """What a human must confirm because of this person's own case (a check with a condition that
    holds: "le parcours d'insertion doit être validé" at 16-17), not the general ones."""
    return [check.text for r in results for check, when in r.scheme.checks
            if when is not None and check.text in r.to_check]


def _situations_of(condition: Condition) -> set[str]:
    return {v for node in walk(condition) if isinstance(node, SituationCondition) for v in node.values}


def _one_per_need(results: list[SchemeResult], needs: tuple[str, ...]) -> list[SchemeResult]:
    """The best scheme of each of the person's needs first (a care leaver without a home gets the
    Coordo ASE and a housing scheme), then the others in their order."""
    vocabulary = knowledge().vocabulary
    first: list[SchemeResult] = []
    for need in needs:
        schemes = vocabulary.need(need).schemes if need in vocabulary.need_ids else [need]
        best = next((r for r in results if r.scheme.id in schemes), None)
        if best is not None and best not in first:
            first.append(best)
    return first + [r for r in results if r not in first]


def result(orientation: Orientation, ranked: tuple[str, ...], presumed: frozenset[str], role: str | None,
           homeless: bool = False, more: bool = False, needs: tuple[str, ...] = (),
           yes: frozenset[str] = frozenset()) -> list[Reply]:
    """The schemes that fit among `ranked` (the person's need), then the next step and the contact."""
    by_id = {r.scheme.id: r for r in orientation.results}
    eligible = _one_per_need([by_id[s] for s in ranked if by_id[s].status == ELIGIBLE], needs)
    pending = _one_per_need([by_id[s] for s in ranked if by_id[s].status == INCOMPLETE], needs)
    buttons: list[Button] = []
    left = "abandon_graine_de" in yes  # the seed's mandatory re-orientation, with its sheet
    if role in ("jeune", "professionnel") and (by_id["graine_de"].status == ELIGIBLE or left):
        buttons.append(SHEET)
    if more:
        buttons.append(OTHERS)
    buttons.append(PERSON)
    if role == "structure":
        return _structure_result(orientation, eligible, pending, tuple(buttons))
    lead = _outside_note(orientation)
    shelter = next(n for n in knowledge().external.emergency_numbers if n.id == "urgence_sociale")
    safety = (pick(role, f"Si tu n'as pas d'endroit où dormir ce soir : {shelter.number} ({shelter.details}).\n",
                   f"Sans endroit où dormir ce soir : {shelter.number} ({shelter.details}).\n")
              if homeless else "")
    if left:
        lead += _after_graine_de(role)
    if left and not eligible and not pending:
        step = NEXT_STEP + "\n".join(_contact_lines([by_id["graine_de"]], orientation, role))
        return [Reply((lead + safety).strip()), Reply(step, tuple(buttons))]
    if not eligible and not pending:
        housing = all(knowledge().scheme(s).kind == "logement" for s in ranked)
        why = next((r.reasons[0] for r in (by_id[s] for s in ranked) if r.reasons), "")
        why = f"{why} " if why and len(ranked) <= 2 else ""
        return [Reply(lead + safety + why + _nothing_fits(orientation, role, housing), tuple(buttons))]
    shown = (eligible or pending)[:MAX_SHOWN]
    lines = [f"{r.scheme.short_title} : {r.scheme.pitch}" for r in shown]
    if eligible:
        intro = pick(role, "Ce qui peut te correspondre :", "Ce qui peut correspondre :")
    else:
        intro = pick(role, "Ce qui pourrait te correspondre, à vérifier avec ton contact :",
                     "Ce qui pourrait correspondre, à vérifier avec le contact :")
    text = f"{lead}{safety}{intro}\n{bullets(lines)}"
    notes = _conditions(shown, presumed, yes) + _own_checks(shown)
    if notes:
        text += "\nÀ vérifier : " + " ".join(notes)
    if eligible and pending:
        maybe = [r.scheme.short_title for r in pending[:2]]
        text += "\n" + pick(role, f"Peut-être aussi : {join_fr(maybe)}.", f"Peut-être aussi : {join_fr(maybe)}.")
    # Two needs ("un appart et un taf"): the door of the second need too, even if its scheme is a "maybe".
    doors = [*shown, *pending[:2]] if eligible and len(needs) > 1 else shown
    if left:
        doors = [by_id["graine_de"], *doors]
    step = NEXT_STEP + "\n".join(_contact_lines(doors, orientation, role))
    return [Reply(text), Reply(step, tuple(buttons))]


def _structure_result(orientation: Orientation, eligible: list[SchemeResult], pending: list[SchemeResult],
                      buttons: tuple[Button, ...]) -> list[Reply]:
    if pending and not eligible and all(r.missing == ("structure_types",) for r in pending):
        # The type is not known: who may carry each call, and whom to ask.
        lines = [f"{r.scheme.short_title} : {r.scheme.carriers.text}" for r in orientation.results]
        return [Reply("Qui peut porter chaque appel à projets :\n" + bullets(lines)),
                Reply("Contact au Département — " + departement_contacts(knowledge().scheme("faj_co")) + ".", buttons)]
    if not eligible and not pending:
        return [Reply("D'après ces informations, votre structure ne peut porter aucun des sept appels à projets. "
                      "La DPID du Département peut vous conseiller : "
                      + departement_contacts(knowledge().scheme("faj_co")) + ".", buttons)]
    # The calls the structure may answer by what it is (a landlord's housing calls) before those it
    # may answer by its expertise with young people (the FAJ Co, the Coordo ASE).
    shown = sorted(eligible or pending, key=lambda r: bool(r.scheme.carriers.to_confirm))[:MAX_SHOWN]
    lines = [f"{r.scheme.short_title} — {call_window_line(r.scheme, orientation.as_of)}" for r in shown]
    text = ("Votre structure peut porter :\n" if eligible else "Votre structure pourrait porter, sous condition :\n") \
        + bullets(lines)
    by_check: dict[str, list[str]] = {}
    for r in pending:
        for check in r.to_check or ("à vérifier avec le Département.",):
            by_check.setdefault(check, []).append(r.scheme.short_title)
    checks = [f"{join_fr(names)} : {check}" for check, names in by_check.items() if check]
    if checks:
        text = (text + "\n" if text else "") + "À vérifier — " + " ".join(checks)
    contacts = list(dict.fromkeys(departement_contacts(r.scheme) for r in shown))
    territory = orientation.territory.territory if orientation.territory else None
    slai = [line for line in dict.fromkeys(slai_before_filing(r.scheme, territory) for r in shown) if line]
    return [Reply(text), Reply("\n".join(["Contact au Département — " + " ; ".join(contacts) + ".", *slai]), buttons)]


def _nothing_fits(orientation: Orientation, role: str | None, housing: bool) -> str:
    """Kindly, and the right door: the housing one for a housing need, else the SLAI or the mission locale."""
    territory = orientation.territory.territory if orientation.territory else None
    kind = pick(role, "Je n'ai pas trouvé de dispositif qui te corresponde exactement. Ce n'est pas grave : ",
                "Je n'ai pas trouvé de dispositif qui corresponde exactement. ")
    if housing:
        return kind + housing_line(role, territory)
    if territory:
        return kind + pick(role, f"le SLAI peut t'aider à trouver une solution. {slai_line(territory)}.",
                           f"Le SLAI peut aider à trouver une solution : {slai_line(territory)}.")
    return kind + pick(role, "ta mission locale peut t'aider à trouver une solution près de chez toi.",
                       "la mission locale du lieu de résidence peut aider à trouver une solution.")


def verdict(scheme_id: str, orientation: Orientation, role: str | None) -> Reply | None:
    """The engine's verdict for one scheme on what the person said ("et pourquoi pas le FAJ Co ?"),
    or None when too little is known to say. Only the commune missing: yes, if they live in the 62."""
    found = orientation.result(scheme_id)
    name = capitalize(found.scheme.the_name)
    if found.status == INELIGIBLE:
        return Reply(pick(role, "Pour toi : ", "Dans cette situation : ") + " ".join(found.reasons))
    if found.status == ELIGIBLE or set(found.missing) == {"commune"}:
        reasons = [r for r in found.reasons if "{commune}" not in r]
        condition = "" if found.status == ELIGIBLE else pick(role, ", si tu habites le Pas-de-Calais",
                                                              ", pour un jeune qui habite le Pas-de-Calais")
        may = "peuvent" if found.scheme.plural else "peut"
        text = pick(role, f"{name} {may} te correspondre{condition}. ", f"{name} {may} correspondre{condition}. ")
        text += " ".join(reasons[:MAX_REASONS])
        own = [c.text for c, when in found.scheme.checks if when is not None and c.text in found.to_check]
        if own:
            text += " À vérifier : " + own[0]
        if orientation.commune.status == "hors_62":
            text += " " + _door_from_outside(found.scheme, role)
        return Reply(text.strip())
    return None


def _slai_where_settling(role: str | None) -> str:
    """The SLAI of someone who lives outside the 62: the one of the territory they move to."""
    return pick(role, "le SLAI du territoire du Pas-de-Calais où tu t'installes (dis-moi la commune pour son "
                      "numéro) ; en attendant, ta mission locale peut t'aider.",
                "le SLAI du territoire du Pas-de-Calais où le ou la jeune s'installe (indiquez la commune pour "
                "son numéro) ; en attendant, sa mission locale.")


def _door_from_outside(scheme: Scheme, role: str | None) -> str:
    """Where someone who lives outside the 62 turns for a scheme that does not require living there."""
    if scheme.entry.service == "slai":
        return pick(role, "Tu habites hors du Pas-de-Calais : l'entrée passe par ",
                    "Hors du Pas-de-Calais : l'entrée passe par ") + _slai_where_settling(role)
    return pick(role, "Tu habites hors du Pas-de-Calais : un CLLAJ accueille aussi les jeunes qui viennent s'y "
                      "installer.",
                "Hors du Pas-de-Calais : un CLLAJ accueille aussi les jeunes qui viennent s'y installer.")


def fits(verdict: Reply) -> bool:
    """Whether a verdict of `verdict()` says the scheme may fit."""
    return any(f"{may} {what}" in verdict.text for may in ("peut", "peuvent")
               for what in ("te correspondre", "correspondre"))


def structure_verdict(found: SchemeResult) -> Reply | None:
    """Whether a structure of the types given may carry the scheme, in the engine's words."""
    if found.status == INCOMPLETE:
        note = found.to_check[0] if found.to_check else ""
        return Reply(f"Pour {found.scheme.the_name}, c'est à vérifier. {note}".strip()) if note else None
    reason = found.reasons[0] if found.reasons else ""
    return Reply(reason.split(". ", 1)[-1]) if reason else None
