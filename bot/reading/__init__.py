"""One pass over a message gives every fact it states: `read(text, ...) -> Reading`.

Role, age, commune, situations, needs, schemes, territories, topics asked, terms to define,
a short reply ("oui", "ok"), a correction, danger, language. Pure and deterministic: the same
text and context always give the same reading, in any dialogue state. The NLU's intent comes in
as a hint, and a button's payload ("/inform{"role": "jeune"}") is certain. The NLU model extracts
no entity (config.yml): the words are read here only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.communes import INSEE_PREFIX, communes
from bot.knowledge import TERRITORY_IDS
from bot.lexicon import to_id
from bot.reading.ages import MAX_AGE, MIN_AGE, ages_in, bare_age, foreign_age, own_age, speaks_of_ages
from bot.reading.language import FRENCH, NONE, language_of
from bot.reading.names import needs_in, schemes_in, slai_people_in, structure_types_in, territories_in
from bot.reading.places import Place, bare_place, chosen, places_in
from bot.reading.replies import NO, UNSURE, YES, is_correction, short_reply
from bot.reading.roles import JEUNE, PROCHE, STRUCTURE, speaks_for_self, speaks_of_calls, stated_role
from bot.reading.safety import Danger, cannot_call, danger_in
from bot.reading.situations import situations_in
from bot.reading.topics import CONTACT as CONTACT_TOPIC
from bot.reading.topics import INFO as INFO_TOPIC
from bot.reading.topics import terms_in, topics_in
from bot.reading.words import Words

AGE, COMMUNE, AGE_COMMUNE = "age", "commune", "age_commune"  # what `expecting` may be
PAYLOAD_EXTRACTOR = "RegexMessageHandler"  # Rasa's reader of "/intent{...}" payloads
BUTTON_REPLIES = {"affirm": YES, "deny": NO, "dont_know": UNSURE}  # the "Oui", "Non", "Je ne sais pas" buttons
_QUESTION_STARTS = frozenset({"est", "c", "qu", "peut", "puis", "y", "ou"})
# Words that ask, wherever they are: "jhabite a aire cest qui mon slai".
_QUESTION_WORDS = frozenset({"quoi", "quel", "quelle", "quels", "quelles", "comment", "combien", "quand",
                             "pourquoi", "qui"})


@dataclass(frozen=True)
class Reading:
    text: str
    language: str = FRENCH
    danger: Danger | None = None
    role: str | None = None          # said outright, or shown (first person with one's own facts)
    age: int | None = None
    place: Place | None = None       # where the person lives (or the young person)
    places: tuple[Place, ...] = ()   # every place named and not denied ("le SLAI de Calais et de Saint-Omer")
    denied_places: tuple[Place, ...] = ()
    yes: frozenset[str] = frozenset()  # situations that apply
    no: frozenset[str] = frozenset()   # situations that do not
    needs: tuple[str, ...] = ()
    schemes: tuple[str, ...] = ()
    territories: tuple[str, ...] = ()
    people: tuple[str, ...] = ()     # territories whose SLAI adviser the message names ("Hervé Leplat")
    structure_types: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()
    reply: str | None = None         # "oui" / "non" / "inconnu" / "ok" for a short message
    correction: bool = False
    question: bool = False
    button: bool = False             # the message is a button's payload
    first_person: bool = False       # "je", "j'", "moi": the person speaks of themselves
    about_calls: bool = False        # the words of the calls for projects ("candidater", "AAP"): a structure's question
    cannot_call: bool = False        # "je peux pas appeler": a person in danger needs a written way
    about_ages: bool = False         # "et pour les mineurs ?", "2 qui ont 17 ans": the young people's ages
    payload: Mapping[str, Any] = field(default_factory=dict)

    @property
    def states_facts(self) -> bool:
        """Whether the message gives something about the person (age, place, situation, role, need)."""
        return bool(self.place) or self.speaks_of_person

    @property
    def speaks_of_person(self) -> bool:
        """Whether the message says something of the person beyond a place: "il pleut à Arras ?" does not."""
        return bool(self.age is not None or self.yes or self.no or self.role or self.needs)


def _payload(entities: Sequence[Mapping[str, Any]]) -> dict[str, list[Any]]:
    """Entities of a button payload (`/intent{...}`, read by Rasa's RegexMessageHandler)."""
    found: dict[str, list[Any]] = {}
    for entity in entities:
        if entity.get("extractor") in (None, PAYLOAD_EXTRACTOR):
            found.setdefault(str(entity.get("entity")), []).append(entity.get("value"))
    return found


def _is_question(text: str, words: Words) -> bool:
    return "?" in text or bool(words.all and words.all[0] in _QUESTION_STARTS) or bool(_QUESTION_WORDS & set(words.all))


def read(text: str, intent: str | None = None, entities: Sequence[Mapping[str, Any]] = (),
         expecting: str | None = None) -> Reading:
    """Everything the message says. `expecting` is what the dialogue just asked ("age",
    "commune", a situation…): a bare "19" or "Béthnue" is an answer only to that question."""
    button = text.startswith("/")
    payload = _payload(entities) if button else {}
    words = Words.of("" if button else text)
    question = _is_question(text, words)
    schemes = list(dict.fromkeys([*schemes_in(words),
                                  *(to_id("dispositif", v) or "" for v in payload.get("dispositif", ()))]))
    schemes = [s for s in schemes if s]
    situations = situations_in(words, asks_about_schemes=question and bool(schemes))
    yes, no = set(situations.yes), set(situations.no)
    for value in payload.get("situation", ()):
        situation = to_id("situation", value)
        if situation:
            (no if intent == "deny" else yes).add(situation)

    places = places_in(words, expecting=expecting in (COMMUNE, AGE_COMMUNE))
    place = chosen(places)
    ages = ages_in(words)
    age = ages[-1] if ages else None
    if not button and expecting in (AGE, AGE_COMMUNE) and age is None:
        age = bare_age(text) if expecting == AGE else _lone_number(words)
    if not button and expecting in (COMMUNE, AGE_COMMUNE) and place is None:
        place = bare_place(" ".join(w for w in words.all if not w.isdigit() or len(w) == 5) or text)
    for value in payload.get("commune", ()):
        place = _payload_place(str(value))
    if age is None and not button:
        age = foreign_age(text)
    for value in payload.get("age", ()):
        age = bare_age(str(value))

    types = [*structure_types_in(words),
             *(to_id("structure_type", v) or "" for v in payload.get("structure_type", ()))]
    role = _role(words, payload, age, yes) or (STRUCTURE if _speaks_as_structure(words, types, question) else None)
    if role == PROCHE:
        yes.discard("enfant_a_charge")
    elif own_age(words) is not None and (words.has("ma fille") or words.has("mon fils")):
        yes.add("enfant_a_charge")
    needs = list(payload.get("besoin", ())) + needs_in(words, frozenset(yes))
    territories = [*territories_in(words),
                   *(v for v in payload.get("territoire", ()) if v in TERRITORY_IDS)]
    return Reading(
        text=text,
        language=FRENCH if button or (place and language_of(words) == NONE) else language_of(words),
        danger=None if button else danger_in(words),
        role=role,
        age=age,
        place=place,
        places=tuple(p for p in places if not p.denied),
        denied_places=tuple(p for p in places if p.denied),
        yes=frozenset(yes),
        no=frozenset(no - yes),
        needs=tuple(dict.fromkeys(n for n in needs if n)),
        schemes=tuple(schemes),
        territories=tuple(dict.fromkeys(territories)),
        people=tuple(slai_people_in(words)),
        structure_types=tuple(dict.fromkeys(t for t in types if t)),
        topics=_with_contact(tuple(topics_in(words)), words, places, territories),
        terms=tuple(terms_in(words)),
        reply=BUTTON_REPLIES.get(intent or "") if button else short_reply(words),
        correction=is_correction(words),
        question=question,
        button=button,
        first_person=speaks_for_self(words),
        about_calls=speaks_of_calls(words),
        about_ages=speaks_of_ages(words, ages),
        cannot_call=cannot_call(words),
        payload=payload,
    )


def _with_contact(topics: tuple[str, ...], words: Words, places: list[Place],
                  territories: list[str]) -> tuple[str, ...]:
    """ "slai lievin", "slai henin carvin": the SLAI and a place ask for its contact."""
    if words.has("slai") and (places or territories) and CONTACT_TOPIC not in topics and INFO_TOPIC not in topics:
        return (*topics, CONTACT_TOPIC)
    return topics


def _lone_number(words: Words) -> int | None:
    """ "19 lens", "lens 19": the one short number of an answer to "âge et commune ?"."""
    numbers = [w for w in words.all if w.isdigit() and len(w) <= 2]
    if len(numbers) == 1 and MIN_AGE <= int(numbers[0]) <= MAX_AGE:
        return int(numbers[0])
    return None


def _payload_place(value: str) -> Place | None:
    if value.startswith(INSEE_PREFIX):
        commune = communes().by_insee(value[len(INSEE_PREFIX):])
        if commune is not None:
            return Place(communes().resolve(commune.name), 0, 0)
    return bare_place(value)


def _role(words: Words, payload: Mapping[str, list[Any]], age: int | None, yes: set[str]) -> str | None:
    for value in payload.get("role", ()):
        return to_id("role", value) or (value if value == PROCHE else None)
    said = stated_role(words)
    if said == PROCHE and own_age(words) is not None:
        return JEUNE  # "j'ai 19 ans et ma fille a 2 ans": a young parent
    if said:
        return said
    if own_age(words) is not None:
        return JEUNE  # "g 20 ans le cllaj il va me donner combien ?"
    about_others = any(words.has(w) for w in ("il a", "elle a", "il est", "elle est", "mon fils", "ma fille"))
    if speaks_for_self(words) and not about_others and (yes or _own_place(words)):
        return JEUNE
    return None


_WE = ("nous sommes", "on est", "nous representons", "je represente", "notre", "nous", "je dirige")
_JUST_A_NAME = 6  # "Office HLM", "École de la deuxième chance": a structure saying what it is
_OPENING = 2      # "association agréée FSL à Arras : …", "office HLM…": the structure introduces itself first
_ARTICLES = frozenset({"le", "la", "les", "l", "un", "une"})


def _speaks_as_structure(words: Words, types: list[str], question: bool) -> bool:
    """ "Nous sommes l'École de la deuxième chance", "office HLM sur le Calaisis, on a des T1…", or a
    structure's name alone. Not "on a un projet avec la mission locale" (a partner there), nor
    "c'est quoi un CLLAJ ?"."""
    if not any(types):
        return False
    if any(words.has(w) for w in _WE):
        return True
    if words.has("je"):
        return False
    opening = words.all[:_OPENING]
    # "le CLLAJ c'est quand ?", "la mission locale c'est où ?": a question about one, not from one.
    asked_about = question and bool(opening) and opening[0] in _ARTICLES
    starts = not asked_about and bool(structure_types_in(Words(words.text, (opening,))))
    return starts or (not question and len(words) <= _JUST_A_NAME)


def _own_place(words: Words) -> bool:
    """ "j'habite à Frévent", "mon SLAI": the person speaks of where they live."""
    return words.has("j habite") or words.has("je vis") or words.has("mon slai") or words.has("chez moi")
