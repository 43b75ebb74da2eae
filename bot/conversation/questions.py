"""The orientation's questions: what each one asks (kept in the slot `pending_fact` as text), and
how it is worded, with its buttons.

A question is "kind:key" in the slot: "situation:neet", "groupe:logement", "commune?:62427" (a
commune to confirm); the others are their kind alone ("besoin", "age_commune", "role"…).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.answers.reply import Button, Reply, intent_payload, pick, short_title
from bot.communes import INSEE_PREFIX, communes
from bot.conversation import protocol as p
from bot.knowledge import knowledge
from bot.reading.places import Place

ROLE, NEED, AGE, COMMUNE, AGE_COMMUNE = "role", "besoin", "age", "commune", "age_commune"
STRUCTURE_TYPES, EXPERTISE, SITUATION, GROUP, CONFIRM_COMMUNE = (
    "structure_types", "expertise", "situation", "groupe", "commune?")
_KEYED = (EXPERTISE, SITUATION, GROUP, CONFIRM_COMMUNE)


@dataclass(frozen=True)
class Question:
    kind: str
    key: str = ""

    @property
    def slot_value(self) -> str:
        return f"{self.kind}:{self.key}" if self.key else self.kind

    def place(self) -> Place | None:
        """The commune a CONFIRM_COMMUNE question proposes."""
        commune = communes().by_insee(self.key.split("|")[0])
        return Place(communes().resolve(commune.name), 0, 0) if commune else None

    @property
    def facts(self) -> frozenset[str]:
        """The engine's facts this question settles."""
        if self.kind == AGE_COMMUNE:
            return frozenset({"age", "commune"})
        if self.kind in (AGE, COMMUNE, STRUCTURE_TYPES):
            return frozenset({self.kind})
        if self.kind in (SITUATION, EXPERTISE):
            return frozenset({self.key})
        if self.kind == GROUP:
            return frozenset(knowledge().vocabulary.group(self.key).situations)
        return frozenset()


def parse_question(value: str | None) -> Question | None:
    if not value:
        return None
    kind, _, key = value.partition(":")
    if kind in _KEYED and key:
        return Question(kind, key)
    if kind in (ROLE, NEED, AGE, COMMUNE, AGE_COMMUNE, STRUCTURE_TYPES):
        return Question(kind)
    return None


def confirm_commune(place: Place) -> Question:
    candidates = place.match.candidates or ((place.match.commune,) if place.match.commune else ())
    return Question(CONFIRM_COMMUNE, "|".join(c.insee for c in candidates[:4] if c))


# --- wording -----------------------------------------------------------------------------------

YES_NO = (Button("Oui", "/affirm"), Button("Non", "/deny"), Button("Je ne sais pas", "/dont_know"))
ROLE_BUTTONS = (
    Button("Je suis un pro", intent_payload("inform", role=p.PRO)),
    Button("Une structure", intent_payload("inform", role=p.STRUCTURE)),
)
STRUCTURE_TYPE_BUTTONS = (
    ("Association", "association_1901"),
    ("Mission locale", "mission_locale"),
    ("École 2e chance", "label_e2c"),
    ("CLLAJ", "cllaj"),
    ("Bailleur social", "bailleur_social"),
    ("Asso agréée FSL", "association_agreee_fsl"),
    ("Structure jeunesse", "structure_accompagnement_jeunes"),
    ("Collectivité, EPCI", "collectivite"),
    ("Entreprise", "entreprise"),
)


def _about(role: str | None) -> str:
    """The person the question is about: "tu", "le ou la jeune"."""
    return "jeune" if role in (None, p.JEUNE) else "pro"


def wording(question: Question, role: str | None) -> Reply:
    """The question as the person reads it, with buttons for closed answers."""
    vocabulary = knowledge().vocabulary
    young = _about(role) == "jeune"
    if question.kind == NEED:
        texts = vocabulary.questions["besoin"]
        buttons = tuple(Button(n.button, intent_payload("inform", besoin=n.id)) for n in vocabulary.needs)
        if role is None:
            return Reply("Pour trouver la bonne aide : c'est pour quoi ?", (*buttons, *ROLE_BUTTONS))
        return Reply((texts.jeune if young else texts.pro) or "", buttons)
    if question.kind == ROLE:
        return Reply(pick(role, "Pour bien te répondre : tu es un ou une jeune, un professionnel, ou une structure ?",
                          "Pour bien vous répondre : vous êtes un ou une jeune, un professionnel, ou une structure ?"),
                     (Button("Un ou une jeune", intent_payload("inform", role=p.JEUNE)), *ROLE_BUTTONS))
    if question.kind in (AGE, COMMUNE, AGE_COMMUNE):
        texts = vocabulary.questions[question.kind]
        text = (texts.jeune if young else texts.pro) or ""
        if role == p.PROCHE:
            text = text.replace("le ou la jeune", "votre enfant").replace("a le ou la jeune", "a votre enfant")
        buttons = (Button("Je ne sais pas", "/dont_know"),) if question.kind == COMMUNE else ()
        return Reply(text, buttons)
    if question.kind == STRUCTURE_TYPES:
        return Reply(vocabulary.questions["structure_types"].pro or "",
                     tuple(Button(t, intent_payload("inform", structure_type=i)) for t, i in STRUCTURE_TYPE_BUTTONS))
    if question.kind == EXPERTISE:
        return Reply(vocabulary.questions[question.key].pro or "", YES_NO[:2])
    if question.kind == GROUP:
        group = vocabulary.group(question.key)
        buttons = tuple(Button(vocabulary.situation(s).button or s, intent_payload("inform", situation=s))
                        for s in group.situations)
        return Reply(group.jeune if young else group.pro,
                     (*buttons, Button(group.none, "/deny"), Button("Je ne sais pas", "/dont_know")))
    if question.kind == CONFIRM_COMMUNE:
        return _confirm_wording(question, role)
    term = vocabulary.situation(question.key)
    text = (term.question if young else term.question_pro) or term.question or term.label
    return Reply(text, YES_NO)


def _confirm_wording(question: Question, role: str | None) -> Reply:
    found = [c for c in (communes().by_insee(i) for i in question.key.split("|")) if c]
    if not found:
        return wording(Question(COMMUNE), role)
    first = found[0]
    text = pick(role, f"Tu veux dire {first.name} ?", f"Vous voulez dire {first.name} ?")
    buttons = [Button("Oui", "/affirm")]
    buttons += [Button(short_title(c.name), intent_payload("inform", commune=INSEE_PREFIX + c.insee))
                for c in found[1:]]
    buttons.append(Button("Non, une autre", "/deny"))
    return Reply(text, tuple(buttons))
