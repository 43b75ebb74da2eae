"""Orientation in the conversation: the questions, why we ask them, the result, "why not X?"."""

from __future__ import annotations

from bot.answers.contacts import departement_contacts, housing_line, slai_line, territory_note
from bot.answers.reply import Button, Reply, bullets, capitalize, intent_payload, is_young, join_fr, pick
from bot.eligibility.engine import ELIGIBLE, INCOMPLETE, INELIGIBLE, Orientation, SchemeResult
from bot.knowledge import knowledge

ROLE_BUTTONS = (
    Button("Un ou une jeune", intent_payload("inform", role="jeune")),
    Button("Un professionnel", intent_payload("inform", role="professionnel")),
    Button("Une structure", intent_payload("inform", role="structure")),
)
YES_NO_BUTTONS = (
    Button("Oui", "/affirm"),
    Button("Non", "/deny"),
    Button("Je ne sais pas", "/dont_know"),
)
STRUCTURE_TYPE_BUTTONS = (
    ("Association", "association_1901"),
    ("Mission locale", "mission_locale"),
    ("École 2e chance", "label_e2c"),
    ("CLLAJ", "cllaj"),
    ("Bailleur social", "bailleur_social"),
    ("Asso agréée FSL", "association_agreee_fsl"),
    ("Structure jeunesse", "structure_accompagnement_jeunes"),
    ("Collectivité, EPCI", "collectivite"),
    ("Entreprise", "entreprise"),
)


def ask_role() -> Reply:
    return Reply(
        "Pour bien vous répondre : vous êtes un ou une jeune, un professionnel qui accompagne un jeune, "
        "ou une structure qui veut répondre à un appel à projets ?",
        ROLE_BUTTONS,
    )


def ask_fact(fact: str, role: str | None) -> Reply:
    """The question for a fact id (age, commune, a situation, structure types)."""
    vocabulary = knowledge().vocabulary
    if fact in vocabulary.questions:
        question = vocabulary.questions[fact]
        text = (question.jeune if is_young(role) else question.pro) or question.pro or question.jeune or ""
        if fact == "structure_types":
            return Reply(text, tuple(Button(t, intent_payload("inform", structure_type=i))
                                     for t, i in STRUCTURE_TYPE_BUTTONS))
        if fact in vocabulary.structure_type_ids:
            return Reply(text, YES_NO_BUTTONS[:2])
        return Reply(text)
    term = vocabulary.situation(fact)
    text = (term.question if is_young(role) else term.question_pro) or term.question or term.label
    return Reply(text, YES_NO_BUTTONS)


def _schemes_concerned(fact: str, orientation: Orientation) -> list[str]:
    return [r.scheme.short_title for r in orientation.results if fact in r.missing]


def why_we_ask(fact: str, orientation: Orientation, role: str | None) -> Reply:
    if fact == "age":
        reason = "chaque dispositif a sa tranche d'âge"
    elif fact == "commune":
        reason = ("certains dispositifs sont pour les habitants du Pas-de-Calais, et "
                  + pick(role, "ton contact dépend de ton territoire", "le contact dépend du territoire"))
    elif fact in ("structure_types", "structure_accompagnement_jeunes"):
        reason = "chaque appel à projets précise quelles structures peuvent le porter"
    else:
        reason = "certains dispositifs sont réservés à cette situation"
    concerned = _schemes_concerned(fact, orientation)
    lines = [pick(role, f"Je te le demande parce que {reason}.", f"Je vous le demande parce que {reason}.")]
    if concerned:
        lines.append(f"La réponse compte pour : {join_fr(concerned)}.")
    lines.append(pick(role, "Tu peux répondre « je ne sais pas » : je ne garde ni ton nom ni ton adresse.",
                      "Vous pouvez répondre « je ne sais pas » : je ne demande ni nom ni adresse."))
    return Reply("\n".join(lines))


