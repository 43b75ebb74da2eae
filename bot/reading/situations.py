"""Situations a message states, as "yes" or "no", and the needs they show.

The phrases are the aliases of knowledge/vocabulary.yml plus the ways people write them here
(SMS spellings are expanded first, bot/reading/words.py). A phrase right after "pas", "plus",
"jamais", "ni", "aucun" in its clause is a "no" ("je suis plus en foyer" is not "en foyer"); some
phrases are a "no" by themselves ("je cherche pas de logement"). An acronym alone ("RSA", "CEJ")
is a situation only when said of someone ("je suis en CEJ", "il touche le RSA"): "c quoi le RSA"
asks what it is. A clause that asks about a scheme without speaking of anyone ("le CLLAJ aide les
jeunes à la rue ?") states nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from bot.knowledge import knowledge
from bot.reading.words import PhraseTable, Words, negated, words_of

NO = "-"  # prefix of a value that says the situation does not apply
# Acronyms that stand for a situation only when said of someone (see the module docstring).
CONTEXT_ACRONYMS = frozenset({"rsa", "cej", "pacea", "mna", "mie", "neet", "cjm", "mecs", "ase"})
PERSON_MARKERS = frozenset({
    "je", "j", "moi", "il", "elle", "ils", "elles", "on", "nous", "suis", "ai", "mon", "ma", "mes", "sa", "son",
    "jeune", "mineur", "mineure", "ado", "eleve", "resident", "residente", "usager", "beneficiaire",
})  # "un jeune sorti de l'ASE, le Coordo ASE est-il possible ?"

# How people say these situations, beyond the vocabulary's aliases.
PHRASES: dict[str, tuple[str, ...]] = {
    "sans_logement": ("je dors dehors", "dormir dehors", "dors dans la rue", "pas de logement", "plus de logement",
        "pas de toit", "plus de toit", "nulle part ou dormir", "nul part ou dormir", "pas d endroit ou dormir",
        "nulle part ou aller", "nul part ou aller", "pas d endroit ou aller", "sais pas ou dormir",
        "sais pas ou aller ce soir", "sais pas ou aller cette nuit", "sais plus ou aller ce soir",
        "sais plus ou aller cette nuit",
        "heberge chez des amis", "chez des potes", "chez un pote", "chez une copine", "je squatte", "en squat",
        "dans la rue", "sans domicile fixe"),
    "recherche_logement": ("cherche un logement", "cherche un appart", "cherche un studio", "cherche une chambre",
        "besoin d un appart", "trouver un appart", "trouver un studio", "prendre un appart", "avoir un appart",
        "avoir un logement", "avoir mon appart", "avoir mon logement", "avoir un chez moi", "me loger", "se loger",
        "sais pas ou aller", "sais plus ou aller", "sais pas ou vivre", "sais pas ou habiter",
        "un toit", "quitter le domicile familial", "partir de chez mes parents", "partir de chez ma mere",
        "demande hlm", "demande de hlm", "demande de logement social", "dossier hlm", "parte de mon appart",
        "partir de mon appart", "quitter mon appart", "quitter mon logement", "changer d appart",
        "changer de logement"),
    "premiere_demande_logement": ("premier appart", "1 er appart", "1 er logement", "jamais eu d appart",
        "jamais eu de logement", "sa premiere demande", "ma premiere demande", "c est sa premiere demande",
        "premiere demande hlm", "premiere demande de hlm", "premiere demande de logement social"),
    "maintien_logement_difficile": ("arrive pas a payer", "arrive plus a payer", "peux plus payer", "peux pas payer",
        "du mal a payer", "galere a payer", "payer mon loyer", "payer le loyer", "loyer en retard",
        "arrive pu a payer", "arrive plu a payer", "peux pu payer",
        "retard de loyer", "dette de loyer", "dettes de loyer", "expulse", "expulsee", "huissier",
        "proprio veut me virer", "paye plus mon loyer", "paie plus mon loyer", "paye plus le loyer",
        "paie plus le loyer", "paye pas mon loyer", "paie pas mon loyer"),
    "decrochage_scolaire": ("arrete l ecole", "arrete le lycee", "arrete le college", "arrete les cours",
        "arrete mes etudes", "arrete ma formation", "arrete mon cap", "arrete mon bac", "quitte l ecole",
        "lache l ecole", "lache le lycee", "lache les cours", "plus a l ecole", "plus au lycee", "plus au college",
        "decroche", "decrochee", "decrocher", "vire du college", "viree du lycee", "abandonne l ecole",
        "vais plus en cours", "va plus en cours", "vient plus en cours", "va plus au lycee", "vient plus au lycee",
        "vient plus a l ecole", "va plus a l ecole", "ne vient plus", "vais plus au lycee", "vais plus a l ecole",
        "abandonne le lycee", "abandonne mes etudes", "sans diplome"),
    "neet": ("je fais rien", "fais rien de mes journees", "pas de travail", "pas de boulot", "pas de taf",
        "pas de job", "sans boulot", "sans taf", "au chomage", "ni emploi ni formation", "ni etudes ni emploi",
        "ni travail ni formation", "rien en ce moment", "sans rien"),
    "ase_confie": ("suis en foyer", "vis en foyer", "placee", "suis a l ase", "en famille d accueil",
        "educateur ase", "sort bientot du foyer", "sort bientot de l ase", "va sortir du foyer", "va sortir de l ase",
        "sortir du foyer", "sortir de l ase", "en mecs", "placee en mecs", "place en mecs", "sort du foyer",
        "sort de l ase", "foyer de l enfance", "sort de la mecs", "sors du foyer", "sors de foyer", "sors de l ase",
        "vais sortir du foyer", "vais sortir de l ase", "sors de la mecs"),
    "ase_sorti": ("plus en foyer", "plus a l ase", "plus placee", "plus place", "sorti du foyer", "sortie du foyer",
        "quitte le foyer", "quitte l ase", "etais en foyer", "etais placee", "etais a l ase",
        "fin de prise en charge", "fin de mon contrat jeune majeur", "sortie ase", "sorti ase", "ete place",
        "ete placee", "a ete place", "a ete placee", "place a l ase jusqu", "placee a l ase jusqu",
        "sortie de placement", "sorti de placement"),
    "mna": ("venu en france tout seul", "venue en france toute seule", "venu seul en france", "venue seule en france",
        "arrive en france tout seul", "arrivee en france toute seule", "arrive tout seul en france", "mineur isole",
        "suis mna", "suis un mna", "suis une mna", "en tant que mna", "arrive seul en france",
        "arrivee seule en france", "arrive en france seul"),
    "rsa": ("au rsa", "touche le rsa", "touche rsa", "j ai le rsa", "beneficiaire du rsa"),
    "cej": ("en cej", "en contrat d engagement", "suis cej"),
    "pacea": ("en pacea", "suis pacea"),
    # Said of a young person, the E2C is their path, not the structure ("je suis en E2C à Boulogne").
    "autre_parcours_insertion": ("en e2c", "a l e2c", "suis e2c", "a l ecole de la deuxieme chance",
        "a l ecole de la 2e chance", "en ecole de la deuxieme chance", "a l epide", "suivi par la mission locale",
        "suivie par la mission locale", "suivi a la mission locale", "suivie a la mission locale"),
    "apprentissage": ("en apprentissage", "en alternance", "apprenti"),
    "rupture_familiale": ("mis dehors", "mise dehors", "fout dehors", "foutu dehors", "foutue dehors", "jete dehors",
        "jetee dehors", "vire de chez moi", "viree de chez moi", "vire de la maison", "viree de la maison",
        "embrouille avec mes parents", "embrouille avec ma mere", "embrouille avec mon pere",
        "plus de contact avec ma famille", "plus de lien avec ma famille", "en rupture avec mes parents",
        "en rupture avec ma famille", "peux plus rester chez moi", "peux plus rester chez mes parents"),
    "sans_ressources": ("pas de revenus", "pas de revenu", "pas de ressources", "aucune ressource", "aucun revenu",
        "zero euro", "0 euro", "pas un sou", "pas une thune", "pas de thune", "pas de sous"),
    "enfant_a_charge": ("j ai un enfant", "j ai des enfants", "j ai un bebe", "mon bebe", "maman solo", "papa solo",
        "un bebe", "avec mon fils", "avec ma fille", "avec mes enfants", "avec un enfant", "mes enfants",
        "mon petit", "ma petite"),
    "sejour_irregulier": ("pas de papiers",),
}

# Phrases that say a situation does not apply ("je cherche pas de logement").
DENIALS: dict[str, tuple[str, ...]] = {
    "sans_logement": ("j ai un logement", "j ai un appart", "j ai mon appart", "j ai mon logement", "je suis loge",
        "vit chez nous", "vit chez moi", "habite chez nous", "habite chez moi", "vit chez ses parents",
        "habite chez ses parents", "vit chez sa mere", "vit chez son pere", "vivre chez moi", "vivre chez nous",
        "je vis chez mes parents", "j habite chez mes parents", "vis chez mes parents", "habite chez mes parents",
        "je suis chez mes parents", "suis chez mes parents", "je suis chez ma mere", "je suis chez mon pere"),
    "recherche_logement": ("cherche pas de logement", "cherche pas d appart", "pas besoin de logement",
        "pas besoin d appart"),
    "rsa": ("pas le rsa", "pas au rsa"),
    "enfant_a_charge": ("j ai pas d enfant", "sans enfant", "pas d enfants", "pas d enfant", "pas de bebe",
        "sans enfants"),
    "sejour_irregulier": ("j ai mes papiers", "papiers en regle", "je suis francais", "je suis francaise",
        "titre de sejour"),
}

# Aliases of the vocabulary that the readers leave to the context rules above or to the role reader.
SKIPPED_ALIASES = frozenset({"mon fils", "ma fille", "j ai un enfant", "j ai des enfants", "foyer", "au foyer",
                             "a l ase", "place", "decohabiter", "quitter mes parents"})
# A verb and its object a few words apart, however it is conjugated or spelled: "je cherche vite
# un petit appart", "jai lacher le lycee", "j'ai arrêté les cours l'an dernier".
VERB_OBJECT: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "abandon_graine_de": (
        frozenset("abandonne abandonnee abandonner arrete arretee arreter quitte quittee quitter lache lachee lacher "
                  "stoppe".split()),
        frozenset({"graine"})),
    "recherche_logement": (
        frozenset("cherche cherches chercher recherche recherches trouver besoin veux voudrais voudrait faut galere "
                  "prendre louer".split()),
        frozenset("logement appart appartement studio chambre hlm fjt coloc colocation location maison t1 t2 t3"
                  .split())),
    "decrochage_scolaire": (
        frozenset("arrete arretee arreter lache lachee lacher quitte quittee quitter abandonne abandonnee abandonner "
                  "stoppe stopper plaque plaquer vire viree exclu exclue decroche decrocher".split()),
        frozenset("ecole lycee college cours etudes formation bac cap bts fac bep seconde premiere terminale"
                  .split())),
}
VERB_OBJECT_SPAN = 5


@lru_cache(maxsize=1)
def _table() -> PhraseTable:
    pairs = [(phrase, situation) for situation, phrases in PHRASES.items() for phrase in phrases]
    pairs += [(phrase, NO + situation) for situation, phrases in DENIALS.items() for phrase in phrases]
    for term in knowledge().vocabulary.situations:
        for alias in (term.label, *term.aliases):
            key = " ".join(words_of(alias))
            if key in SKIPPED_ALIASES or key in CONTEXT_ACRONYMS:
                continue
            pairs.append((alias, term.id))
    return PhraseTable.build(pairs)


@dataclass(frozen=True)
class Situations:
    yes: frozenset[str] = frozenset()
    no: frozenset[str] = frozenset()


def _states(words: Sequence[str], asks_about_schemes: bool) -> bool:
    """Whether a clause speaks of someone's situation rather than asks about a scheme."""
    return bool(PERSON_MARKERS & set(words)) or not asks_about_schemes


