"""What a user message tells us: the slot updates after each message (run by action_extract_facts).

Pure: the current slots, the message (intent, entities, text) and the slot the orientation
form is asking for in, the changed slots out. Free text is read as an answer only when the
form asked for it; an interrupting intent (a question, distress…) never fills the form's
slots, so that the form steps aside and the interruption is answered first — except a bare
commune name typed to the commune question and taken for another language or small talk.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.communes import CommuneMatch, communes
from bot.lexicon import find_in_text, to_id
from bot.parsing import parse_age
from bot.text import normalize

# Intents that interrupt the form: they are answered, then the form asks again.
INTERRUPTIONS = frozenset({
    "ask_why", "ask_deadline", "ask_funding", "ask_payment", "ask_evaluation", "ask_procedure",
    "ask_contact", "ask_scheme_info", "ask_eligibility", "request_human", "distress", "restart", "cancel",
    "goodbye", "thanks", "greet", "bot_challenge", "other_language", "chitchat", "out_of_scope",
    "request_sheet", "erase_data",
})
FACT_INTENTS = frozenset({"inform", "ask_orientation", "ask_eligibility", "affirm", "deny"})
ANSWERS = {"affirm": "oui", "deny": "non", "dont_know": "inconnu"}
# Intents the NLU gives to bare commune names it has not seen (see `_answers_commune_question`).
PLACE_MISREADINGS = frozenset({"other_language", "out_of_scope", "chitchat"})
INFO = "info"  # fact_answer when the user gave facts instead of answering the question
INSEE_PREFIX = "insee:"  # commune buttons carry "insee:62193": never read as a postal code
MAX_COMMUNE_TEXT = 80


@dataclass(frozen=True)
class Message:
    intent: str | None
    entities: Sequence[Mapping[str, Any]] = field(default_factory=tuple)
    text: str = ""

    def values(self, entity: str) -> list[Any]:
        return [e.get("value") for e in self.entities if e.get("entity") == entity]


def resolve_commune(value: str) -> CommuneMatch:
    if value.startswith(INSEE_PREFIX):
        found = communes().by_insee(value[len(INSEE_PREFIX):])
        if found is not None:
            return communes().resolve(found.name)
    return communes().resolve(value)


def _merge(current: Any, added: Sequence[str]) -> list[str]:
    merged = list(current or [])
    return merged + [a for a in added if a not in merged]


def _without(current: Any, removed: Sequence[str]) -> list[str]:
    return [c for c in (current or []) if c not in removed]


def _ids(message: Message, entity: str) -> list[str]:
    found = [to_id(entity, v) for v in message.values(entity)]
    return list(dict.fromkeys(i for i in found if i))


# Words that turn "je suis à la rue" into its opposite: a message holding one is never read for
# situations the NLU did not tag ("je suis plus en foyer" must not mean ase_confie).
NEGATIONS = frozenset("pas plus jamais ni aucun aucune non nan".split())
TEXT_SITUATION_INTENTS = frozenset({"inform", "ask_orientation"})


def _situations(message: Message) -> list[str]:
    """Situation ids from the entities, or else spelled in a statement without negation."""
    tagged = _ids(message, "situation")
    if tagged or message.intent not in TEXT_SITUATION_INTENTS:
        return tagged
    if NEGATIONS & set(normalize(message.text).split()):
        return []
    return find_in_text("situation", message.text)


def _commune_updates(value: str) -> dict[str, Any]:
    match = resolve_commune(value)
    updates: dict[str, Any] = {}
    if match.status == "resolved" and match.commune:
        updates["commune"] = match.commune.name
    else:
        updates["commune"] = value.strip()[:MAX_COMMUNE_TEXT]
    if match.territory:
        updates["territoire"] = match.territory
    return updates


def extract(slots: Mapping[str, Any], message: Message, requested_slot: str | None,
            form_active: bool = False) -> dict[str, Any]:
    """The slots this message changes.

    While the form is active, an interrupting intent fills none of the form's slots (role, age,
    commune, structure types, answer): the form steps aside and the interruption is answered.
    """
    updates: dict[str, Any] = {}
    intent = message.intent or ""

    schemes = _ids(message, "dispositif")
    if schemes:
        updates["dispositif"] = schemes[-1]
    territories = _ids(message, "territoire")
    if territories:
        updates["territoire"] = territories[-1]
    situations = _situations(message)
    if situations:
        updates["situations"] = _merge(slots.get("situations"), situations)
        updates["situations_no"] = _without(slots.get("situations_no"), situations)
        updates["facts_unsure"] = _without(slots.get("facts_unsure"), situations)

    if form_active and intent in INTERRUPTIONS and not _answers_commune_question(message, requested_slot):
        return _changed(slots, updates)

    types = _ids(message, "structure_type")
    if types:
        updates["structure_types"] = _merge(slots.get("structure_types"), types)

    roles = _ids(message, "role")
    if roles:
        updates["role"] = roles[-1]
    elif not slots.get("role"):
        if types:
            updates["role"] = "structure"  # "notre association…", whatever the question
        elif intent in FACT_INTENTS and (situations or message.values("age")):
            updates["role"] = "jeune"

    ages = [a for a in (parse_age(str(v)) for v in message.values("age")) if a is not None]
    if ages:
        updates["age"] = ages[-1]
    elif requested_slot == "age":
        if intent == "dont_know":
            updates["facts_unsure"] = _merge(updates.get("facts_unsure", slots.get("facts_unsure")), ["age"])
            updates["fact_answer"] = INFO
        else:
            parsed = parse_age(message.text)
            updates["age"] = parsed if parsed is not None else message.text[:20]  # the form re-asks

    named = [str(v) for v in message.values("commune") if str(v).strip()]
    if named:
        updates.update(_commune_updates(named[-1]))
    elif requested_slot == "commune" and message.text.strip():
        if intent == "dont_know":
            updates["facts_unsure"] = _merge(updates.get("facts_unsure", slots.get("facts_unsure")), ["commune"])
            updates["fact_answer"] = INFO
        else:
            updates.update(_commune_updates(message.text))

    if requested_slot == "fact_answer":
        if intent in ANSWERS:
            updates["fact_answer"] = ANSWERS[intent]
        elif any(k in updates for k in ("situations", "age", "commune", "structure_types", "role")):
            updates["fact_answer"] = INFO
    return _changed(slots, updates)


def _answers_commune_question(message: Message, requested_slot: str | None) -> bool:
    """A bare commune name typed to the commune question, which the NLU took for another language,
    an out-of-scope request or small talk: it is the answer.

    Names absent from the examples ("Armentières", "Lomme", "Pérols") often come out as
    other_language: read as an interruption, the answer was lost and the question asked again,
    over and over. Only these three intents, and only a bare exact name or code: many everyday
    words are one typo away from a commune ("très" → Ytres, "menu" → Hénu), and the resolution
    reads a number in a question as a department ("c'est combien un iphone 15" → Cantal).
    """
    return (requested_slot == "commune" and message.intent in PLACE_MISREADINGS
            and communes().is_bare_name_or_code(message.text))


def _changed(slots: Mapping[str, Any], updates: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in updates.items() if slots.get(k) != v or k == "fact_answer"}


# --- the prescription sheet ----------------------------------------------------------------------

SKIP_ANSWER = "__passer__"     # sheet_answer when the person skips an optional field
CORRECT = "corriger"           # sheet_confirm: "corriger" or "corriger:<what to correct>"
# While a sheet is filled, only these (clear) intents interrupt; any other text is an answer:
# a name like "Marie" or "Lens" must not be taken for a greeting or a commune question.
SHEET_INTERRUPTIONS = frozenset({"cancel", "distress", "ask_why", "erase_data", "restart", "request_human"})
SHEET_INTERRUPTION_CONFIDENCE = 0.8


def correction_target(value: object) -> str | None:
    if isinstance(value, str) and value.startswith(CORRECT + ":"):
        return value[len(CORRECT) + 1:]
    return None


def extract_sheet(message: Message, requested_slot: str | None, confidence: float) -> dict[str, Any]:
    """The sheet slot this message fills, if any (the form validates it)."""
    intent = message.intent or ""
    if intent in SHEET_INTERRUPTIONS and confidence >= SHEET_INTERRUPTION_CONFIDENCE:
        return {}
    if requested_slot == "sheet_consent":
        return {"sheet_consent": {"affirm": True, "deny": False}[intent]} if intent in ("affirm", "deny") else {}
    if requested_slot == "sheet_confirm":
        if intent == "affirm":
            return {"sheet_confirm": "oui"}
        named = [str(v) for v in message.values("sheet_field")]
        if named:
            return {"sheet_confirm": f"{CORRECT}:{named[-1]}"}
        if intent == "deny" or not message.text.strip():
            return {"sheet_confirm": CORRECT}
        return {"sheet_confirm": f"{CORRECT}:{message.text.strip()[:80]}"}
    if requested_slot == "sheet_answer":
        if intent == "dont_know" and message.text.startswith("/"):
            return {"sheet_answer": SKIP_ANSWER}  # the "Passer" button
        if message.text.startswith("/") and intent in ANSWERS:
            return {"sheet_answer": {"affirm": "oui", "deny": "non"}.get(intent, message.text)}
        return {"sheet_answer": message.text}
    return {}


def extract_handoff(message: Message, requested_slot: str | None, confidence: float) -> dict[str, Any]:
    """The handoff answer this message gives (the form checks it), unless it clearly interrupts."""
    if requested_slot != "handoff_answer":
        return {}
    if (message.intent or "") in SHEET_INTERRUPTIONS and confidence >= SHEET_INTERRUPTION_CONFIDENCE:
        return {}
    return {"handoff_answer": message.text} if message.text.strip() else {}
