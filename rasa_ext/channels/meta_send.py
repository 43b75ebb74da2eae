"""Sending to Messenger and Instagram: the Send API, Meta's limits and its messaging window.

`MetaOutput` is the Rasa output channel of both platforms (the conversation id's prefix, `fb-`
or `ig-`, says which). Each bot message becomes one or more Send API calls,
`POST {META_GRAPH_URL}/me/messages?access_token=<META_PAGE_TOKEN>`:

- text split to Meta's limits (Messenger 2 000 characters, Instagram 1 000 bytes of UTF-8),
  at a paragraph, line, sentence or word boundary when there is one in the second half of the
  part, otherwise cut;
- buttons (Rasa `buttons` or `quick_replies`) become quick replies on the last part, titles cut
  to 20 characters (Meta's limit; our titles are written to fit, CONVENTIONS.md). More than 13
  choices (Meta's maximum) become a numbered list in the text, remembered per conversation in
  the shared store so that a typed "3" gives the third payload;
- an `image` becomes an image attachment; `custom` payloads are not sent.

The messaging window, from the person's last message (recorded by the webhook in the shared
store, or known from the event being processed): within 24 hours a normal `RESPONSE`; from 24
hours to 7 days `messaging_type: MESSAGE_TAG` with `tag: HUMAN_AGENT` (only people write that
late: adviser messages from the back office); beyond 7 days, or with no known last message,
nothing is sent and `WindowClosed` is raised. Rasa's `/execute` then answers 500 with the
exception's text, `WINDOW_CLOSED_MARKER`, which the back office turns into "injoignable par
Messenger : appeler" (`bot.handoff.delivery`).

Logs carry HTTP statuses and Meta's error codes, never a recipient, a text or the token.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import aiohttp
from rasa.core.channels.channel import OutputChannel

from bot.handoff.models import WINDOW_CLOSED_MARKER
from rasa_ext.channels.meta_events import FACEBOOK, INSTAGRAM, split_sender
from rasa_ext.channels.meta_store import MetaState

logger = logging.getLogger(__name__)

Clock = Callable[[], dt.datetime]

MESSENGER_TEXT_LIMIT = 2000  # characters
INSTAGRAM_TEXT_LIMIT = 1000  # bytes of UTF-8
MAX_QUICK_REPLIES = 13
MAX_TITLE_LENGTH = 20
MAX_PAYLOAD_LENGTH = 1000
RESPONSE_WINDOW = dt.timedelta(hours=24)
HUMAN_AGENT_WINDOW = dt.timedelta(days=7)
SEND_TIMEOUT = 10.0  # seconds

CHOOSE = "Choisissez :"
NUMBER_HINT = "Répondez par le numéro de votre choix (par exemple « 1 »)."


class WindowClosed(Exception):
    """Meta's window is closed for this conversation: nothing was sent."""

    def __init__(self) -> None:
        super().__init__(WINDOW_CLOSED_MARKER)


class SendFailed(Exception):
    """The Send API refused a message or could not be reached (the text says only how)."""


@dataclass(frozen=True)
class MetaConfig:
    page_token: str
    app_secret: str
    verify_token: str
    graph_url: str

    @property
    def messages_url(self) -> str:
        return self.graph_url.rstrip("/") + "/me/messages"


# --- pure formatting --------------------------------------------------------------------------

def text_size(platform: str) -> tuple[int, Callable[[str], int]]:
    """(limit, measure) of a text part on `platform`."""
    if platform == INSTAGRAM:
        return INSTAGRAM_TEXT_LIMIT, lambda text: len(text.encode("utf-8", "surrogatepass"))
    return MESSENGER_TEXT_LIMIT, len


_SENTENCE_END = re.compile(r"[.!?…:;](?=\s)")


def _longest_prefix(text: str, limit: int, measure: Callable[[str], int]) -> int:
    total = 0
    for index, char in enumerate(text):
        total += measure(char)
        if total > limit:
            return index
    return len(text)


