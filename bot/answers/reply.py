"""Reply objects and the small French style helpers every answer uses."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

MAX_BUTTON_TITLE = 20  # Messenger cuts longer titles (CONVENTIONS.md)
MAX_PHONES_PER_MESSAGE = 3


@dataclass(frozen=True)
class Button:
    title: str
    payload: str

    def __post_init__(self) -> None:
        if len(self.title) > MAX_BUTTON_TITLE:
            raise ValueError(f"titre de bouton trop long ({len(self.title)} > {MAX_BUTTON_TITLE}) : {self.title!r}")

    def as_dict(self) -> dict[str, str]:
        return {"title": self.title, "payload": self.payload}


@dataclass(frozen=True)
class Reply:
    text: str
    buttons: tuple[Button, ...] = field(default_factory=tuple)


def short_title(text: str) -> str:
    """A button title within the limit: cut with an ellipsis when needed."""
    return text if len(text) <= MAX_BUTTON_TITLE else text[: MAX_BUTTON_TITLE - 1] + "…"


def intent_payload(intent: str, **entities: str) -> str:
    """A button payload: `/intent` or `/intent{"entity": "value"}` (ids only, never user text)."""
    if not entities:
        return f"/{intent}"
    return f"/{intent}{json.dumps(entities, ensure_ascii=False, separators=(', ', ': '))}"


def is_young(role: str | None) -> bool:
    return role == "jeune"


def pick(role: str | None, tu: str, vous: str) -> str:
    """The "tu" wording for a young person, the "vous" one for everybody else."""
    return tu if is_young(role) else vous


def date_fr(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def join_fr(items: Sequence[str], last: str = "et") -> str:
    """"a", "a et b", "a, b et c"."""
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {last} {items[-1]}"


def bullets(items: Iterable[str]) -> str:
    return "\n".join(f"• {item}" for item in items)


def capitalize(text: str) -> str:
    return text[:1].upper() + text[1:]