def _verb_object(words: Sequence[str], verbs: frozenset[str], objects: frozenset[str]) -> bool | None:
    """True (said), False (denied: "je cherche pas d'appart") or None (not there) for a verb followed
    by its object within a few words."""
    for i, word in enumerate(words):
        following = words[i + 1:i + 1 + VERB_OBJECT_SPAN]
        if word in verbs and any(w in objects for w in following):
            return not (negated(words, i) or "pas" in following[:2] or "plus" in following[:1])
    return None


# Put out of one's home: a family breakdown that is also a night without a roof.
_PUT_OUT = frozenset({"dehors", "porte"})


def situations_in(message: Words, asks_about_schemes: bool = False) -> Situations:
    """`asks_about_schemes`: the message names a scheme and asks something (see the module docstring)."""
    yes: dict[str, None] = {}
    no: dict[str, None] = {}
    for clause in message.clauses:
        if not _states(clause, asks_about_schemes):
            continue
        for start, end, value in _table().matches(clause):
            negative = value.startswith(NO)
            situation = value.removeprefix(NO)
            if negative != negated(clause, start):
                no[situation] = None
            else:
                yes[situation] = None
                if situation == "rupture_familiale" and _PUT_OUT & set(clause[start:end]):
                    yes["sans_logement"] = None
        for situation, (verbs, objects) in VERB_OBJECT.items():
            said = _verb_object(clause, verbs, objects)
            if said is not None and situation not in yes and situation not in no:
                (yes if said else no)[situation] = None
    if "premiere_demande_logement" in yes and "recherche_logement" not in no:
        yes["recherche_logement"] = None  # a first request for a home is a search for one
    yes_set = frozenset(yes) - frozenset(no)
    # "plus en foyer" is "sorti(e) de l'ASE": the phrase "en foyer" inside it is the negated one.
    return Situations(yes_set, frozenset(no) - yes_set)