def _boundary(window: str) -> int:
    """Where to cut `window` (an index after a boundary), 0 when there is no good boundary."""
    half = len(window) // 2
    for finder in (
        lambda w: w.rfind("\n\n") + 2 if "\n\n" in w else 0,
        lambda w: w.rfind("\n") + 1 if "\n" in w else 0,
        lambda w: max((m.end() for m in _SENTENCE_END.finditer(w)), default=0),
        lambda w: w.rfind(" ") + 1 if " " in w else 0,
    ):
        cut = finder(window)
        if cut > half:
            return cut
    return 0


def split_text(text: str, limit: int, measure: Callable[[str], int] = len) -> list[str]:
    """`text` in parts of at most `limit` (as `measure` counts), cut at boundaries when possible."""
    parts: list[str] = []
    rest = text.strip()
    while rest:
        if measure(rest) <= limit:
            parts.append(rest)
            break
        end = max(1, _longest_prefix(rest, limit, measure))
        cut = _boundary(rest[:end]) or end
        part = rest[:cut].rstrip()
        if not part:
            part, cut = rest[:end], end
        parts.append(part)
        rest = rest[cut:].lstrip()
    return parts


def short_title(title: str) -> str:
    """A quick-reply title of at most 20 characters, cut at a word when possible, with "…"."""
    title = " ".join(title.split())
    if len(title) <= MAX_TITLE_LENGTH:
        return title
    kept = title[: MAX_TITLE_LENGTH - 1]
    space = kept.rfind(" ")
    if space >= MAX_TITLE_LENGTH // 2:
        kept = kept[:space]
    return kept.rstrip(" ,;:-'’") + "…"


def choices_of(message: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(title, payload) of the buttons and quick replies of a bot message."""
    found = []
    for key in ("quick_replies", "buttons"):
        for button in message.get(key) or ():
            if not isinstance(button, Mapping):
                continue
            title, payload = button.get("title"), button.get("payload")
            if isinstance(title, str) and title.strip() and isinstance(payload, str) and payload.strip():
                found.append((title.strip(), payload.strip()))
    return found


def numbered_list(choices: Sequence[tuple[str, str]]) -> str:
    lines = [f"{number}. {title}" for number, (title, _) in enumerate(choices, start=1)]
    return "\n".join(lines) + "\n\n" + NUMBER_HINT


def read_number(text: str, count: int) -> int | None:
    """The choice a typed number names ("3", " 3. ", "n°3"), 1-based, or None."""
    match = re.fullmatch(r"\s*(?:n°\s*)?(\d{1,3})\s*[.)]?\s*", text, flags=re.IGNORECASE)
    if match is None:
        return None
    number = int(match.group(1))
    return number if 1 <= number <= count else None


@dataclass(frozen=True)
class Rendering:
    """The Send API `message` objects of one bot message, and the list of payloads it numbered."""

    messages: tuple[dict[str, Any], ...]
    numbered: tuple[str, ...] | None = None


def render(message: Mapping[str, Any], platform: str) -> Rendering:
    text = message.get("text") if isinstance(message.get("text"), str) else ""
    choices = choices_of(message)
    numbered: tuple[str, ...] | None = None
    quick_replies: list[dict[str, str]] = []
    if len(choices) > MAX_QUICK_REPLIES:
        text = (text.strip() + "\n\n" if text.strip() else "") + numbered_list(choices)
        numbered = tuple(payload for _, payload in choices)
    elif choices:
        quick_replies = [{"content_type": "text", "title": short_title(title), "payload": payload[:MAX_PAYLOAD_LENGTH]}
                         for title, payload in choices]
    limit, measure = text_size(platform)
    parts = split_text(text, limit, measure)
    if quick_replies and not parts:
        parts = [CHOOSE]
    bodies: list[dict[str, Any]] = []
    image = message.get("image")
    if isinstance(image, str) and image.startswith(("https://", "http://")):
        bodies.append({"attachment": {"type": "image", "payload": {"url": image, "is_reusable": True}}})
    for index, part in enumerate(parts):
        body: dict[str, Any] = {"text": part}
        if quick_replies and index == len(parts) - 1:
            body["quick_replies"] = quick_replies
        bodies.append(body)
    return Rendering(tuple(bodies), numbered)


def messaging_params(last_seen: dt.datetime | None, now: dt.datetime) -> dict[str, str]:
    """The Send API's `messaging_type` (and `tag`) for a message sent at `now`; `WindowClosed` beyond."""
    if last_seen is None:
        raise WindowClosed()
    age = now - last_seen
    if age < RESPONSE_WINDOW:
        return {"messaging_type": "RESPONSE"}
    if age < HUMAN_AGENT_WINDOW:
        return {"messaging_type": "MESSAGE_TAG", "tag": "HUMAN_AGENT"}
    raise WindowClosed()


# --- the Send API -----------------------------------------------------------------------------

class GraphClient:
    """`POST /me/messages` with the Page token (one short-lived HTTP session per call)."""

    def __init__(self, config: MetaConfig, timeout: float = SEND_TIMEOUT) -> None:
        self.config = config
        self.timeout = timeout

    async def post(self, body: dict[str, Any]) -> None:
        try:
            async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.timeout)) as client:
                async with client.post(self.config.messages_url, params={"access_token": self.config.page_token},
                                       json=body) as answer:
                    if 200 <= answer.status < 300:
                        await answer.read()
                        return
                    code = await _error_code(answer)
        except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as error:
            # the exception's text may hold the URL, hence the token: only its type goes on
            raise SendFailed(f"Send API unreachable ({type(error).__name__})") from None
        raise SendFailed(f"Send API refused the message (HTTP {answer.status}, code {code})")


