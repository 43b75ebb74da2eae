"""REST channel: `POST /webhooks/rest/webhook` with `{"sender", "message", "metadata"?}`.

Same URL and answer format as Rasa's REST channel (a JSON list of `{recipient_id, text,
buttons…}`), with our inbound rules (`messages.py`) and these differences:

- we parse the body ourselves: malformed JSON, a body that is not an object, a `sender` that is
  not a valid id, a `message` that is not a string or `metadata` that is not an object give
  HTTP 400 with `{"status": "failure", "code": 400, "reason", "message"}`, `message` in French;
- an empty message gets a French answer (HTTP 200, the usual list) without going to Rasa;
- a message cut to its beginning gets `TRUNCATED_NOTICE` first in the list;
- a failure while Rasa handles the message adds `APOLOGY` to the list (never an empty list
  because of an error), and the log names the exception without its text;
- the input channel is always "rest" (Rasa lets the body choose it), and `?stream=true` is not
  offered: one JSON list per request;
- in production (`CJ62_ENV=production`) it is off (403), unless `REST_TOKEN` is set and sent in
  `X-Rest-Token`;
- an optional `message_id` (a client's id for this message): a retry with the same id, on any
  replica, gets the first answer without a second turn (`dedup.py`); HTTP 409 if the first is
  still running after 30 s. It is also the id of Rasa's user event, so that a retry of a turn
  whose replica died after saving it is answered from the conversation (`saved_answers`);
- the action server down during the turn: `APOLOGY`, and nothing of the turn is kept
  (`action_failures.py`).

Hooks for later work: `process` (around Rasa's handling: handoff pause, de-duplication),
`prepare_text` (the text rules), `user_message` (building the `UserMessage`).
"""

from __future__ import annotations

import hmac
import inspect
import logging
import os
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels import rest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.shared.core.events import BotUttered, UserUttered
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.settings import is_production
from rasa_ext.channels import messages
from rasa_ext.channels.dedup import INVALID_MESSAGE_ID, Busy, MessageIds, is_valid_message_id
from rasa_ext.channels.erasure import is_marker, process_then_erase
from rasa_ext.channels.messages import Inbound, Refused
from rasa_ext.stores.tracker import TrackerUnavailable

logger = logging.getLogger(__name__)

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


class TurnFailed(Exception):
    """A turn that failed; `answers` end with our apology."""

    def __init__(self, answers: list[dict[str, Any]]) -> None:
        super().__init__("turn failed")
        self.answers = answers


REST_TOKEN_HEADER = "X-Rest-Token"
REST_REFUSED = "Ce canal n'est pas ouvert au public : utilisez la fenêtre de discussion du site."
SENT_KEYS = ("text", "image", "buttons", "attachment", "custom", "quick_replies", "elements")
"""What `CollectingOutputChannel` puts in an answer, besides `recipient_id`."""
IN_PROGRESS = "Ce message est encore en cours de traitement : réessayez dans un instant."


