"""Short replies to a question: "oui", "non", "je sais pas", a mere "ok", and corrections.

"ok", "d'accord", "ah bon" acknowledge what was said; they are not a "yes" to "es-tu sans
logement ?". A correction ("non en fait…", "je me suis trompé", "pas Arras, Lens") says that
the facts it gives replace the earlier ones.
"""

from __future__ import annotations

from bot.reading.words import PhraseTable, Words

YES, NO, UNSURE, ACK = "oui", "non", "inconnu", "ok"

_TABLE = PhraseTable.build([
    *((p, YES) for p in ("oui", "ouii", "ouiii", "yes", "yep", "exact", "exactement", "c est ca", "tout a fait",
                         "bien sur", "evidemment", "carrement", "affirmatif", "oui oui", "oui c est ca",
                         "voila", "en effet", "c est le cas", "oui je suis", "oui j ai", "grave", "ouep")),
    *((p, NO) for p in ("non", "no", "nope", "pas du tout", "absolument pas", "jamais", "non non", "pas vraiment",
                        "du tout", "negatif", "aucun", "aucune", "c est pas le cas", "non je suis pas",
                        "non j ai pas", "pas encore")),
    *((p, UNSURE) for p in ("je sais pas", "je ne sais pas", "sais pas", "aucune idee", "j en sais rien",
                            "je sais plus", "je ne sais plus", "peut etre", "pas sur", "pas sure", "je suis pas sur",
                            "je suis pas sure", "je ne suis pas sur", "je ne suis pas sure", "bof", "chais pas",
                            "je pense pas savoir", "idk", "i don t know")),
    *((p, ACK) for p in ("ok", "d accord", "ah bon", "ah ok", "ok merci", "ca marche", "entendu", "compris",
                         "super", "cool", "parfait", "top", "nickel", "bien", "tres bien", "okk", "yes ok")),
])
_CORRECTIONS = PhraseTable.build((p, "correction") for p in (
    "en fait", "enfaite", "en faite", "je me suis trompe", "je me suis trompee", "je me suis trompe e",
    "erreur", "pardon", "plutot", "je voulais dire", "je veux dire", "correction", "mais non", "non pas",
    "c est pas ca", "pas ca", "au temps pour moi", "autant pour moi", "je rectifie", "rectification",
))
MAX_SHORT = 8
# "je sais pas trop ce que je veux faire": not knowing what to look for, however long it is said.
_LOST = PhraseTable.build((p, UNSURE) for p in (
    "sais pas quoi faire", "sais pas trop quoi faire", "sais pas ce que je veux", "sais pas trop ce que je veux",
    "sais pas ce que je cherche", "sais pas trop ce que je cherche", "sais pas par ou commencer",
    "sais pas vers qui me tourner", "sais plus quoi faire", "sais pas quoi faire de ma vie",
))


def short_reply(message: Words) -> str | None:
    """YES, NO, UNSURE or ACK when the message is mostly that (a few words), else None."""
    words = message.all
    if _LOST.matches(words) and len(words) <= 2 * MAX_SHORT:
        return UNSURE
    if not words or len(words) > MAX_SHORT:
        return None
    found = _TABLE.matches(words)
    if not found:
        return None
    first = found[0]
    if first[0] > 1:
        return None
    values = {value for _, _, value in found}
    if YES in values and NO in values:
        return None
    return first[2]


def is_correction(message: Words) -> bool:
    return bool(_CORRECTIONS.matches(message.all))
