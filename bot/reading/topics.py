"""What a message asks: topics about the schemes, in the order asked, and terms to define.

"le montant et la date limite du FAJ Co ?" asks two topics, funding then deadline. A topic
more precise than "what is it" ("c'est quoi le montant") replaces it. "c quoi rsa" asks the
meaning of a term of the glossary; "c'est quoi le CLLAJ" asks about a scheme.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from bot.knowledge import knowledge
from bot.reading.roles import stated_role
from bot.reading.words import PhraseTable, Words

INFO, PUBLIC, CARRIERS, DEADLINE, PERIOD, FUNDING, PAYMENT = (
    "info", "public", "carriers", "deadline", "period", "funding", "payment")
EVALUATION, INDICATORS, PROCEDURE, CONTACT, VOLUMES, CONTENTS, ELIGIBILITY, DEFINITION = (
    "evaluation", "indicators", "procedure", "contact", "volumes", "contents", "eligibility", "definition")
# What a young person pays; whether they are paid; whether a relative may call instead.
COST, PAID, ON_BEHALF = "cost", "paid", "on_behalf"
# "ça se passe comment ?": how the scheme goes, unless the message names what it asks about ("et le
# versement, ça se passe comment ?" asks the payment).
_HOW = "how"
_PHRASES: dict[str, tuple[str, ...]] = {
    DEADLINE: (
        "date limite", "date de depot", "date de cloture", "cloture", "ferme quand", "ferme le", "jusqu a quand",
        "c est quand", "quand est ce que ca", "quand ca ferme", "quand ca ouvre", "ouvert quand", "ouvre quand",
        "les dates", "la date", "quelle date", "delai de depot", "calendrier", "echeance", "deadline",
        "quand deposer", "deposer quand", "deposer avant quand", "postuler quand",
        "quand postuler", "c est ouvert", "est ouvert", "encore ouvert", "toujours ouvert",
        "ouverture", "appel a projets ouvert", "prochaine session", "session", "trop tard", "quand s inscrire",
        "quand commence", "quand ca commence", "ca commence quand", "commence quand", "dates", "ouverts",
        "sont ouverts", "encore deposer", "encore repondre", "encore candidater", "encore postuler",
        "encore ouvert", "peut encore", "en ce moment ouverts",
    ),
    PERIOD: (
        "duree", "combien de temps", "dure combien", "ca dure", "dure", "periode", "conventionnement",
        "duree de la convention", "combien de mois", "date de debut", "date de fin", "demarre quand",
        "ca demarre quand", "prolongation", "prolonger",
    ),
    FUNDING: (
        "montant", "montants", "plafonds", "enveloppes", "subventions", "combien d argent", "combien ca rapporte",
        "combien on peut avoir", "des sous", "du fric", "de la thune", "des thunes",
        "financement", "finance", "financer", "financee", "finances", "financable", "financables", "budget",
        "enveloppe", "plafond",
        "subvention", "argent", "euros", "frais", "depenses", "charges", "cout", "ca paie quoi",
        "ca finance quoi", "etp", "aide financiere", "combien", "prise en charge des frais", "somme",
    ),
    PAYMENT: (
        "versement", "versements", "verse", "versee", "versees", "verses", "sont versees", "est versee", "avance",
        "acompte", "solde", "paiement", "paiements",
        "paye quand", "payes quand", "quand on est paye", "quand on touche", "quand est ce qu on touche",
        "premier versement", "pourcentage",
    ),
    EVALUATION: (
        "bilan", "bilans", "bilan final", "bilan intermediaire", "evaluation", "evaluer", "rapport",
        "compte rendu", "reporting", "comite de suivi", "comites de suivi", "tableau de bord", "tableau de suivi",
        "rendre compte", "fiche bilan", "quel suivi", "le suivi", "suivi pendant", "suivi des operations",
        "tableau mensuel", "tableau", "comites",
    ),
    INDICATORS: ("indicateur", "indicateurs", "charte qualite", "criteres d evaluation", "notation", "points",
                 "combien de points", "rapporte combien"),
    PROCEDURE: (
        "comment faire", "comment on fait", "comment je fais", "comment faut il", "comment deposer", "deposer",
        "depot", "candidater", "candidature", "postuler", "s inscrire", "m inscrire", "inscription", "demarche",
        "demarches", "dossier", "e partenaire", "epartenaire", "procedure", "comment ca marche",
        "comment y acceder", "comment en beneficier", "comment l avoir", "comment avoir", "marche a suivre",
        "quoi envoyer", "quelles pieces", "pieces", "justificatifs", "documents", "annexe", "devis", "fournir",
        "comment y entrer", "comment rentrer", "comment entrer", "comment s y prendre", "par ou commencer",
        "comment demander", "faire une demande", "on fait quoi", "que doit on faire", "joindre au dossier",
        "faut il joindre", "faut joindre",
    ),
    CONTACT: (
        "contact", "contacts", "contacter", "numero", "telephone", "tel", "joindre", "appeler", "qui appeler",
        "mail", "email", "adresse mail", "interlocuteur", "qui contacter", "a qui m adresser",
        "a qui s adresser", "coordonnees", "mon slai", "quel slai", "le slai de", "le slai d", "son numero",
        "qui je peux appeler", "a qui je peux parler", "qui peut m aider", "je m adresse a qui",
        "je dois appeler qui", "qui appeler", "c est ou", "est ou", "ou aller", "ou trouver", "ou est le",
        "ou s adresser",
        "je vais ou", "on va ou", "aller ou", "ou je vais", "ou je dois aller", "ou se renseigner",
        "je dois aller ou", "cherche un cllaj", "cherche le cllaj", "trouver un cllaj", "slai de", "slai d",
        "le numero", "numero d",
    ),
    PUBLIC: (
        "pour qui", "c est pour qui", "qui a droit", "age minimum", "age maximum", "age max", "age min",
        "quel age", "a partir de quel age", "jusqu a quel age", "limite d age", "conditions", "criteres",
        "public", "ouvert a", "eligible", "eligibles", "eligibilite", "qui est concerne", "tranche d age",
        "qui peut en beneficier", "qui peut y aller", "qui peut participer", "qui peut etre accompagne",
        "a quel age", "quelles conditions",
    ),
    CARRIERS: (
        "porter un projet", "porter le projet", "porter ce projet", "porteur", "porteurs", "porteuse",
        "qui peut porter", "qui peut deposer", "quelles structures", "structures eligibles", "quel type de structure",
        "quelle structure", "peut candidater", "peut repondre", "qui peut candidater", "qui peut repondre",
        "porter un", "porter des", "pouvons nous porter", "peut on porter", "peut porter", "pouvons nous repondre",
        "peut on repondre", "pouvons nous candidater", "peut on candidater", "peut elle porter", "peut il porter",
        "peut elle candidater", "peut il candidater", "peut elle repondre", "peut il repondre", "a quels",
        "a quel appel", "quels appels", "quels aap", "auxquels", "lesquels", "quels dispositifs",
    ),
    VOLUMES: (
        "combien de jeunes", "nombre de jeunes", "combien de places", "nombre de places", "objectif chiffre",
        "objectifs chiffres", "volume", "volumes", "volumetrie", "file active", "places",
        "combien d accompagnements", "nombre d accompagnements",
    ),
    CONTENTS: (
        "en quoi ca consiste", "ca consiste en quoi", "consiste", "contenu", "ce qu on y fait", "on y fait quoi",
        "deroulement", "frequence", "rencontres", "etapes",
        "les etapes", "quelles etapes", "ce qu on attend", "on attend", "doit proposer", "doivent proposer",
        "attend", "attendus", "quels logements", "apres l arrivee", "apres son arrivee", "a l arrivee",
        "difference entre", "la difference",
        "visites", "visite", "mesure simple", "mesure renforcee", "bail glissant", "ateliers", "phases",
        "au programme", "le programme", "quoi comme accompagnement", "quel accompagnement", "ce que ca apporte",
        "a quoi ca sert", "ca sert a quoi", "thematiques", "themes",
    ),
    INFO: (
        "c est quoi", "qu est ce que", "qu est ce", "presente moi", "presentez moi", "explique moi",
        "expliquez moi", "kesako", "en savoir plus", "infos sur", "info sur", "renseignements sur",
        "des infos", "des informations", "parle moi", "parlez moi", "c quoi", "c koi", "definition",
        "c est quel", "quel service", "c est qui", "c est quoi comme",
    ),
    ELIGIBILITY: (
        "j ai droit", "ai je droit", "est ce que je peux", "je peux avoir", "je peux beneficier",
        "je suis eligible", "il a droit", "elle a droit", "ca marche pour moi", "pour moi", "mon cas",
        "je rentre dans", "je peux y aller", "je peux en profiter", "je peux faire", "il peut", "elle peut",
        "peut il", "peut elle", "y a droit", "j y ai droit", "encore possible", "toujours possible",
        "est il encore possible", "c est possible", "c possible", "est ce possible", "possible pour",
        "ca passe", "ca passe quand meme", "c est bon pour", "ils peuvent", "elles peuvent",
    ),
    COST: ("on doit payer", "je dois payer", "faut payer", "il faut payer", "c est payant", "payant", "ca coute",
           "c est gratuit", "gratuit", "payer quelque chose", "doit payer", "dois payer", "combien je paye",
           "combien je paie", "ca me coute", "a ma charge", "a sa charge", "frais pour le jeune"),
    PAID: ("on me paye", "on me paie", "c est paye", "paye ou pas", "je suis paye", "je serai paye", "suis je paye",
           "on est paye",
           "c est remunere", "remunere", "remuneree", "remuneration", "une paye", "je touche", "on touche",
           "un salaire", "payer pour y aller", "paye si j y vais", "paye pour y aller"),
    ON_BEHALF: ("a sa place", "a leur place", "appeler pour lui", "appeler pour elle", "appeler pour mon",
                "appeler pour ma", "faire la demande pour lui", "faire la demande pour elle", "le faire pour lui",
                "le faire pour elle", "peut on appeler pour",
                "appeler moi meme", "doit appeler lui meme", "doit appeler elle meme"),
    _HOW: ("ca se passe comment", "comment ca se passe", "ca marche comment",
           "ca fonctionne comment", "comment ca fonctionne", "comment ca se deroule", "ca se deroule comment"),
    DEFINITION: ("ca veut dire quoi", "veut dire quoi", "signifie", "ca veut dire", "que veut dire",
                 "c est quoi un", "c est quoi une", "c est quoi le", "c est quoi la", "c est quoi l"),
}


# Phrases with a topic's words that ask nothing: "je sais pas où aller" says a need for a roof, it
# does not ask where to turn. Matched first (longest), they hide the shorter phrase.
_NOT_ASKED = ("sais pas ou aller", "sais plus ou aller", "sait pas ou aller", "sait plus ou aller",
              "nulle part ou aller", "nul part ou aller", "pas d endroit ou aller")

_SENTENCE_ENDS = re.compile(r"(?<=[?!.])\s+")
_MIN_PART = 4  # words for a part of a sentence to be a question of its own


@lru_cache(maxsize=1)
def _table() -> PhraseTable:
    return PhraseTable.build([*((phrase, "") for phrase in _NOT_ASKED),
                              *((phrase, topic) for topic, phrases in _PHRASES.items() for phrase in phrases)])


def _asked(part: Sequence[str]) -> list[str]:
    return [topic for topic in _table().values(part) if topic]


@lru_cache(maxsize=1)
def _terms() -> PhraseTable:
    """Glossary acronyms and their meanings → the acronym ("c quoi le RSA", "le SLAI c'est qui")."""
    return PhraseTable.build((term, term) for term in knowledge().vocabulary.glossary)


def _parts(message: Words) -> list[list[str]]:
    """The clauses, also cut at "et": "c'est quoi graine de et j'appelle qui ?" asks two things."""
    parts: list[list[str]] = []
    for clause in message.clauses:
        part: list[str] = []
        for word in clause:
            if word == "et" and part:
                parts.append(part)
                part = []
            else:
                part.append(word)
        if part:
            parts.append(part)
    return parts


def topics_in(message: Words) -> list[str]:
    """Topics asked, in the order asked; "what is it" only where nothing more precise is asked with
    it ("c'est quoi le montant" asks the amount)."""
    found: list[str] = []
    for part in _parts(message):
        topics = _asked(part)
        if DEFINITION in topics:
            topics = [INFO if t == DEFINITION else t for t in topics]
        precise = [t for t in topics if t != INFO]
        found += precise or topics
    if _HOW in found:
        named = [t for t in found if t not in (_HOW, INFO)]
        found = named or [CONTENTS if t == _HOW else t for t in found]
    return list(dict.fromkeys(found))




_ASKING = frozenset("qui que quoi quel quelle quels quelles comment combien quand ou pourquoi est".split())


def _introduces(part: list[str]) -> bool:
    """ "Conseillère à la mission locale de Liévin,": who speaks, not what they ask."""
    return not _ASKING & set(part) and stated_role(Words(" ".join(part), (tuple(part),))) is not None


def parts_beyond(text: str, answered: frozenset[str], context: bool = False) -> list[str]:
    """Each question sentence (each sentence when none ends with "?"; with `context`, the sentence
    before each question instead: "un jeune vient d'emménager. Que devons-nous faire ?") without its
    parts of other topics than `answered`: "qui décide de l'entrée, et je m'adresse à qui ?" →
    ["qui decide de l entree"] when `answered` leaves out the contact."""
    found = []
    sentences = [s for s in _SENTENCE_ENDS.split(text) if s.strip()]
    asked = [i for i, s in enumerate(sentences) if "?" in s]
    if context:
        chosen = [sentences[i - 1] for i in asked if i > 0 and "?" not in sentences[i - 1]]
    else:
        chosen = [sentences[i] for i in asked] or sentences
    for sentence in chosen:
        kept = [" ".join(part) for part in _parts(Words.of(sentence))
                if {CONTENTS if t == _HOW else t for t in _asked(part)} <= answered and not _introduces(part)]
        if kept:
            found.append(" ".join(kept))
        if len(kept) > 1:  # "qui décide de l'entrée et quand démarre-t-elle ?": each half its answer too
            found += [part for part in kept if len(part.split()) >= _MIN_PART]
    return found


def terms_in(message: Words) -> list[str]:
    """Glossary acronyms named in the message ("RSA", "SLAI")."""
    return _terms().values(message.all)
