"""What the assistant says while filling a prescription sheet."""

from __future__ import annotations

from collections.abc import Sequence

from bot.answers.reply import Button, Reply, bullets, pick, short_title
from bot.prescription.fields import Field
from bot.prescription.models import Sheet
from bot.prescription.notice import first_screen, notice

# The question for each field: (to a young person, to a professional about the young person).
QUESTIONS: dict[str, tuple[str, str]] = {
    "nom": ("Quel est ton nom de famille ?", "Nom de famille du ou de la jeune ?"),
    "prenom": ("Et ton prénom ?", "Son prénom ?"),
    "date_naissance": ("Ta date de naissance ? (par exemple 12/03/2008)",
                       "Sa date de naissance ? (par exemple 12/03/2008)"),
    "commune": ("Dans quelle commune habites-tu ?", "Dans quelle commune habite-t-il ou elle ?"),
    "telephone": ("Ton numéro de téléphone ? (par exemple 06 12 34 56 78)",
                  "Son numéro de téléphone ? (facultatif)"),
    "email": ("Ton adresse e-mail ? (facultatif)", "Son adresse e-mail ? (facultatif)"),
    "derniere_classe": ("Quelle est ta dernière classe, ou ton dernier diplôme ?",
                        "Sa dernière classe ou son dernier diplôme ?"),
    "date_sortie_scolaire": ("Quand as-tu quitté l'école ? (par exemple juin 2024)",
                             "Quand a-t-il ou elle quitté l'école ? (par exemple juin 2024)"),
    "situation_actuelle": ("Que fais-tu en ce moment ? (en quelques mots)", "Sa situation actuelle ?"),
    "mission_locale": ("Es-tu suivi(e) par une mission locale ?", "Est-il ou elle suivi(e) par une mission locale ?"),
    "cej": ("Es-tu en CEJ (contrat d'engagement jeune) ?", "Est-il ou elle en CEJ ?"),
    "pacea": ("Es-tu en PACEA ?", "Est-il ou elle en PACEA ?"),
    "ase": ("Es-tu ou as-tu été confié(e) à l'ASE ?", "Est-il ou elle, ou a-t-il ou elle été, confié(e) à l'ASE ?"),
    "referent_ase_mds": ("Qui est ton référent ASE, et de quelle MDS ? (facultatif)",
                         "Son référent ASE et sa MDS ? (facultatif)"),
    "rsa": ("Touches-tu le RSA ?", "Touche-t-il ou elle le RSA ?"),
    "difficulte_mobilite": ("As-tu du mal à te déplacer (pas de permis, pas de transport) ?",
                            "Des difficultés de mobilité ?"),
    "difficulte_logement": ("As-tu des difficultés de logement ?", "Des difficultés de logement ?"),
    "difficulte_sante": ("As-tu des soucis de santé qui te gênent ? (tu n'as pas à dire lesquels)",
                         "Des difficultés de santé ? (sans détail)"),
    "difficulte_budget": ("As-tu des difficultés d'argent ?", "Des difficultés de budget ?"),
    "difficulte_confiance": ("Manques-tu de confiance en toi ?", "Un manque de confiance en soi ?"),
    "difficulte_autre": ("Une autre difficulté à signaler ? (facultatif)", "Une autre difficulté ? (facultatif)"),
    "souhaits": ("Quels métiers ou secteurs t'intéressent ?", "Les métiers ou secteurs qui l'intéressent ?"),
    "disponibilites": ("Quand es-tu disponible ? (jours, horaires)", "Ses disponibilités ?"),
    "representant_nom": ("Comme tu as moins de 18 ans : nom de ton représentant légal (parent, tuteur) ?",
                         "Il ou elle a moins de 18 ans : nom du représentant légal ?"),
    "representant_telephone": ("Son numéro de téléphone ?", "Téléphone du représentant légal ?"),
    "representant_informe": ("Ton représentant légal est-il au courant de cette demande ?",
                             "Le représentant légal est-il informé ?"),
    "prescripteur_structure": ("", "Votre structure ?"),
    "prescripteur_nom": ("", "Votre nom ?"),
    "prescripteur_telephone": ("", "Votre téléphone ?"),
    "prescripteur_email": ("", "Votre adresse e-mail ?"),
}
YES_NO = (Button("Oui", "/affirm"), Button("Non", "/deny"))
SKIP = Button("Passer", "/dont_know")
CONFIRM = (Button("C'est bon", "/affirm"), Button("Corriger", "/deny"))


