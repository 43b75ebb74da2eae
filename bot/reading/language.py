"""Which language a message is in: French, English, Arabic, another one, or none (gibberish).

The assistant answers in French; to a message in English or Arabic it gives the emergency numbers
and the local contact in that language (bot/answers/languages.py). "blablou" is no language: it
gets the French "je n'ai pas compris", not the foreign-language notice. Counting frequent words
is enough here: messages are short and only these few languages need a fixed answer.
"""

from __future__ import annotations

import re

from bot.reading.words import Words

FRENCH, ENGLISH, ARABIC, OTHER, NONE = "fr", "en", "ar", "autre", "aucune"

_FRENCH_WORDS = frozenset(
    "je j tu il elle on nous vous ils le la les l un une des du de d et ou mais donc car ne pas plus suis es est "
    "sommes etes sont ai as a avons avez ont mon ma mes ton ta tes son sa ses ce c cette qui que qu quoi comment "
    "combien quand pourquoi bonjour salut merci oui non ok d accord pour dans sur avec sans chez aide aider besoin "
    "cherche veux voudrais peux faire fait ans age habite logement travail ecole jeune jeunes dispositif date "
    "contact numero appart rue formation emploi projet moi toi lui rien tout tres bien mal s il vous plait "
    "vais va allo coucou bonsoir quel quelle ca cela y en au aux ici la bas".split()
)
_ENGLISH_WORDS = frozenset(
    "i me my you your he she his her it we they the a an is am are was were be been do does did don t not no yes "
    "what where when why how who which can could would should will help need want please hello hi hey thanks "
    "thank live living house home job work school young old years year and or but of to in on at for from with "
    "about this that there here im dont cant speak english anyone someone call phone number".split()
)
_OTHER_WORDS = frozenset(
    # Spanish, Italian, Portuguese, German, Romanian, Dutch, Turkish: words no French sentence holds.
    "hola necesito ayuda tengo anos vivo quiero gracias donde estoy soy trabajo buenos dias por favor "
    "ciao aiuto sono voglio grazie dove lavoro buongiorno ho anni "
    "ola obrigado preciso tenho estou onde quero trabalho "
    "hallo ich bin brauche hilfe danke wohne arbeit guten tag habe jahre nicht "
    "buna ajutor sunt vreau multumesc unde locuiesc am nevoie de ani "
    "hoi ik ben help nodig dank woon werk "
    "merhaba yardim istiyorum tesekkurler nerede yasindayim".split()
)
_ARABIC_SCRIPT = re.compile(r"[\u0600-\u06ff]")
_OTHER_SCRIPTS = re.compile(  # Cyrillic, Hebrew, Indic, Thai, Japanese, Chinese, Korean
    r"[\u0400-\u04ff\u0590-\u05ff\u0900-\u0dff\u0e00-\u0e7f\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]")


def language_of(message: Words) -> str:
    """The message's language by its frequent words; NONE when no word of any is there."""
    text = message.text
    if _ARABIC_SCRIPT.search(text) and len(_ARABIC_SCRIPT.findall(text)) >= len(re.findall(r"[A-Za-z]", text)):
        return ARABIC
    if _OTHER_SCRIPTS.search(text):
        return OTHER
    words = message.all
    if not words:
        return NONE
    french = sum(w in _FRENCH_WORDS for w in words)
    english = sum(w in _ENGLISH_WORDS for w in words)
    other = sum(w in _OTHER_WORDS for w in words)
    if english > french and english >= other and english >= 1:
        return ENGLISH
    if other > french and other >= 1:
        return OTHER
    if french:
        return FRENCH
    return NONE
