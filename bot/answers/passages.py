"""Detail questions answered with the knowledge's own sentences.

"Le premier rendez-vous, c'est sous quel délai ?", "qui décide de l'entrée dans la mesure ?",
"que doit contenir le dossier ?": questions finer than the topics of bot/reading/topics.py
(dates, money, contact…). Every sentence of knowledge/schemes/ is a passage; the question is
matched against the passages of the schemes in the conversation by TF-IDF over word stems (the
first letters of each word, a plain and robust stemming for French: "décide", "décidée" and
"décision" share "decid"), and the best passage answers when it shares enough distinctive words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sklearn.feature_extraction.text import TfidfVectorizer

from bot.knowledge import knowledge
from bot.text import normalize

STEM = 5           # letters kept of each word
MIN_WORD = 3       # shorter words say nothing about the topic ("le", "de", "à")
MIN_SCORE = 0.25   # cosine similarity under which a passage does not answer
MIN_SHARED = 2     # distinctive stems the question and the passage must share
MIN_SCORE_ANY_SCHEME = 0.35  # when the conversation names no scheme: every scheme's passages compete
MAX_PASSAGES = 2
CLOSE = 0.85       # a second passage answers too when it scores this share of the first
SAME_SENTENCE = 0.6  # two passages this similar to each other say the same thing: the first is enough

# Fields that are not sentences about the scheme (ids, sources, names, conditions in code form),
# or that other answers already give in full (dates and amounts: bot/answers/schemes.py).
_SKIP = frozenset({
    "id", "source", "aliases", "title", "short_title", "button_title", "the_name", "kind", "rules", "contacts",
    "service", "eligible", "to_confirm", "settled_by", "when", "sessions", "call", "pitch", "short",
    "mandatory", "for_young", "amount_eur", "rate_percent", "per", "start", "end", "duration_months",
    "extension_months", "envelope_eur", "budget_reserve", "max_years", "deadline_months", "points",
    "share_percent", "total_points",
})
# Money sections: their amounts are the money topic's (bot/answers/schemes.py); only these lists here.
_MONEY = {"funding": ("annexes", "not_fundable", "conditions"), "payment": ()}
# A list of short phrases is one passage, introduced by what the list is.
_LISTS = {
    "annexes": "À joindre au dossier de demande de financement",
    "attention": "Le Département est attentif à",
    "indicators": "Indicateurs suivis",
    "followup": "Suivi pendant l'action",
    "not_fundable": "Ne sont pas financés",
    "conditions": "Conditions du financement",
    "contents": "Le bilan final contient",
    "themes": "Thèmes des projets",
    "objectives": "Objectifs",
    "expected_results": "Résultats attendus",
}
# Words of questions, and words every passage shares: they do not tell passages apart.
_NOISE = frozenset(normalize(w) for w in (
    "qui", "quoi", "quel", "quelle", "quels", "quelles", "comment", "combien", "est", "sont", "faut", "peut",
    "peuvent", "doit", "doivent", "dois", "pour", "avec", "dans", "par", "sur", "une", "des", "les", "aux",
    "ces", "cette", "son", "ses", "leur", "leurs", "nous", "vous", "elle", "ils", "elles", "lui", "moi",
    "toi", "mon", "ton", "mais", "donc", "alors", "aussi", "bien", "très", "tout", "tous", "plus", "moins",
    "pas", "rien", "avoir", "être", "fait", "faire", "jeune", "jeunes", "dispositif", "département",
    "bonjour", "merci", "svp", "stp", "est-ce", "encore", "déjà", "c'est", "qu'il", "qu'elle", "y a",
    "après", "avant", "entre", "chez", "sans", "sous", "vers", "quand", "passe", "passer", "mise", "partir",
    "graine", "faj", "coordo", "cllaj",  # the schemes' names: the conversation's scheme is known already
))


@dataclass(frozen=True)
class Passage:
    scheme_id: str
    text: str


# A few words people use for the knowledge's words (in questions only).
_SYNONYMS = {
    "revenu": "ressources", "revenus": "ressources", "salaire": "ressources", "argent": "ressources",
    "rdv": "rendez", "dossier": "dossier demande", "retours": "echanges", "retour": "echanges",
    "decide": "decision", "decident": "decision", "entree": "entree arrivee", "deja": "deja suivi",
    "assistante": "accompagnement", "vient plus": "abandonne arrete", "lache": "abandonne arrete",
    "decroche": "abandonne arrete", "abandonner": "abandonne arrete", "abandonne": "abandonne arrete",
    "maladie": "absence", "absent": "absence", "absente": "absence", "tripartite": "trois",
    "emmenage": "arrivee entree", "emmenager": "arrivee entree", "participe": "trois", "participent": "trois",
    "assiste": "trois", "assister": "trois", "inscrire": "fiche prescription entree",
    "inscription": "fiche prescription entree", "inscrit": "fiche prescription entree",
}

_SYNONYM_PATTERN = re.compile(r"\b(" + "|".join(sorted(map(re.escape, _SYNONYMS), key=len, reverse=True)) + r")\b")


def _stem(word: str) -> str:
    """Without its plural and its final e's ("durées", "durée", "dure" → "dur"), then cut."""
    if word.endswith("s") and len(word) > MIN_WORD:
        word = word[:-1]
    while word.endswith("e") and len(word) > MIN_WORD:
        word = word[:-1]
    return word[:STEM]


