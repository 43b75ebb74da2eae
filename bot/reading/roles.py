"""Who is speaking, from their words.

- "je suis éducatrice", "je suis conseiller à la mission locale", "un jeune que j'accompagne":
  a professional;
- "ma fille", "mon fils" with an age or a situation of theirs ("ma fille a 16 ans", "mon fils a
  arrêté le lycée"): a parent or relative (`proche`), spoken to with "vous", about the young person;
- "on est une asso", "nous sommes un bailleur", "notre CLLAJ", "je représente une association":
  a structure;
- "je suis un jeune", "c'est pour moi", or the first person with one's own age or situation
  ("j'ai 19 ans", "je suis à la rue", "jsuis en CEJ à la mission locale"): a young person.
A correction ("mais non, je suis un jeune") is a role said again: the last word wins.
"""

from __future__ import annotations

from bot.reading.words import PhraseTable, Words

JEUNE, PRO, STRUCTURE, PROCHE = "jeune", "professionnel", "structure", "proche"

def _jobs() -> list[str]:
    """Job titles of the professionals who accompany young people."""
    return [
        "educateur", "educatrice", "educateur specialise", "educatrice specialisee", "conseiller", "conseillere",
        "cip", "assistant social", "assistante sociale", "travailleur social", "travailleuse sociale", "referent",
        "referente", "cesf", "coach jeunesse", "coordo ase", "coordinateur", "coordinatrice", "animateur",
        "animatrice", "psychologue", "infirmier", "infirmiere", "professeur", "prof", "cpe", "mediateur",
        "mediatrice", "intervenant social", "intervenante sociale", "charge d insertion", "chargee d insertion",
        "professionnel", "professionnelle", "pro", "chef de service",
    ]


# Where professionals who write about "un résident" or "un jeune" work.
_WORKPLACES = (
    "chrs", "foyer", "mecs", "lieu de vie", "centre social", "mission locale", "mds", "maison du departement",
    "association", "asso", "ccas", "cada", "huda", "fjt", "foyer de jeunes travailleurs", "ime", "itep", "pjj",
    "service social", "service", "structure", "lycee", "college", "etablissement", "accueil de jour",
    "pension de famille", "residence sociale", "cllaj", "e2c", "ase", "departement", "club de prevention",
    "prevention specialisee", "centre d hebergement", "hebergement d urgence",
)
_AT = ("dans un", "dans une", "dans le", "dans la", "en", "au", "a la", "a l", "pour un", "pour une", "pour le",
       "pour la", "a")