def _entry_lines(results: list[SchemeResult], orientation: Orientation, role: str | None) -> list[str]:
    """One line per entry service among `results`: whom to contact next."""
    territory = orientation.territory.territory if orientation.territory else None
    note = territory_note(orientation.commune)
    lines = []
    services = {r.scheme.entry.service for r in results}
    if role == "structure":
        for result in results:
            lines.append(f"{result.scheme.short_title} — {departement_contacts(result.scheme)}.")
        return lines
    if "slai" in services:
        if territory:
            lines.append(pick(role, f"Ton contact : {slai_line(territory)}{note}.",
                              f"Contact : {slai_line(territory)}{note}."))
        else:
            lines.append(pick(role, "Ton contact : le SLAI de ton territoire (dis-moi ta commune pour son numéro).",
                              "Contact : le SLAI du territoire (indiquez la commune pour son numéro)."))
    if "logement" in services:
        lines.append(housing_line(role, territory))
    return lines


def result(orientation: Orientation, role: str | None) -> list[Reply]:
    """The schemes that fit, one sentence each on why, then what to do next."""
    eligible = list(orientation.with_status(ELIGIBLE))
    pending = list(orientation.with_status(INCOMPLETE))
    buttons = (
        Button("Parler à quelqu'un", "/request_human"),
        Button("Autre question", "/ask_orientation"),
    )
    if role in ("jeune", "professionnel") and orientation.result("graine_de").status == ELIGIBLE:
        buttons = (Button("Préparer la fiche", "/request_sheet"), *buttons)
    if orientation.commune.status == "hors_62" and role != "structure":
        place = orientation.commune.outside_name or "Cette commune"
        text = f"{place} n'est pas dans le Pas-de-Calais. "
    else:
        text = ""
    if not eligible and not pending:
        return [Reply(text + _nothing_fits(orientation, role), buttons)]
    replies = []
    if eligible:
        intro = pick(role, "Voici ce qui peut te correspondre :", "Voici ce qui peut correspondre :")
        lines = [r.reasons[0] for r in eligible]
        replies.append(Reply(f"{text}{intro}\n{bullets(lines)}"))
    if pending:
        labels = [f"{r.scheme.short_title} (à vérifier avec un conseiller)" for r in pending]
        replies.append(Reply("Peut-être aussi : " + join_fr(labels) + "."))
    next_steps = _entry_lines(eligible or pending, orientation, role)
    replies.append(Reply("Prochaine étape — " + "\n".join(next_steps), buttons))
    return replies


def _nothing_fits(orientation: Orientation, role: str | None) -> str:
    territory = orientation.territory.territory if orientation.territory else None
    if role == "structure":
        return ("D'après ces informations, votre structure ne peut porter aucun des sept dispositifs. "
                "La DPID du Département peut vous conseiller : " + departement_contacts(knowledge().scheme("faj_co"))
                + ".")
    kind = pick(role, "Je n'ai pas trouvé de dispositif qui te corresponde exactement. Ce n'est pas grave : ",
                "Je n'ai pas trouvé de dispositif qui corresponde exactement. ")
    if territory:
        return kind + pick(role, f"le SLAI peut t'aider à trouver une solution. {slai_line(territory)}.",
                           f"Le SLAI peut aider à trouver une solution : {slai_line(territory)}.")
    return kind + pick(role, "ta mission locale peut t'aider à trouver une solution près de chez toi.",
                       "la mission locale du lieu de résidence peut aider à trouver une solution.")


def why_not(scheme_id: str, orientation: Orientation, role: str | None) -> Reply:
    """The engine's reasons for one scheme ("et pourquoi pas le FAJ Co ?")."""
    found = orientation.result(scheme_id)
    name = capitalize(found.scheme.the_name)
    if found.status == INELIGIBLE:
        return Reply(" ".join(found.reasons))
    if found.status == ELIGIBLE:
        text = pick(role, f"{name} peut te correspondre : ", f"{name} peut correspondre : ") + " ".join(found.reasons)
        if found.to_check:
            text += " À vérifier : " + " ".join(found.to_check)
        return Reply(text)
    vocabulary = knowledge().vocabulary
    missing = [vocabulary.situation(f).label if f in vocabulary.situation_ids else _fact_label(f)
               for f in found.missing]
    return Reply(f"Pour {found.scheme.the_name}, il me manque une information : {join_fr(missing, 'ou')}.",
                 (Button("Continuer", "/ask_orientation"),))


def _fact_label(fact: str) -> str:
    return {"age": "l'âge", "commune": "la commune", "structure_types": "le type de structure",
            "structure_accompagnement_jeunes": "l'expertise dans l'accompagnement des jeunes"}.get(fact, fact)
