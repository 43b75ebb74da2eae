"""Rules every inbound message follows before it reaches Rasa, whatever the channel.

Pure functions (no I/O) except `payloads_offered_to`, which reads the sender's tracker, and
`prepare_text`, which chains the rules. The channels call `prepare_text`; tests call the rules.

- A message must be a string. Anything else (missing, null, number, object…) is refused with
  `UNREADABLE`; an empty or blank string gets the same answer, without going to Rasa.
- Control characters become spaces and lone UTF-16 surrogates become U+FFFD: downstream code
  (JSON encoders, PostgreSQL, spaCy) may fail on them.
- Text longer than `MAX_TEXT_LENGTH` (2 000 characters) keeps its beginning and its end, joined by
  " … " (a long message often ends with what matters: "…et au final jveux plus vivre"); the
  channel puts `TRUNCATED_NOTICE` before the bot's answer.
- Slash rule (CONVENTIONS.md): a text starting with "/" goes to Rasa unchanged only when it
  equals a payload of a button the bot offered in this conversation (since its last restart): a
  button tapped further up the screen acts as that button. Otherwise its leading slashes are
  dropped and it is ordinary text. Rasa reads "/intent{"slot": …}" as an intent with entities
  whatever the config, so without this rule anyone could set any slot.

No answer here ever repeats the user's text, and nothing here logs it.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass, replace
from typing import Any

from rasa.shared.core.events import BotUttered, Event, Restarted

from bot.failures import describe_failure
from rasa_ext.channels.action_failures import ActionServerUnavailable
from rasa_ext.stores.tracker import TrackerUnavailable

logger = logging.getLogger(__name__)

MAX_TEXT_LENGTH = 2000
"""Characters of a message given to Rasa: far above any real question, far below what slows the NLU."""
MAX_SENDER_LENGTH = 255
"""Rasa's `events.sender_id` column is a VARCHAR(255)."""
MAX_METADATA_LENGTH = 4000
"""Characters of JSON metadata accepted with a message (the widget sends `{"button": true}`)."""


def _french_number(number: int) -> str:
    return f"{number:,}".replace(",", " ")


EXAMPLE = "« je cherche un logement »"
UNREADABLE = f"Votre message est vide ou illisible : écrivez une phrase, par exemple {EXAMPLE}."
TRUNCATED_NOTICE = (
    f"Votre message est très long : je n'en ai lu que le début et la fin "
    f"({_french_number(MAX_TEXT_LENGTH)} caractères)."
)
ELLIPSIS = " … "
APOLOGY = (
    "Désolé, un problème technique m'empêche de vous répondre pour le moment. "
    "Réessayez dans quelques minutes."
)
REQUEST_EXAMPLE = '{"sender": "…", "message": "…"}'
INVALID_JSON = f"La requête n'est pas du JSON valide : envoyez un objet comme {REQUEST_EXAMPLE}."
NOT_AN_OBJECT = f"La requête doit être un objet JSON, par exemple {REQUEST_EXAMPLE}."
INVALID_SENDER = (
    f"Le champ « sender » doit être un texte non vide, sans caractère de contrôle, "
    f"de {MAX_SENDER_LENGTH} caractères au plus."
)
INVALID_METADATA = (
    f"Le champ « metadata » doit être un objet JSON de {_french_number(MAX_METADATA_LENGTH)} caractères au plus."
)
NO_SESSION = "Votre session n'est pas ouverte : rechargez la page pour reprendre la conversation."


# What a turn may fail with: any error, a cancelled task, the conversations database being
# unavailable (`TrackerUnavailable`, a BaseException so that it passes Rasa's fail-safe store), or
# the action server (`ActionServerUnavailable`, likewise past Rasa's own `except Exception`).
TURN_FAILURES: tuple[type[BaseException], ...] = (
    Exception, asyncio.CancelledError, TrackerUnavailable, ActionServerUnavailable,
)


class Refused(Exception):
    """An inbound message that does not go to Rasa.

    `reason` is a short code for logs and clients; `answer` is the French text for the user
    (never built from the user's text). `bad_request` tells a request the client must fix
    (HTTP 400 on REST) from a message the bot simply answers (an empty text).
    """

    def __init__(self, reason: str, answer: str, *, bad_request: bool = True) -> None:
        super().__init__(reason)
        self.reason = reason
        self.answer = answer
        self.bad_request = bad_request


@dataclass(frozen=True)
class Inbound:
    """A message ready for Rasa: `text` is clean, stripped, non-empty and at most the limit long."""

    text: str
    truncated: bool = False


# --- the request ---------------------------------------------------------------------------


def parse_body(raw: bytes | str | None) -> dict[str, Any]:
    """The JSON object of a request body; `Refused` if it is not JSON or not an object."""
    try:
        body = json.loads(raw or b"")
    except (ValueError, RecursionError):  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise Refused("invalid_json", INVALID_JSON) from None
    if not isinstance(body, dict):
        raise Refused("not_an_object", NOT_AN_OBJECT)
    return body


