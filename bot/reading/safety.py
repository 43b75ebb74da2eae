"""Danger said in any words: suicidal talk, violence, immediate danger, a night without shelter.

Runs on every message, whatever the dialogue is doing (rasa_ext/nlu/safety.py makes the intent
`distress` when it finds something, so that every form gives way). French with SMS spellings
(expanded first, bot/reading/words.py), English, and Arabic (standard and Maghrebi spellings,
matched on the raw text: normalisation keeps Latin letters only). Words, not a model: these are
the sentences people in danger write, and a miss is worse than a false alarm, which costs one
message with phone numbers. What to answer is bot/answers/safety.py's job.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from bot.reading.words import PhraseTable, Words, negated

SUICIDE, VIOLENCE, IMMEDIATE, NO_SHELTER, SHELTER_FULL, MISSING, DISTRESS = (
    "suicide", "violence", "danger_immediat", "sans_abri", "115_plein", "disparition", "detresse")
KINDS = (SUICIDE, IMMEDIATE, VIOLENCE, MISSING, NO_SHELTER, SHELTER_FULL, DISTRESS)

_FRENCH: dict[str, tuple[str, ...]] = {
    SUICIDE: (
        "suicide", "suicider", "me suicider", "suicidaire", "me tuer", "me tue", "mettre fin a mes jours",
        "mettre fin a ma vie", "en finir", "envie de mourir", "envie de crever", "veux mourir", "veux crever",
        "vais mourir", "plus envie de vivre", "pas envie de vivre", "marre de vivre", "me foutre en l air",
        "foutre en l air", "me jeter sous", "me jeter par", "me jeter du", "sauter du pont", "sauter par la fenetre",
        "me pendre", "m ouvrir les veines", "me scarifier", "je me scarifie", "scarification", "me faire du mal",
        "je me fais du mal", "me couper les veines", "je me coupe", "disparaitre pour toujours", "mieux sans moi",
        "mieux si j etais mort", "mieux si j etais morte", "a quoi bon vivre", "j en peux plus de vivre",
        "je veux plus vivre", "veux plus vivre", "plus la force de vivre", "idees noires", "idees suicidaires",
        "avaler des medicaments", "avaler tous mes medicaments", "avaler des cachets", "overdose",
        "plus de raison de vivre", "envie d en finir", "envie de disparaitre", "je veux disparaitre",
        "a quoi bon continuer", "a quoi bon vivre", "personne me regretterait", "personne ne me regretterait",
        "si je disparaissais", "si je mourais", "mieux si je disparaissais", "plus envie de me reveiller",
        "m endormir pour toujours", "en finir avec la vie", "je vais sauter", "si je disparais",
        "si je disparaissais demain", "changera rien pour personne", "changerait rien pour personne",
        "si j etais plus la", "si je suis plus la", "si je n etais plus la", "plus la pour personne",
        "plus l interet de vivre", "vois plus l interet de rien", "vois plus l interet de vivre",
        "vois plus aucun interet", "vois pas l interet de vivre",
        "manquerais a personne", "manquerai a personne",
    ),
    VIOLENCE: (
        "me frappe", "me frappent", "m a frappe", "m a frappee", "me bat", "me battent", "me tape", "me tapent",
        "m a tape", "m a tapee", "me cogne", "me cognent", "je suis battu", "je suis battue", "je me fais frapper",
        "je me fais taper", "je me fais battre", "me donne des coups", "des coups", "violent avec moi",
        "violente avec moi", "violences", "maltraite", "maltraitee", "maltraitance", "abuse de moi", "attouchements",
        "me touche", "m a touche", "m a touchee", "viol", "violee", "on m a viole", "m a violee", "agresse",
        "agressee", "agression", "m a agresse", "harcele", "harcelee", "harcelement", "inceste",
        "on me prostitue", "me prostituer", "prostitution", "me menace", "me menacent", "menaces de mort",
        "me crie dessus tout le temps", "me hurle dessus", "m insulte tout le temps", "me rabaisse tout le temps",
        "peur de rentrer chez moi", "peur de rentrer", "peur de mon pere", "peur de ma mere", "peur de mon beau pere",
        "peur de mon copain", "peur de mon mari", "peur de lui", "m insulte et me frappe", "me force",
        "m oblige a", "me forcent", "m enferme", "des claques", "une claque", "me met des claques", "me gifle",
        "des gifles", "une gifle", "me tabasse", "tabasse", "me pousse contre", "me secoue", "coups de poing",
        "coups de ceinture", "coup de ceinture", "me crache dessus", "leve la main sur moi",
    ),
    IMMEDIATE: (
        "va me tuer", "vont me tuer", "veut me tuer", "veulent me tuer", "je suis en danger", "suis en danger",
        "en danger de mort", "un couteau", "une arme", "enfermee", "sequestre",
        "sequestree", "au secours", "a l aide", "il est devant chez moi", "il defonce la porte",
        "il essaie de rentrer", "il va revenir", "me suit dans la rue", "me suivent dans la rue",
        "me suit partout", "me suivent partout", "me suit depuis", "on me suit dans", "quelqu un me suit",
        "un homme me suit", "un mec me suit", "me poursuit", "me poursuivent", "me harcele dans la rue",
    ),
    NO_SHELTER: (
        "dors dehors", "dormir dehors", "dormi dehors", "dormir dans la rue", "dors dans la rue", "a la rue", "sdf",
        "sans abri", "sans domicile", "nulle part ou dormir", "nul part ou dormir", "pas ou dormir",
        "pas d endroit ou dormir", "ou dormir ce soir", "ou dormir cette nuit", "dormir ce soir", "dehors ce soir",
        "dehors cette nuit", "cette nuit dehors", "a la porte", "mis dehors", "mise dehors", "foutu dehors",
        "foutue dehors", "jete dehors", "jetee dehors", "vire de chez moi", "viree de chez moi", "dans ma voiture",
        "dans la gare", "sous un pont", "personne pour m heberger", "plus d hebergement", "sans toit",
        "pas de toit ce soir", "nulle part ou aller", "nul part ou aller", "pas ou aller ce soir",
        "je dors ou", "ou je dors", "ou je vais dormir", "ou dormir", "endroit ou aller", "endroit ou dormir",
        "endroit pour dormir", "ou aller ce soir", "veux pas rentrer ce soir", "peux pas rentrer ce soir",
        "veux pas rentrer chez moi", "peux pas rentrer chez moi", "veux plus rentrer chez moi",
        "j ai fugue", "je suis en fugue", "j ai fait une fugue", "dors dans ma caisse", "dors dans ma voiture",
        "dormir dans ma voiture", "dormi dans ma voiture", "dans ma caisse", "dors dans la voiture",
        "dans un hall", "dans une cage d escalier", "dans la cage d escalier", "dormi dans un hall",
        "aller dormir ce soir", "ou je peux dormir", "ou je peux aller dormir", "endroit ou je peux dormir",
        "endroit ou je peux aller", "ou aller dormir", "pour dormir ce soir",
    ),
    MISSING: (  # said of someone else: "ma fille n'est pas rentrée depuis hier soir"
        "a disparu", "ont disparu", "est disparue", "disparu depuis", "disparue depuis", "n est pas rentree",
        "n est pas rentre", "pas rentree depuis", "pas rentre depuis", "pas rentree de la nuit",
        "pas rentre de la nuit", "sans nouvelles de", "sans nouvelle de", "aucune nouvelle de", "il a fugue",
        "elle a fugue", "a fait une fugue", "est en fugue", "introuvable",
    ),
    SHELTER_FULL: (
        "115 est plein", "115 plein", "115 repond pas", "115 ne repond pas", "115 repond jamais",
        "pas de place au 115", "115 a pas de place", "115 n a pas de place", "115 complet", "115 sature",
        "appele le 115", "appelle le 115", "deja appele le 115",
    ),
    DISTRESS: (
        "je vais mal", "je vais tres mal", "ca va pas du tout", "ca va vraiment pas", "je craque", "j en peux plus",
        "je n en peux plus", "je suis a bout", "a bout de force", "marre de tout", "detresse", "desespere",
        "desesperee", "personne pour m aider", "je suis tout seul", "je suis toute seule", "angoisse",
        "crise d angoisse", "deprime", "depression", "je pleure tout le temps", "j arrive plus a rien", "sos",
        "personne peut m aider", "personne ne peut m aider", "personne peut rien pour moi",
        "vois plus l interet", "j en peux plus de tout", "fatigue de tout", "fatiguee de tout", "personne m aime",
        "personne ne m aime", "seul au monde", "seule au monde", "j ai plus la force", "plus la force de rien",
        "plus envie de rien", "plus envie de me lever",
    ),
}

_ENGLISH: dict[str, tuple[str, ...]] = {
    SUICIDE: ("kill myself", "suicide", "suicidal", "want to die", "wanna die", "end my life", "end it all",
              "hurt myself", "self harm", "cut myself", "don t want to live", "dont want to live", "no reason to live",
              "better off dead", "take my life"),
    VIOLENCE: ("hits me", "hit me", "beats me", "beat me", "abuse", "abused", "abuses me", "hurts me", "hurt me",
               "raped", "rape", "touches me", "touched me", "violent", "violence", "assaulted", "forced me",
               "forces me", "threatens me", "threatened me"),
    IMMEDIATE: ("going to kill me", "gonna kill me", "wants to kill me", "in danger", "help me now", "knife",
                "locked me", "locked in"),
    NO_SHELTER: ("nowhere to sleep", "no where to sleep", "sleep outside", "sleeping outside", "sleeping on the street",
                 "sleep on the street", "homeless", "on the street", "kicked me out", "kicked out", "thrown out",
                 "threw me out", "no place to stay", "nowhere to stay", "nowhere to go", "no place to sleep"),
    DISTRESS: ("i m scared", "i am scared", "scared", "afraid", "i can t take it", "desperate", "i m not ok",
               "not okay", "help me please i", "sos"),
}

_ARABIC: dict[str, tuple[str, ...]] = {
    SUICIDE: ("انتحار", "انتحر", "اقتل نفسي", "نقتل راسي", "بدي موت", "اريد ان اموت", "ابغى اموت", "بغيت نموت",
              "انهي حياتي", "ما بدي عيش", "لا اريد ان اعيش", "ما بغيتش نعيش"),
    VIOLENCE: ("يضربني", "ضربني", "تضربني", "يضربوني", "كيضربني", "يعنفني", "عنف", "اعتداء", "تحرش", "اغتصاب",
               "اغتصبني", "يلمسني", "يهددني"),
    IMMEDIATE: ("في خطر", "سيقتلني", "رح يقتلني", "غادي يقتلني", "بغا يقتلني", "النجدة"),
    NO_SHELTER: ("ما عندي وين نام", "وين ننام", "فين ننعس", "وين انام", "اين انام", "ما عندي فين", "ما عندي وين",
                 "ليس لدي مكان للنوم", "لا يوجد مكان انام فيه", "انام في الشارع", "نايم في الشارع",
                 "في الشارع", "طردوني", "طردني", "طردتني", "بلا ماوى", "بدون ماوى", "مشرد", "ما عندي فين نبات",
                 "ما عندي فين نعس"),
    DISTRESS: ("ساعدني", "ساعدوني", "خائف", "خايف", "خايفة"),
}

_ARABIC_SCRIPT = re.compile(r"[\u0600-\u06ff]")
# Diacritics, tatweel; hamza forms and alif maqsura folded, as people type them either way.
_ARABIC_MARKS = re.compile(r"[\u064b-\u065f\u0670\u0640]")
_ARABIC_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ى": "ي", "ة": "ه", "ؤ": "و", "ئ": "ي"})


# Words that name a partner: violence from a husband or boyfriend is an adult's (17 before 119).
_PARTNERS = PhraseTable.build((p, "partner") for p in (
    "mon mari", "mon copain", "mon conjoint", "mon compagnon", "mon ex", "ma copine", "ma femme",
    "my husband", "my boyfriend", "my partner", "my wife", "my girlfriend"))
_ARABIC_PARTNERS = ("زوجي", "زوجتي", "صاحبي", "خطيبي")


@dataclass(frozen=True)
class Danger:
    """What the message says of danger: the kinds found, in the order of KINDS; `partner`: the
    violence comes from a partner, which says an adult speaks."""

    kinds: tuple[str, ...]
    partner: bool = False

    def __contains__(self, kind: object) -> bool:
        return kind in self.kinds


@lru_cache(maxsize=1)
def _latin_table() -> PhraseTable:
    pairs = [(p, kind) for table in (_FRENCH, _ENGLISH) for kind, phrases in table.items() for p in phrases]
    return PhraseTable.build(pairs)


def fold_arabic(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    return _ARABIC_MARKS.sub("", text).translate(_ARABIC_FOLD)


@lru_cache(maxsize=1)
def _arabic_phrases() -> tuple[tuple[str, str], ...]:
    pairs = [(fold_arabic(p), kind) for kind, phrases in _ARABIC.items() for p in phrases]
    return tuple(sorted(pairs, key=lambda pair: -len(pair[0])))


_CANNOT_CALL = PhraseTable.build((p, "x") for p in (
    "peux pas appeler", "veux pas appeler", "pas appeler", "peux pas telephoner", "veux pas telephoner",
    "peux pas parler", "pas de credit", "pas de telephone", "plus de credit", "peur d appeler", "ose pas appeler",
    "oserai pas", "j ose pas", "on va m entendre", "ils vont m entendre", "il va m entendre", "can t call",
    "cannot call", "can t talk", "can t speak",
))


def cannot_call(message: Words) -> bool:
    """ "je peux pas appeler", "pas de crédit", "ils vont m'entendre": the person needs a written way."""
    return bool(_CANNOT_CALL.matches(message.all))


# "je suis pas à la rue", "j'ai jamais été SDF", "je suis plus à la rue": a state denied, not a night
# without shelter. Only that kind, and only a denied state: "je veux pas dormir dehors" is still one.
_BEING = frozenset({"suis", "es", "est", "etais", "etait", "ete", "sommes", "sont"})


def _denied_state(words: tuple[str, ...], start: int) -> bool:
    return negated(words, start) and bool(_BEING & set(words[max(0, start - 3):start]))


def danger_in(message: Words) -> Danger | None:
    """The kinds of danger the message speaks of, or None."""
    words = message.all
    found = {kind for start, _, kind in _latin_table().matches(words)
             if not (kind == NO_SHELTER and _denied_state(words, start))}
    if _ARABIC_SCRIPT.search(message.text):
        folded = fold_arabic(message.text)
        found |= {kind for phrase, kind in _arabic_phrases() if phrase in folded}
    if not found:
        return None
    if SHELTER_FULL in found:
        found.add(NO_SHELTER)
    partner = bool(_PARTNERS.matches(message.all)) or any(p in message.text for p in _ARABIC_PARTNERS)
    return Danger(tuple(kind for kind in KINDS if kind in found), partner=partner)