def _stems(text: str) -> list[str]:
    words = normalize(text).split()
    return [_stem(w) for w in words if len(w) >= MIN_WORD and w not in _NOISE and not w.isdigit()]


def _in_knowledge_words(question: str) -> str:
    """The question with the knowledge's words for people's words ("rdv" → "rendez")."""
    return _SYNONYM_PATTERN.sub(lambda m: _SYNONYMS[m.group(1)], normalize(question))


def _sentences(value: Any, key: str = "") -> Iterable[str]:
    """The sentences of a knowledge section, walked recursively."""
    if key in _SKIP:
        return
    if key == "charter_groups":  # the quality charter: what each criterion expects, by group
        for group in value:
            yield f"Charte qualité, {group['title']} : {' ; '.join(item['title'] for item in group['items'])}."
        return
    if isinstance(value, dict):
        if isinstance(value.get("title"), str) and isinstance(value.get("text"), str):
            yield f"{value['title']} : {value['text']}"
            return
        for name, item in value.items():
            if key in _MONEY and name not in _MONEY[key]:
                continue
            if key == "public" and name == "text":
                continue  # who it is for: the public topic's and the engine's answer, not a detail's
            if key == "charter" and name == "groups":
                yield from _sentences(item, "charter_groups")
                continue
            if name == "items" and key in _LISTS and all(isinstance(i, str) for i in item):
                yield f"{_LISTS[key]} : {' ; '.join(item)}."
            elif name in _LISTS and isinstance(item, list) and all(isinstance(i, str) for i in item):
                if item:
                    yield f"{_LISTS[name]} : {' ; '.join(item)}."
            else:
                yield from _sentences(item, name)
    elif isinstance(value, list):
        for item in value:
            yield from _sentences(item, key)
    elif isinstance(value, str) and "{" not in value and len(value.split()) >= 6:
        yield value


@lru_cache(maxsize=1)
def _index() -> tuple[tuple[Passage, ...], TfidfVectorizer, Any]:
    passages: list[Passage] = []
    for scheme_id, scheme in knowledge().schemes.items():
        texts = dict.fromkeys(" ".join(t.split()) for t in _sentences(scheme.dict()))
        passages += [Passage(scheme_id, text) for text in texts]
    vectorizer = TfidfVectorizer(analyzer=_stems, sublinear_tf=True)
    matrix = vectorizer.fit_transform([p.text for p in passages])
    return tuple(passages), vectorizer, matrix


def passages() -> tuple[Passage, ...]:
    return _index()[0]


def best(question: str, scheme_ids: Sequence[str], given: str = "") -> list[tuple[Passage, float]]:
    """The passages of `scheme_ids` that answer `question`, best first, with their score; none of
    those the `given` answer already says."""
    found, vectorizer, matrix = _index()
    asked = vectorizer.transform([_in_knowledge_words(question)])
    if not asked.nnz:
        return []
    scores = (matrix @ asked.T).toarray().ravel()
    asked_stems = set(asked.indices)
    ranked = sorted((i for i, p in enumerate(found) if p.scheme_id in scheme_ids and p.text not in given),
                    key=lambda i: -scores[i])
    out: list[tuple[Passage, float]] = []
    for i in ranked[:MAX_PASSAGES]:
        shared = len(asked_stems & set(matrix[i].indices))
        if scores[i] >= MIN_SCORE and shared >= MIN_SHARED:
            out.append((found[i], float(scores[i])))
    return out


def answering(parts: Sequence[str], scheme_ids: Sequence[str], any_scheme: bool = False,
              given: str = "") -> list[Passage]:
    """The passages that answer the parts of a question (at most two, the best first) and that the
    `given` answer does not already say; `any_scheme`: the conversation names no scheme, so a passage
    must match better."""
    floor = MIN_SCORE_ANY_SCHEME if any_scheme else MIN_SCORE
    tops: list[Passage] = []    # the best passage of each part first: each part gets its answer
    close: list[Passage] = []
    for part in parts:
        matches = [(p, s) for p, s in best(part, scheme_ids, given) if s >= floor]
        if matches:
            tops.append(matches[0][0])
            close += [p for p, s in matches[1:] if s >= CLOSE * matches[0][1]]
    kept: list[Passage] = []
    for passage in dict.fromkeys([*tops, *close]):
        # Two sentences of the seed often say the same: "une fiche de prescription est validée par le
        # SLAI" and "l'entrée se décide avec le SLAI, qui valide la fiche" (0.80 to each other).
        if not any(score(k.text, passage.text) >= SAME_SENTENCE for k in kept):
            kept.append(passage)
    return kept[:MAX_PASSAGES]


def score(question: str, text: str) -> float:
    """How much `text` answers `question`, on the passages' scale (for another answer to compare)."""
    _, vectorizer, _ = _index()
    asked, answer = vectorizer.transform([_in_knowledge_words(question), text])
    return float((asked @ answer.T).toarray()[0, 0])