def is_valid_sender(value: object) -> bool:
    """A conversation id: a printable, non-blank string that fits Rasa's column."""
    return (
        isinstance(value, str)
        and 0 < len(value) <= MAX_SENDER_LENGTH
        and value.strip() != ""
        and value.isprintable()
    )


def read_sender(value: object) -> str:
    if not is_valid_sender(value):
        raise Refused("invalid_sender", INVALID_SENDER)
    return value  # type: ignore[return-value]


def read_metadata(value: object) -> dict[str, Any] | None:
    """Metadata for REST: absent or null gives None; a non-object or an oversized one is refused."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise Refused("invalid_metadata", INVALID_METADATA)
    if len(json.dumps(value, ensure_ascii=False, default=str)) > MAX_METADATA_LENGTH:
        raise Refused("invalid_metadata", INVALID_METADATA)
    return value


def lenient_metadata(value: object) -> dict[str, Any]:
    """Metadata for socket.io: whatever is not an acceptable object is ignored (empty dict)."""
    try:
        return read_metadata(value) or {}
    except Refused:
        return {}


# --- the text --------------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_LEADING_SLASHES = re.compile(r"^[\s/]+")


def clean(text: str) -> str:
    """Text any encoder accepts: lone surrogates become U+FFFD, control characters spaces."""
    text = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return _CONTROL.sub(" ", text)


def read_text(value: object, limit: int = MAX_TEXT_LENGTH) -> Inbound:
    """The message text, cleaned, stripped and cut to `limit` characters (its beginning and its end);
    `Refused` if unusable. A non-string is a bad request; an empty or blank string is a message the
    bot answers.
    """
    if not isinstance(value, str):
        raise Refused("invalid_message", UNREADABLE)
    text = clean(value).strip()
    if not text:
        raise Refused("empty_message", UNREADABLE, bad_request=False)
    if len(text) <= limit:
        return Inbound(text)
    half = (limit - len(ELLIPSIS)) // 2
    return Inbound(f"{text[:half].rstrip()}{ELLIPSIS}{text[-half:].lstrip()}", truncated=True)


def starts_with_slash(text: str) -> bool:
    """Whether the slash rule applies, i.e. whether the offered buttons must be looked up."""
    return text.startswith("/")


def apply_slash_rule(inbound: Inbound, offered: Collection[str]) -> Inbound:
    """Keep a "/…" text only if it is an offered payload; otherwise drop its leading slashes.

    Slashes and blanks are dropped together ("/ /restart" gives "restart"): Rasa strips the text
    before looking for "/", so no intent can survive. Nothing left is an empty message.
    """
    if not starts_with_slash(inbound.text) or inbound.text in offered:
        return inbound
    text = _LEADING_SLASHES.sub("", inbound.text)
    if not text:
        raise Refused("empty_message", UNREADABLE, bad_request=False)
    return replace(inbound, text=text)


def offered_payloads(events: Iterable[Event]) -> frozenset[str]:
    """Payloads of the buttons (and quick replies) the bot offered in this conversation, since its
    last restart ("recommencer", erasure): the widget keeps earlier buttons on screen, and a
    person may tap one of them later."""
    payloads: set[str] = set()
    for event in events:
        if isinstance(event, Restarted):
            payloads.clear()
            continue
        if not isinstance(event, BotUttered):
            continue
        for key in ("buttons", "quick_replies"):
            for button in event.data.get(key) or ():
                payload = button.get("payload") if isinstance(button, dict) else None
                if isinstance(payload, str) and payload.strip():
                    payloads.add(payload.strip())
    return frozenset(payloads)


# --- with the tracker --------------------------------------------------------------------------


async def payloads_offered_to(agent: Any, sender_id: str) -> frozenset[str]:
    """Payloads offered to `sender_id`, read from the tracker store (stateless: any replica).

    No agent, no tracker or a failing store gives no payload: the text then loses its slashes,
    the safe side.
    """
    store = getattr(agent, "tracker_store", None)
    if store is None:
        return frozenset()
    try:
        tracker = await store.retrieve(sender_id)
    except TURN_FAILURES as error:  # any store failure falls back to "nothing offered"
        logger.warning("Could not read the offered buttons: %s", describe_failure(error))
        return frozenset()
    return offered_payloads(tracker.events) if tracker is not None else frozenset()


async def prepare_text(value: object, sender_id: str, agent: Any, limit: int = MAX_TEXT_LENGTH) -> Inbound:
    """All the text rules; reads the tracker only for a text starting with "/"."""
    inbound = read_text(value, limit)
    if starts_with_slash(inbound.text):
        inbound = apply_slash_rule(inbound, await payloads_offered_to(agent, sender_id))
    return inbound