async def _error_code(answer: aiohttp.ClientResponse) -> object:
    try:
        data = await answer.json(content_type=None)
    except (ValueError, aiohttp.ClientError):
        return None
    error = data.get("error") if isinstance(data, dict) else None
    code = error.get("code") if isinstance(error, dict) else None
    return code if isinstance(code, int) else None


class MetaOutput(OutputChannel):
    """Rasa's output to Messenger and Instagram (see the module doc).

    `seen_at`: the time of the person's message being answered (the worker knows it); without
    it, the shared store says when the person last wrote.
    """

    def __init__(self, graph: GraphClient, state: MetaState, clock: Clock,
                 seen_at: dt.datetime | None = None) -> None:
        self.graph = graph
        self.state = state
        self.clock = clock
        self.seen_at = seen_at

    @classmethod
    def name(cls) -> str:
        return "meta"

    async def params_for(self, recipient_id: str) -> dict[str, str]:
        last_seen = self.seen_at or await self.state.last_seen(recipient_id)
        try:
            return messaging_params(last_seen, self.clock())
        except WindowClosed:
            logger.info("Messenger/Instagram message not sent: the messaging window has closed.")
            raise

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        platform, meta_id = split_sender(recipient_id)
        rendering = render(message, platform)
        if not rendering.messages:
            return
        params = await self.params_for(recipient_id)
        if rendering.numbered is not None:
            await self.state.offer_list(recipient_id, rendering.numbered)
        for body in rendering.messages:
            await self.graph.post({"recipient": {"id": meta_id}, **params, "message": body})

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"text": text})

    async def send_text_with_buttons(self, recipient_id: str, text: str, buttons: list[dict[str, Any]],
                                     **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"text": text, "buttons": buttons})

    async def send_quick_replies(self, recipient_id: str, text: str, quick_replies: list[dict[str, Any]],
                                 **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"text": text, "quick_replies": quick_replies})

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"image": image})

    async def send_action(self, recipient_id: str, action: str) -> None:
        """A sender action ("typing_on", "mark_seen"): only while answering, so no window check."""
        _, meta_id = split_sender(recipient_id)
        await self.graph.post({"recipient": {"id": meta_id}, "sender_action": action})


__all__ = [
    "FACEBOOK", "INSTAGRAM", "GraphClient", "MetaConfig", "MetaOutput", "Rendering", "SendFailed", "WindowClosed",
    "messaging_params", "numbered_list", "read_number", "render", "short_title", "split_text",
]