_TABLE = PhraseTable.build([
    # professionals
    *((f"je suis {job}", PRO) for job in _jobs()),
    *((f"je suis un {job}", PRO) for job in _jobs()),
    *((f"je suis une {job}", PRO) for job in _jobs()),
    *((f"en tant que {job}", PRO) for job in _jobs()),
    ("j accompagne un jeune", PRO), ("j accompagne une jeune", PRO), ("j accompagne des jeunes", PRO),
    ("que j accompagne", PRO), ("que je suis en accompagnement", PRO),
    ("un de mes jeunes", PRO), ("une de mes jeunes", PRO), ("mes jeunes", PRO), ("mon public", PRO),
    ("je travaille a la mission locale", PRO), ("je travaille en mission locale", PRO),
    ("je travaille a l ase", PRO), ("je travaille dans un foyer", PRO), ("je travaille en foyer", PRO),
    ("je travaille au departement", PRO), ("je travaille a la mds", PRO), ("je travaille en mecs", PRO),
    ("pour un jeune", PRO), ("pour une jeune", PRO), ("orienter un jeune", PRO), ("orienter une jeune", PRO),
    *((f"{job} {where}", PRO) for job in _jobs() for where in ("en", "a", "au", "dans", "chez", "de")),
    ("d un jeune", PRO), ("d une jeune", PRO), ("un jeune qui", PRO), ("une jeune qui", PRO), ("ce jeune", PRO),
    ("cette jeune", PRO), ("le jeune que", PRO), ("la jeune que", PRO), ("un jeune de", PRO), ("une jeune de", PRO),
    ("un des jeunes", PRO), ("une des jeunes", PRO), ("je prepare la sortie", PRO), ("mon accompagne", PRO),
    ("mon usager", PRO), ("ma collegue", PRO), ("mon equipe", PRO), ("notre service", PRO),
    ("prescrire", PRO), ("je suis prescripteur", PRO), ("je suis prescriptrice", PRO),
    ("un usager", PRO), ("une usagere", PRO), ("un beneficiaire", PRO), ("une beneficiaire", PRO),
    *((f"je travaille {where} {place}", PRO) for where in _AT for place in _WORKPLACES),
    ("un resident", PRO), ("une residente", PRO), ("nos residents", PRO), ("nous accueillons", PRO),
    ("nous accompagnons", PRO), ("on accompagne un", PRO), ("on accompagne une", PRO),
    ("je suis pas un jeune", PRO), ("je ne suis pas un jeune", PRO), ("je suis pas une jeune", PRO),
    ("je ne suis pas une jeune", PRO),
    # parents and relatives
    ("ma fille", PROCHE), ("mon fils", PROCHE), ("mon enfant", PROCHE), ("mon ado", PROCHE),
    ("mon neveu", PROCHE), ("ma niece", PROCHE), ("mon petit fils", PROCHE), ("ma petite fille", PROCHE),
    ("mon frere", PROCHE), ("ma soeur", PROCHE), ("je suis sa mere", PROCHE), ("je suis son pere", PROCHE),
    ("je suis maman", PROCHE), ("je suis papa", PROCHE), ("je suis parent", PROCHE), ("en tant que parent", PROCHE),
    *((f"je suis {who}", PROCHE) for who in (
        "la tante", "sa tante", "l oncle", "son oncle", "la grand mere", "sa grand mere", "le grand pere",
        "son grand pere", "la soeur", "sa soeur", "le frere", "son frere", "la marraine", "sa marraine",
        "le parrain", "son parrain", "la mere", "le pere", "sa belle mere", "son beau pere", "la cousine",
        "le cousin", "sa cousine", "son cousin", "une amie de la famille", "un ami de la famille")),
    ("mon petit fils", PROCHE), ("ma petite fille", PROCHE), ("mon cousin", PROCHE), ("ma cousine", PROCHE),
    # structures
    ("on est une asso", STRUCTURE), ("on est une association", STRUCTURE), ("nous sommes une association", STRUCTURE),
    ("nous sommes une asso", STRUCTURE), ("nous sommes un bailleur", STRUCTURE), ("on est un bailleur", STRUCTURE),
    ("nous sommes une mission locale", STRUCTURE), ("nous sommes un cllaj", STRUCTURE), ("on est un cllaj", STRUCTURE),
    ("notre association", STRUCTURE), ("notre asso", STRUCTURE), ("notre structure", STRUCTURE),
    ("notre cllaj", STRUCTURE), ("notre mission locale", STRUCTURE), ("notre centre social", STRUCTURE),
    ("notre bailleur", STRUCTURE), ("notre organisme", STRUCTURE), ("notre e2c", STRUCTURE),
    ("mon association", STRUCTURE), ("mon asso", STRUCTURE), ("ma structure", STRUCTURE),
    ("je represente une association", STRUCTURE), ("je represente une asso", STRUCTURE),
    ("je represente un bailleur", STRUCTURE), ("je represente une structure", STRUCTURE),
    ("je dirige une association", STRUCTURE), ("je dirige une asso", STRUCTURE),
    ("directeur d une association", STRUCTURE), ("directrice d une association", STRUCTURE),
    ("president d une association", STRUCTURE), ("presidente d une association", STRUCTURE),
    ("porteur de projet", STRUCTURE), ("porteuse de projet", STRUCTURE), ("porteurs de projet", STRUCTURE),
    ("nous sommes une structure", STRUCTURE), ("on est une structure", STRUCTURE),
    ("on est une mission locale", STRUCTURE), ("on est un centre social", STRUCTURE), ("on est une e2c", STRUCTURE),
    ("on est une ecole de la deuxieme chance", STRUCTURE), ("on est un bailleur social", STRUCTURE),
    ("on est une association", STRUCTURE), ("nous sommes une e2c", STRUCTURE),
    ("nous sommes un centre social", STRUCTURE), ("nous sommes une ecole de la deuxieme chance", STRUCTURE),
    ("notre ecole", STRUCTURE), ("notre epci", STRUCTURE), ("notre communaute de communes", STRUCTURE),
    ("une communaute de communes", STRUCTURE), ("nous representons", STRUCTURE), ("je represente", STRUCTURE),
    ("nous sommes un organisme", STRUCTURE), ("nous voulons deposer", STRUCTURE), ("on veut deposer", STRUCTURE),
    ("nous souhaitons deposer", STRUCTURE), ("nous voulons repondre", STRUCTURE), ("on veut repondre", STRUCTURE),
    ("nous souhaitons repondre", STRUCTURE), ("bailleur social", STRUCTURE),
    *((f"je suis {title}", STRUCTURE) for title in (
        "le directeur", "la directrice", "directeur", "directrice", "le president", "la presidente", "president",
        "presidente", "le responsable de l association", "la responsable de l association")),
    *((f"{title} de {what}", STRUCTURE) for title in ("directeur", "directrice", "president", "presidente")
      for what in ("l association", "la structure", "l asso", "notre association", "la mission locale", "l e2c")),
    ("je dirige une", STRUCTURE), ("je dirige un", STRUCTURE), ("je dirige l", STRUCTURE),
    ("je preside une", STRUCTURE), ("je preside un", STRUCTURE), ("je preside l", STRUCTURE),
    ("notre club", STRUCTURE), ("mon club", STRUCTURE), ("president du club", STRUCTURE),
    ("presidente du club", STRUCTURE), ("president d un club", STRUCTURE), ("presidente d un club", STRUCTURE),
    # young people speaking for themselves
    ("je suis un jeune", JEUNE), ("je suis une jeune", JEUNE), ("je suis jeune", JEUNE), ("c est pour moi", JEUNE),
    ("pour moi meme", JEUNE), ("c pour moi", JEUNE), ("moi je suis jeune", JEUNE), ("je suis le jeune", JEUNE),
    ("je suis la jeune", JEUNE), ("je parle pour moi", JEUNE), ("je suis concerne", JEUNE),
    ("je suis concernee", JEUNE), ("je suis pas un pro", JEUNE), ("je suis pas pro", JEUNE),
    ("je ne suis pas un professionnel", JEUNE), ("je suis un ado", JEUNE), ("je suis une ado", JEUNE),
    ("je suis mineur", JEUNE), ("je suis mineure", JEUNE), ("je suis majeur", JEUNE), ("je suis majeure", JEUNE),
])

