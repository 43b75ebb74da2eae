"""The handoff conversation, without Rasa: how the person wants to be contacted, and when.

The chat asks one step at a time (`HandoffState.next_step`): the contact mode (a reply here only
on a channel where a message written later can reach the person), the phone number or e-mail
address that mode needs, then when. Answers are checked by the same parsers as the prescription
sheet. The request itself is made from what the conversation already knows (`summary_of`,
`transcript_of`): the adviser reads it first.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from bot.handoff.models import PreferredContact, RequestKind, Summary, TranscriptLine, can_deliver, kind_for_schemes
from bot.knowledge import knowledge
from bot.prescription.validation import FieldError, parse_email, parse_phone, parse_text
from bot.text import normalize

MODE, PHONE, EMAIL, WHEN = "mode", "phone", "email", "when"
MAX_WHEN = 80
TRANSCRIPT_MESSAGES = 8  # the last messages the adviser sees, both sides

_MODE_WORDS: Mapping[PreferredContact, tuple[str, ...]] = {
    PreferredContact.ICI: ("ici", "ecrit", "par ecrit", "message", "messages", "chat", "conversation", "tchat"),
    PreferredContact.TELEPHONE: ("telephone", "tel", "tél", "appel", "appelle", "appeler", "rappel", "rappeler",
                                 "phone", "portable"),
    PreferredContact.EMAIL: ("mail", "email", "e mail", "courriel", "par mail", "adresse mail"),
}


def modes_for(channel: str | None) -> list[PreferredContact]:
    """The modes offered on `channel`: "ici" only where a later message can be pushed."""
    return [m for m in PreferredContact if m is not PreferredContact.ICI or can_deliver(channel or "")]


def parse_mode(text: str, channel: str | None) -> PreferredContact:
    words = f" {normalize(text)} "
    found = [mode for mode, spellings in _MODE_WORDS.items()
             if any(f" {normalize(s)} " in words for s in spellings)]
    if len(found) == 1 and found[0] in modes_for(channel):
        return found[0]
    raise FieldError("Choisis une des réponses proposées (les boutons), ou écris « téléphone » ou « e-mail ».",
                     "mode")


@dataclass(frozen=True)
class HandoffState:
    channel: str | None = None
    mode: str | None = None
    phone: str | None = None
    email: str | None = None
    when: str | None = None

    @classmethod
    def from_slots(cls, channel: str | None, values: Mapping[str, Any] | None) -> HandoffState:
        values = values or {}
        return cls(channel, *(values.get(k) if isinstance(values.get(k), str) else None
                              for k in (MODE, PHONE, EMAIL, WHEN)))

    def as_slot(self) -> dict[str, str]:
        return {k: v for k, v in ((MODE, self.mode), (PHONE, self.phone), (EMAIL, self.email), (WHEN, self.when))
                if v is not None}

    def next_step(self) -> str | None:
        if self.mode is None:
            return MODE
        if self.mode == PreferredContact.TELEPHONE.value and self.phone is None:
            return PHONE
        if self.mode == PreferredContact.EMAIL.value and self.email is None:
            return EMAIL
        if self.when is None:
            return WHEN
        return None

    def answer(self, text: str) -> HandoffState:
        """The state with the answer to `next_step()`; a `FieldError` (its French re-ask) if it is not one."""
        step = self.next_step()
        if step == MODE:
            return replace(self, mode=parse_mode(text, self.channel).value)
        if step == PHONE:
            return replace(self, phone=parse_phone(text))
        if step == EMAIL:
            return replace(self, email=parse_email(text))
        if step == WHEN:
            return replace(self, when=parse_text(text, MAX_WHEN))
        return self


def is_resume_phrase(text: str | None) -> bool:
    """ "annuler", "c'est bon merci"…: the person hands the conversation back to the assistant."""
    if not isinstance(text, str) or len(text) > 60:
        return False
    said = normalize(text)
    return any(said == normalize(p) for p in knowledge().service.resume_phrases)


# Situations that say the person's need is a place to live (knowledge/vocabulary.yml ids).
HOUSING_NEEDS = frozenset({"sans_logement", "recherche_logement", "maintien_logement_difficile",
                           "premiere_demande_logement"})


def kind_of(scheme_id: str | None, situations: Iterable[str], schemes: Sequence[str]) -> RequestKind:
    """Which inbox of the territory: the kind of the scheme the conversation is about; else
    `logement` when the person's needs are housing ones (FAJ Co, open to any young person, does
    not make a homeless youth's request an "insertion" one); else from the schemes that fit."""
    known = knowledge().schemes
    if scheme_id in known:
        return RequestKind.LOGEMENT if known[scheme_id].kind == "logement" else RequestKind.INSERTION
    if set(situations) & HOUSING_NEEDS:
        return RequestKind.LOGEMENT
    return kind_for_schemes(schemes)


def summary_of(role: str | None, age: Any, commune: str | None, situations: Iterable[str] | None,
               schemes: Sequence[str]) -> Summary:
    return Summary(
        role=role,
        age=age if isinstance(age, int) and not isinstance(age, bool) else None,
        commune=commune if isinstance(commune, str) else None,
        situations=tuple(situations or ()),
        schemes=tuple(schemes),
    )


def transcript_of(events: Sequence[Mapping[str, Any]], limit: int = TRANSCRIPT_MESSAGES,
                  until_action: str | None = None) -> list[TranscriptLine]:
    """The last `limit` messages of the conversation (Rasa events as dicts), oldest first, before the
    last run of `until_action` if given (the contact questions are in the request itself).

    Button clicks ("/affirm") are left out: their meaning is in the summary.
    """
    events = list(events)
    starts = [i for i, e in enumerate(events) if e.get("event") == "action" and e.get("name") == until_action]
    if starts:
        events = events[:starts[-1]]
    lines: list[TranscriptLine] = []
    for event in events:
        text = event.get("text")
        if not isinstance(text, str) or not text.strip():
            continue
        if event.get("event") == "user" and not text.startswith("/"):
            lines.append(TranscriptLine("jeune", text.strip()))
        elif event.get("event") == "bot":
            lines.append(TranscriptLine("assistant", text.strip()))
    return lines[-limit:]
