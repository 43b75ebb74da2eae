"""Text helpers shared by every name match in the project.

`normalize` turns what a person types into a matching key: "ST-OMER", "saint omer" and
"Saint-Omer" all become "saint omer". Every lookup table of names (communes, territories,
schemes…) must be keyed with the same function, otherwise matches silently fail.
"""

from __future__ import annotations

import re
import unicodedata

# Letters that Unicode NFKD does not split into a base letter plus accents.
_LIGATURES = str.maketrans(
    {
        "œ": "oe",
        "æ": "ae",
        "ø": "o",
        "ł": "l",
        "đ": "d",
        "ð": "d",
        "þ": "th",
        "ı": "i",
    }
)
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
# Accents left by NFKD on Latin letters; other marks fall to _NOT_ALNUM as word breaks.
_COMBINING = re.compile("[\u0300-\u036f]+")
# Abbreviations written as whole words ("St-Omer", "Ste Catherine").
_ABBREVIATIONS = {"st": "saint", "ste": "sainte"}


def normalize(text: str) -> str:
    """Return the matching key of `text`.

    Lower case (with ß → ss), accents removed (é → e, œ → oe), every character other than an
    ASCII letter or digit (apostrophes ' ’ ʼ, hyphens, dots, underscores, emoji, other scripts…)
    turned into a word break, "st" → "saint" and "ste" → "sainte" as whole words, then single
    spaces between words and none at the ends. Pure: no I/O, no state.

    >>> normalize("  ST-Omer ")
    'saint omer'
    >>> normalize("Quœux-Haut-Maînil")
    'quoeux haut mainil'
    >>> normalize("Camblain-l’Abbé")
    'camblain l abbe'
    """
    if text.isascii():
        bare = text.lower()
    else:
        # NFKD both before case folding (compatibility forms such as "ﬁ" or "６") and after it
        # (case folding can yield letters that decompose further).
        folded = unicodedata.normalize("NFKD", text).casefold().translate(_LIGATURES)
        bare = _COMBINING.sub("", unicodedata.normalize("NFKD", folded))
    words = _NOT_ALNUM.sub(" ", bare).split()
    return " ".join(_ABBREVIATIONS.get(word, word) for word in words)
