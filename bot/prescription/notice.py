"""The short privacy notice shown before the first personal question, and the retention periods.

The full text is docs/confidentialite.md, served at `/confidentialite`. The retention periods
here are the ones `bot.privacy.purge` applies by default; the documents quote the same numbers
(a test checks it).

Legal basis: the Département processes these data for its public-interest mission of social
and professional inclusion of young people (article 6.1.e of the GDPR; Code de l'action sociale
et des familles, and the "Parcours inclusion jeunes" schemes it runs). The person's explicit
"oui" before anything is collected is an additional guarantee, not the legal basis: a consent
given to a public authority one depends on is hardly "free" under the GDPR, and making it the
basis would let a withdrawal block a sheet the SLAI must keep to follow the young person. It
also covers the one health-related answer (difficulty with health, yes/no) under article 9.2.a.
"""

from __future__ import annotations

CONTROLLER = "Département du Pas-de-Calais"
PRIVACY_PATH = "/confidentialite"
LEGAL_BASIS = "mission d'intérêt public du Département (article 6.1.e du RGPD)"
ERASE_PHRASE = "supprime mes données"

SHEET_RETENTION_MONTHS = 12         # after the sheet's last status change
CONVERSATION_RETENTION_MONTHS = 6   # after the conversation's last message
MAX_NOTICE_LENGTH = 700

_TU = (
    "Avant de remplir ta fiche, un mot sur tes données. Le Département du Pas-de-Calais en est responsable : "
    "elles servent à préparer ta fiche de prescription, pour sa mission d'intérêt public d'insertion des jeunes "
    "(RGPD, art. 6.1.e), et on te demande ton accord en plus. Ta fiche va au SLAI de ton territoire, à personne "
    "d'autre. Elle est gardée {sheets} mois après sa dernière mise à jour, la conversation {conversations} mois. "
    "Pour en avoir une copie ou tout effacer : écris « {erase} » ici, ou écris au délégué à la protection des "
    "données du Département. Tout est expliqué ici : {url}"
)
_VOUS = (
    "Avant de remplir la fiche, un mot sur les données. Le Département du Pas-de-Calais en est responsable : "
    "elles servent à préparer la fiche de prescription, pour sa mission d'intérêt public d'insertion des jeunes "
    "(RGPD, art. 6.1.e), et nous vous demandons votre accord en plus. La fiche va au SLAI du territoire, à "
    "personne d'autre. Elle est gardée {sheets} mois après sa dernière mise à jour, la conversation "
    "{conversations} mois. Pour en avoir une copie ou tout effacer : écrivez « {erase} » ici, ou écrivez au "
    "délégué à la protection des données du Département. Tout est expliqué ici : {url}"
)


_FIRST_TU = (
    "Pour ta fiche, je vais te demander ton nom, ta date de naissance et comment te joindre. Ça va seulement au "
    "SLAI de ton territoire, et c'est effacé {sheets} mois après. Tu es d'accord ?"
)
_FIRST_VOUS = (
    "Pour la fiche, je vais demander le nom du ou de la jeune, sa date de naissance et comment le ou la joindre. "
    "Ces informations vont seulement au SLAI du territoire et sont effacées {sheets} mois après. D'accord ?"
)
MAX_FIRST_SCREEN = 260


def first_screen(role: str) -> str:
    """The notice's first screen, in plain words: what is asked, who gets it, for how long; the
    full text (`notice`) is one tap away."""
    return (_FIRST_TU if role == "jeune" else _FIRST_VOUS).format(sheets=SHEET_RETENTION_MONTHS)


def notice(role: str, privacy_url: str = PRIVACY_PATH) -> str:
    """The notice for `role` ("jeune": tu; "professionnel" or "structure": vous).

    `privacy_url` is the link to the full page (the channel may make it absolute).
    """
    template = _TU if role == "jeune" else _VOUS
    return template.format(
        sheets=SHEET_RETENTION_MONTHS,
        conversations=CONVERSATION_RETENTION_MONTHS,
        erase=ERASE_PHRASE,
        url=privacy_url,
    )