CONSENT_BUTTONS = (Button("J'accepte", "/affirm"), Button("Non merci", "/deny"), Button("En savoir plus", "/ask_why"))


def ask_consent(role: str) -> Reply:
    """The first screen of the privacy notice in plain words; "En savoir plus" gives the full text."""
    return Reply(first_screen(role), CONSENT_BUTTONS)


def full_notice(role: str) -> Reply:
    return Reply(notice(role), CONSENT_BUTTONS[:2])


def refused(role: str, slai: str | None) -> Reply:
    where = f" {slai}." if slai else pick(
        role, " Ton SLAI peut le faire avec toi : indique ta commune pour son numéro.",
        " Le SLAI du territoire peut le faire avec vous.")
    return Reply(pick(role, "D'accord, je n'ai rien enregistré. Tu peux faire la fiche par téléphone :",
                      "D'accord, rien n'est enregistré. La fiche peut se faire par téléphone :") + where)


def ask_field(target: Field, role: str) -> Reply:
    young, pro = QUESTIONS[target.id]
    text = young if role == "jeune" else pro
    buttons: tuple[Button, ...] = YES_NO if target.kind == "oui_non" else ()
    if not target.required:
        buttons += (SKIP,)
    return Reply(text, buttons)


def why_field(role: str) -> Reply:
    return Reply(pick(role, "Le SLAI a besoin de ces informations pour valider ta fiche et te recontacter. "
                            "Elles ne vont qu'à lui. Tu peux écrire « stop » pour arrêter : rien ne sera gardé.",
                      "Le SLAI a besoin de ces informations pour valider la fiche et recontacter le ou la jeune. "
                      "Elles ne vont qu'à lui. Écrivez « stop » pour arrêter : rien ne sera gardé."))


def summary(rows: Sequence[tuple[Field, str]], role: str) -> Reply:
    lines = [f"{f.label} : {shown or '—'}" for f, shown in rows]
    intro = pick(role, "Voici ta fiche. Tout est juste ?", "Voici la fiche. Tout est juste ?")
    return Reply(f"{intro}\n{bullets(lines)}", CONFIRM)


def which_to_correct(fields: Sequence[Field], role: str) -> Reply:
    text = pick(role, "Quelle information veux-tu corriger ? (par exemple « téléphone »)",
                "Quelle information corriger ? (par exemple « téléphone »)")
    buttons = tuple(Button(short_title(f.label), f'/inform{{"sheet_field": "{f.id}"}}') for f in fields[:10])
    return Reply(text, buttons)


def saved(sheet: Sheet, slai: str, role: str) -> Reply:
    if sheet.status.value == "brouillon":
        text = pick(role, f"Ta fiche est enregistrée sous la référence {sheet.reference}, en brouillon : ton "
                          "représentant légal doit être informé avant qu'elle parte. Le SLAI va te recontacter. "
                          f"{slai}.",
                    f"La fiche est enregistrée sous la référence {sheet.reference}, en brouillon : le représentant "
                    f"légal doit être informé avant qu'elle parte. Le SLAI va vous recontacter. {slai}.")
    else:
        text = pick(role, f"C'est fait ! Ta fiche est transmise au SLAI sous la référence {sheet.reference}. "
                          f"Garde cette référence. {slai}.",
                    f"C'est fait : la fiche est transmise au SLAI sous la référence {sheet.reference}. {slai}.")
    return Reply(text)


def not_here(role: str, slai: str | None) -> Reply:
    """On Messenger and Instagram, a sheet (often a minor's) never passes through Meta."""
    contact = f" Ou appelle : {slai}." if slai and role == "jeune" else (f" Ou par téléphone : {slai}." if slai else "")
    return Reply(pick(role, "Pour protéger tes données, la fiche ne se remplit pas ici : fais-la sur le site du "
                            "Département, dans la fenêtre de discussion Cap Jeunes 62." + contact,
                      "Pour protéger les données, la fiche ne se remplit pas ici : utilisez la fenêtre de "
                      "discussion Cap Jeunes 62 sur le site du Département." + contact))


def stopped(role: str) -> Reply:
    return Reply(pick(role, "D'accord, on arrête la fiche : je n'ai rien gardé.",
                      "D'accord, la fiche est abandonnée : rien n'est gardé."))

