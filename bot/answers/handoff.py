"""What the assistant says around a handoff to a person: the offer, the questions, the receipt,
the pause and the return of the assistant, and the adviser's messages."""

from __future__ import annotations

from collections.abc import Sequence

from bot.answers.contacts import housing_line, slai_line
from bot.answers.reply import Button, Reply, pick
from bot.answers.safety import urgent_line
from bot.handoff.dialogue import EMAIL, MODE, PHONE, WHEN, modes_for
from bot.handoff.models import RETENTION_MONTHS, ContactRequest, PreferredContact, RequestKind
from bot.knowledge import Territory, knowledge

MODE_TITLES = {PreferredContact.ICI: "Ici, par écrit", PreferredContact.TELEPHONE: "Par téléphone",
               PreferredContact.EMAIL: "Par e-mail"}
HOW = {PreferredContact.ICI: "ici même", PreferredContact.TELEPHONE: "par téléphone",
       PreferredContact.EMAIL: "par e-mail"}
WHEN_TITLES = ("Dès que possible", "Le matin", "L'après-midi", "En fin de journée")


def offer(role: str | None, territory: Territory | None) -> Reply:
    """A person can take over: the phone now, and the offer to pass the request on."""
    phone = pick(role, f" Tu peux aussi appeler : {slai_line(territory)}.",
                 f" Vous pouvez aussi appeler : {slai_line(territory)}.") if territory else ""
    text = pick(role, "Une personne du Département (le SLAI de ton territoire) peut prendre le relais. Je lui "
                      "transmets ta demande ?",
                "Une personne du Département (le SLAI de votre territoire) peut prendre le relais. Je lui transmets "
                "votre demande ?")
    return Reply(text + phone, (Button("Oui, transmettre", "/affirm"), Button("Non merci", "/deny")))


def ask(step: str, role: str | None, channel: str | None) -> Reply:
    if step == MODE:
        buttons = tuple(Button(MODE_TITLES[m], MODE_TITLES[m]) for m in modes_for(channel))
        return Reply(pick(role, "Comment veux-tu qu'on te recontacte ?", "Comment souhaitez-vous être recontacté(e) ?"),
                     buttons)
    if step == PHONE:
        return Reply(pick(
            role,
            f"À quel numéro ? Il sert seulement au SLAI pour t'appeler et il est effacé {RETENTION_MONTHS} mois "
            "après la fin de ta demande. (par exemple 06 12 34 56 78)",
            f"À quel numéro ? Il sert seulement au SLAI pour vous appeler et il est effacé {RETENTION_MONTHS} mois "
            "après la fin de la demande. (par exemple 06 12 34 56 78)"))
    if step == EMAIL:
        return Reply(pick(
            role,
            f"À quelle adresse e-mail ? Elle sert seulement au SLAI pour t'écrire et elle est effacée "
            f"{RETENTION_MONTHS} mois après la fin de ta demande.",
            f"À quelle adresse e-mail ? Elle sert seulement au SLAI pour vous écrire et elle est effacée "
            f"{RETENTION_MONTHS} mois après la fin de la demande."))
    if step == WHEN:
        return Reply(pick(role, "Quand es-tu disponible ?", "Quand êtes-vous disponible ?"),
                     tuple(Button(t, t) for t in WHEN_TITLES))
    raise ValueError(step)


def receipt(role: str | None, request: ContactRequest, territory: Territory, alert: Sequence[str] = (),
            age: int | None = None) -> Reply:
    """The request is made: its reference, who answers and within what delay, and the phone meanwhile:
    for a person who spoke of danger (`alert`), the emergency number, never an office's."""
    days = knowledge().service.callback_working_days
    how = HOW.get(request.preferred_contact, "")
    delay = f"sous {days} jours ouvrés" if days > 1 else "sous 1 jour ouvré"
    who = (f"Une personne du Département ({territory.name}, logement)" if request.kind == RequestKind.LOGEMENT
           else f"Une personne du SLAI {territory.of_name}")
    lines = [pick(role, f"C'est transmis (référence {request.reference}). {who} te recontacte {how}, {delay}.",
                  f"C'est transmis (référence {request.reference}). {who} vous recontacte {how}, {delay}.")]
    if request.kind == RequestKind.LOGEMENT:
        lines.append(housing_line(role, territory))
    if alert:
        lines.append(urgent_line(alert, age, role))
    else:
        lines.append(pick(role, f"Si c'est urgent, appelle : {slai_line(territory)}.",
                          f"Si c'est urgent : {slai_line(territory)}."))
    if request.preferred_contact == PreferredContact.ICI:
        lines.append(pick(role, "Quand la personne répondra, l'assistant se taira. Écris « annuler » pour revenir à "
                                "l'assistant.",
                          "Quand la personne répondra, l'assistant se taira. Écrivez « annuler » pour revenir à "
                          "l'assistant."))
    return Reply(" ".join(lines))


def sheet_follow_up(role: str | None, reference: str) -> Reply:
    days = knowledge().service.callback_working_days
    return Reply(pick(role, f"Une personne du SLAI te recontacte sous {days} jours ouvrés (demande {reference}).",
                      f"Une personne du SLAI vous recontacte sous {days} jours ouvrés (demande {reference})."))


def stopped(role: str | None, territory: Territory | None) -> Reply:
    phone = pick(role, f" Tu peux toujours appeler : {slai_line(territory)}.",
                 f" Vous pouvez toujours appeler : {slai_line(territory)}.") if territory else ""
    return Reply(pick(role, "D'accord, je ne transmets rien.", "D'accord, je ne transmets rien.") + phone)


def why(role: str | None) -> Reply:
    return Reply(pick(role, "Ces réponses servent seulement à la personne du SLAI pour te recontacter comme tu "
                            "préfères. Rien d'autre n'en est fait. Écris « annuler » pour tout arrêter.",
                      "Ces réponses servent seulement à la personne du SLAI pour vous recontacter comme vous le "
                      "souhaitez. Écrivez « annuler » pour tout arrêter."))


def no_territory(role: str | None) -> Reply:
    return Reply(pick(role, "Sans commune du Pas-de-Calais, je ne sais pas à quel SLAI transmettre. Tu peux appeler "
                            "le SLAI de ton choix :",
                      "Sans commune du Pas-de-Calais, je ne sais pas à quel SLAI transmettre. Vous pouvez appeler le "
                      "SLAI de votre choix :"),
                 (Button("Voir tous les SLAI", '/ask_contact{"territoire": "tous"}'),))


def already_open(role: str | None, reference: str) -> Reply:
    return Reply(pick(role, f"Ta demande {reference} est déjà transmise : une personne va te recontacter.",
                      f"Votre demande {reference} est déjà transmise : une personne va vous recontacter."))


def paused(role: str | None) -> Reply:
    return Reply(pick(role, "Une personne du SLAI prend le relais ici. L'assistant ne répond plus pour l'instant. "
                            "Écris « annuler » pour revenir à l'assistant.",
                      "Une personne du SLAI prend le relais ici. L'assistant ne répond plus pour l'instant. Écrivez "
                      "« annuler » pour revenir à l'assistant."))


def resumed(role: str | None) -> Reply:
    return Reply(pick(role, "C'est de nouveau l'assistant automatique. Que veux-tu faire ?",
                      "C'est de nouveau l'assistant automatique. Que souhaitez-vous faire ?"),
                 (Button("Trouver une aide", "/ask_orientation"), Button("Un contact", "/ask_contact")))


def adviser_message(author_label: str, text: str) -> str:
    return f"{author_label} (SLAI) : {text}"