# First-person words that, with the person's own age or situation, say a young person speaks.
_FIRST_PERSON = frozenset({"je", "j", "moi", "me", "m", "mon", "ma", "mes"})


_JOB_TITLES = PhraseTable.build((job, PRO) for job in _jobs() if job not in ("pro", "prof", "coordo ase"))
_OPENING = 3  # words in which a professional gives their job first: "Référente ASE : un jeune…"


def stated_role(message: Words) -> str | None:
    """The role the words say outright, the last one if several ("mais non, je suis un jeune"), or
    a job title opening the message ("Référente ASE : un jeune sorti de l'ASE…")."""
    roles = [value for clause in message.clauses for _, _, value in _TABLE.matches(clause)]
    if roles:
        return roles[-1]
    opening = message.all[:_OPENING]
    return PRO if any(start == 0 for start, _, _ in _JOB_TITLES.matches(opening)) else None


_CALLS = PhraseTable.build((p, "call") for p in (
    "appel a projets", "appels a projets", "aap", "candidater", "candidature", "candidate", "deposer un dossier",
    "deposer notre dossier", "deposer une candidature", "deposer un projet", "subvention", "porteur", "porteurs",
    "e partenaire", "epartenaire", "convention", "conventionnement", "notre action", "notre projet",
    "notre dossier", "repondre a l appel", "porter un", "porter des", "pouvons nous", "peut on porter",
    "notre association", "notre asso", "notre structure", "notre centre social", "depot du dossier",
    "deposer le dossier", "le dossier de candidature", "joindre au dossier", "dossier de demande",
    "demande de subvention", "demande de financement", "peut on repondre", "pouvons nous repondre",
))


def speaks_of_calls(message: Words) -> bool:
    """The words of the calls for projects ("candidater", "AAP", "E partenaire"): a structure's question."""
    return bool(_CALLS.matches(message.all))


def speaks_for_self(message: Words) -> bool:
    """The message is in the first person ("je", "j'", "moi")."""
    return bool(_FIRST_PERSON & set(message.all))