class RestInput(rest.RestInput):
    """Rasa's REST channel with our inbound-message rules (credentials key: its module path)."""

    max_text_length = messages.MAX_TEXT_LENGTH

    @property
    def message_ids(self) -> MessageIds:
        """Retries de-duplicated on the client's `message_id` (in Redis when REDIS_URL is set)."""
        if getattr(self, "_message_ids", None) is None:
            self._message_ids = MessageIds()
        return self._message_ids

    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        module = inspect.getmodule(self)
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", module.__name__ if module else None)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            return await self.receive(request, on_new_message)

        return webhook

    async def receive(self, request: Request, on_new_message: OnNewMessage) -> HTTPResponse:
        refused = self.refuse_in_production(request)
        if refused is not None:
            return refused
        try:
            body = messages.parse_body(request.body)
            sender_id = messages.read_sender(body.get("sender"))
            metadata = messages.read_metadata(body.get("metadata"))
            message_id = body.get("message_id")
            if message_id is not None and not is_valid_message_id(message_id):
                raise Refused("invalid_message_id", INVALID_MESSAGE_ID)
        except Refused as refusal:
            logger.info("REST request refused: %s", refusal.reason)
            return self.bad_request(refusal)
        try:
            inbound = await self.prepare_text(body.get("message"), sender_id, request)
        except Refused as refusal:
            logger.info("REST message refused: %s", refusal.reason)
            if refusal.bad_request:
                return self.bad_request(refusal)
            return response.json([self.answer(sender_id, refusal.answer)])

        agent = getattr(request.app.ctx, "agent", None)

        async def turn() -> list[dict[str, Any]]:
            return await self.turn(inbound, sender_id, metadata, on_new_message, agent, message_id)

        async def saved_or_turn() -> list[dict[str, Any]]:
            saved = await self.saved_answers(agent, sender_id, message_id)
            return saved if saved is not None else await turn()

        try:
            if message_id is None:
                return response.json(await turn())
            return response.json(await self.message_ids.once(sender_id, message_id, turn, saved_or_turn))
        except TurnFailed as failed:  # not kept: a retry processes the message again
            return response.json(failed.answers)
        except Busy:
            logger.info("REST retry refused: the first one is still running")
            return response.json({"status": "failure", "code": 409, "reason": "in_progress",
                                  "message": IN_PROGRESS}, status=409)

    @staticmethod
    def refuse_in_production(request: Request) -> HTTPResponse | None:
        """In production the REST channel is off, unless `REST_TOKEN` is set and sent as `X-Rest-Token`
        (a server of the Département calling us): otherwise anyone could write as any `sender`."""
        if not is_production():
            return None
        token = (os.environ.get("REST_TOKEN") or "").strip()
        given = request.headers.get(REST_TOKEN_HEADER) or ""
        if token and hmac.compare_digest(given.encode("utf-8", "replace"), token.encode()):
            return None
        logger.info("REST request refused in production (token missing or invalid).")
        return response.json({"status": "failure", "code": 403, "reason": "forbidden", "message": REST_REFUSED},
                             status=403)

    async def turn(self, inbound: Inbound, sender_id: str, metadata: dict[str, Any] | None,
                   on_new_message: OnNewMessage, agent: Any, message_id: str | None = None) -> list[dict[str, Any]]:
        """One turn of the conversation: Rasa's answers; `TurnFailed` with our apology if it failed.

        A client's `message_id` becomes the id of Rasa's user event (`saved_answers` finds it)."""
        collector = CollectingOutputChannel()
        answers: list[dict[str, Any]] = []
        if inbound.truncated:
            answers.append(self.answer(sender_id, messages.TRUNCATED_NOTICE))
        message = self.user_message(inbound, collector, sender_id, metadata)
        if message_id is not None:
            message.message_id = message_id
        try:
            erased = await self.process(message, on_new_message, agent)
        except messages.TURN_FAILURES as error:
            logger.error("REST message failed: %s", messages.describe_failure(error))
            collector.messages.append(self.answer(sender_id, messages.APOLOGY))
            raise TurnFailed(answers + collector.messages) from None
        if erased:  # the answers kept for retries go with the rest
            await self.message_ids.forget(sender_id)
        return answers + collector.messages

    @staticmethod
    async def saved_answers(agent: Any, sender_id: str, message_id: str) -> list[dict[str, Any]] | None:
        """The answers of a turn already saved for this `message_id` (its replica died before keeping
        them, `dedup.py`), read back from the conversation; None if the turn is not there."""
        store = getattr(agent, "tracker_store", None)
        try:
            tracker = await store.retrieve(sender_id) if store is not None else None
        except (Exception, TrackerUnavailable) as error:  # the turn will meet the same failure and apologise
            logger.warning("REST retry: the conversation could not be read: %s", messages.describe_failure(error))
            return None
        if tracker is None:
            return None
        found: list[dict[str, Any]] | None = None
        for event in tracker.events:
            if isinstance(event, UserUttered):
                if found is not None:
                    break
                if event.message_id == message_id:
                    found = []
            elif isinstance(event, BotUttered) and found is not None:
                sent = {key: value for key, value in event.message().items() if value and key in SENT_KEYS}
                if not is_marker(sent):
                    found.append({"recipient_id": sender_id, **sent})
        if found is not None:
            logger.info("REST retry answered from the saved turn.")
        return found

    async def prepare_text(self, value: object, sender_id: str, request: Request) -> Inbound:
        """The text rules; the buttons offered are read through the agent on the Sanic app."""
        agent = getattr(request.app.ctx, "agent", None)
        return await messages.prepare_text(value, sender_id, agent, self.max_text_length)

    def user_message(
        self,
        inbound: Inbound,
        output_channel: CollectingOutputChannel,
        sender_id: str,
        metadata: dict[str, Any] | None,
    ) -> UserMessage:
        return UserMessage(inbound.text, output_channel, sender_id, input_channel=self.name(), metadata=metadata)

    async def process(self, message: UserMessage, on_new_message: OnNewMessage, agent: Any = None) -> bool:
        """Hand the message to Rasa (unless an adviser has the conversation and the person takes it
        back), then erase its sender if the turn asked for it; True if it did."""
        return await process_then_erase(message, on_new_message, agent)

    @staticmethod
    def answer(sender_id: str, text: str) -> dict[str, Any]:
        """One bot message in the format of Rasa's REST answers."""
        return {"recipient_id": sender_id, "text": text}

    @staticmethod
    def bad_request(refusal: Refused) -> HTTPResponse:
        return response.json(
            {"status": "failure", "code": 400, "reason": refusal.reason, "message": refusal.answer},
            status=400,
        )
