"""What a message fills while a form is active: the prescription sheet's answers and the
contact request's (run by action_extract_facts). The orientation's facts are read elsewhere,
in every state (bot/reading/, bot/conversation/facts.py).

While a sheet or a contact request is filled, free text is the answer: a name like "Marie" or
"Lens" must not be taken for a greeting or a commune question. Only a few clear intents
interrupt (`SHEET_INTERRUPTIONS`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

ANSWERS = {"affirm": "oui", "deny": "non", "dont_know": "inconnu"}


@dataclass(frozen=True)
class Message:
    intent: str | None
    entities: Sequence[Mapping[str, Any]] = field(default_factory=tuple)
    text: str = ""

    def values(self, entity: str) -> list[Any]:
        return [e.get("value") for e in self.entities if e.get("entity") == entity]


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
