"""Messenger and Instagram: one input channel for Meta's Messenger Platform (docs/meta.md).

URL `/webhooks/meta/webhook`, for a Facebook Page (`object: "page"`) and the Instagram
professional account linked to it (`object: "instagram"`), with the Page token.

- **GET** (Meta's verification): `hub.mode=subscribe` and `hub.verify_token` equal to
  `META_VERIFY_TOKEN` echo `hub.challenge`; anything else is 403.
- **POST**: `X-Hub-Signature-256` must be the HMAC-SHA256 of the raw body with `META_APP_SECRET`
  (compared with `hmac.compare_digest`): missing or wrong is 403 and nothing is read. A body
  that is not a JSON object is 400. Otherwise every entry and every event is read
  (`meta_events.read_delivery`): receipts, echoes, `standby` and handover events are accepted
  and ignored; each message of the person is checked against the shared de-duplication store
  (its `mid`, 48 hours), written to the durable queue (the table `meta_inbox`), and the time of
  the person's message recorded, all *before* the answer (200). If the queue cannot be written,
  the answer is 500 and Meta delivers again later.
- **The worker** (`meta_queue.QueueWorker`, started with the server, resuming what is queued)
  processes each event: `typing_on`, then the text rules of our other channels
  (`messages.prepare_text`: cleaning, slash rule, 2 000 characters at most, French answer to an
  empty or unreadable message such as a sticker), then Rasa's `on_new_message` (which takes the
  conversation's lock) through `process_then_erase` (handoff pause, erasure on request). A
  quick reply or a postback gives its payload; the "Démarrer" postback (`get_started_payload`,
  default "GET_STARTED") gives "/greet"; a typed number answers the numbered list offered last.
- Conversation ids are `fb-<PSID>` and `ig-<IGSID>`; the input channel is "facebook" or
  "instagram" (`bot.handoff.models.Channel`; `actions/sheet.py` collects no sheet there).
- **Output**: `meta_send.MetaOutput` (limits, quick replies, numbered lists, the 24-hour /
  7-day window). `get_output_channel()` returns it, so an adviser's message sent by the back
  office through Rasa's `/execute?output_channel=latest` goes out here; Rasa looks the channel
  up by the conversation's input channel name, so an alias named "instagram" is added to the
  app's input channels at start-up.

Off unless `META_PAGE_TOKEN`, `META_APP_SECRET`, `META_VERIFY_TOKEN` and `META_GRAPH_URL` are all
set: the webhook then answers 503 and the log says which variables are missing (never their
values). No log line carries a user's text, an id of a person or a token.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import hmac
import json
import logging
import os
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.meta_inbox import MetaInbox, QueuedEvent
from rasa_ext.channels import messages
from rasa_ext.channels.action_failures import ActionServerUnavailable
from rasa_ext.channels.erasure import process_then_erase
from rasa_ext.channels.messages import Inbound, Refused
from rasa_ext.channels.meta_events import (
    DEFAULT_GET_STARTED_PAYLOAD,
    GET_STARTED,
    INSTAGRAM,
    POSTBACK,
    QUICK_REPLY,
    MetaEvent,
    read_delivery,
)
from rasa_ext.channels.meta_queue import DEFAULT_CONCURRENCY, DEFAULT_LEASE, DEFAULT_POLL, QueueWorker
from rasa_ext.channels.meta_send import GraphClient, MetaConfig, MetaOutput, SendFailed, read_number
from rasa_ext.channels.meta_store import MetaState, SharedStore, store_from_env, utc_now
from rasa_ext.stores.tracker import TrackerUnavailable

logger = logging.getLogger(__name__)

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]
Clock = Callable[[], dt.datetime]

ENV_VARS = ("META_PAGE_TOKEN", "META_APP_SECRET", "META_VERIFY_TOKEN", "META_GRAPH_URL")
SIGNATURE_HEADER = "X-Hub-Signature-256"
GREET = "/greet"

CHANNEL_OFF = "Le canal Messenger / Instagram n'est pas configuré sur ce serveur."
INVALID_SIGNATURE = "Signature absente ou invalide : la requête ne vient pas de Meta."
INVALID_BODY = "Le corps de la requête doit être un objet JSON."
VERIFY_REFUSED = "Vérification refusée : jeton de vérification incorrect."


def read_config(environ: Mapping[str, str] | None = None) -> tuple[MetaConfig | None, list[str]]:
    """The channel's settings from the environment, or None with the names of the missing variables."""
    env = os.environ if environ is None else environ
    values = {name: (env.get(name) or "").strip() for name in ENV_VARS}
    missing = [name for name, value in values.items() if not value]
    if missing:
        return None, missing
    return MetaConfig(values["META_PAGE_TOKEN"], values["META_APP_SECRET"], values["META_VERIFY_TOKEN"],
                      values["META_GRAPH_URL"]), []


def signature_ok(app_secret: str, body: bytes, header: str | None) -> bool:
    if not header:
        return False
    expected = "sha256=" + hmac.new(app_secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode("ascii"), header.strip().encode("utf-8", "replace"))


def _failure(status: int, reason: str, message: str) -> HTTPResponse:
    return response.json({"status": "failure", "code": status, "reason": reason, "message": message}, status=status)


class _InstagramAlias(InputChannel):
    """Not mounted: lets Rasa's `output_channel=latest` find our output for "instagram" conversations."""

    def __init__(self, owner: MetaInput) -> None:
        self.owner = owner

    @classmethod
    def name(cls) -> str:
        return INSTAGRAM

    def get_output_channel(self) -> OutputChannel | None:
        return self.owner.get_output_channel()


class MetaInput(InputChannel):
    """Messenger and Instagram (credentials key: this class's module path; see the module doc)."""

    max_text_length = messages.MAX_TEXT_LENGTH

    def __init__(
        self,
        config: MetaConfig | None = None,
        *,
        from_environment: bool = True,
        inbox: MetaInbox | None = None,
        store: SharedStore | None = None,
        clock: Clock = utc_now,
        get_started_payload: str = DEFAULT_GET_STARTED_PAYLOAD,
        concurrency: int = DEFAULT_CONCURRENCY,
        lease: dt.timedelta = DEFAULT_LEASE,
        poll: float = DEFAULT_POLL,
        start_worker: bool = True,
    ) -> None:
        missing: list[str] = []
        if config is None and from_environment:
            config, missing = read_config()
        self.config = config
        self.missing = missing or ([] if config else list(ENV_VARS))
        self.inbox = inbox or MetaInbox()
        self.clock = clock
        self.store = store if store is not None else store_from_env(self.inbox, clock)
        self.state = MetaState(self.store, clock)
        self.get_started_payload = get_started_payload
        self.concurrency = concurrency
        self.lease = lease
        self.poll = poll
        self.start_worker = start_worker
        self.worker: QueueWorker | None = None
        self.app: Any = None

    @classmethod
    def name(cls) -> str:
        return "facebook"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> MetaInput:
        credentials = credentials or {}
        return cls(
            get_started_payload=str(credentials.get("get_started_payload") or DEFAULT_GET_STARTED_PAYLOAD),
            concurrency=int(credentials.get("concurrency") or DEFAULT_CONCURRENCY),
        )

    def url_prefix(self) -> str:
        return "meta"

    @property
    def enabled(self) -> bool:
        return self.config is not None

    @property
    def agent(self) -> Any:
        return getattr(getattr(self.app, "ctx", None), "agent", None)

    def get_output_channel(self) -> OutputChannel | None:
        """Our output (Rasa's HTTP API with `output_channel=latest`, e.g. an adviser's message)."""
        return self.output() if self.config is not None else None

    def output(self, seen_at: dt.datetime | None = None) -> MetaOutput:
        assert self.config is not None
        return MetaOutput(GraphClient(self.config), self.state, self.clock, seen_at)

    # --- wiring -----------------------------------------------------------------------------

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        webhook = Blueprint("meta_webhook", __name__)
        if not self.enabled:
            logger.warning("Canal Messenger / Instagram désactivé : variable(s) %s non définie(s) ; "
                           "le webhook /webhooks/meta/webhook répond 503.", ", ".join(self.missing))

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok" if self.enabled else "off"})

        @webhook.route("/webhook", methods=["GET"])
        async def verify(request: Request) -> HTTPResponse:
            return self.verify(request)

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                return await self.receive(request)
            except Exception as error:  # never a crash: Meta delivers again after a 500
                logger.error("Meta webhook failed: %s", messages.describe_failure(error))
                return _failure(500, "internal_error", messages.APOLOGY)

        @webhook.listener("after_server_start")
        async def start(app: Any, _loop: Any = None) -> None:
            await self.start(app, on_new_message)

        @webhook.listener("before_server_stop")
        async def stop(_app: Any, _loop: Any = None) -> None:
            await self.stop()

        return webhook

    async def start(self, app: Any, on_new_message: OnNewMessage) -> None:
        """Register the "instagram" alias, then start the worker (it resumes what is queued)."""
        self.app = app
        channels = getattr(app.ctx, "input_channels", None)
        if isinstance(channels, list) and not any(c.name() == INSTAGRAM for c in channels):
            channels.append(_InstagramAlias(self))
        if not self.enabled or not self.start_worker:
            return

        async def handle(item: QueuedEvent) -> None:
            await self.process(item, on_new_message)

        self.worker = QueueWorker(self.inbox, handle, self.clock, concurrency=self.concurrency, lease=self.lease,
                                  poll=self.poll)
        self.worker.start()

    async def stop(self) -> None:
        if self.worker is not None:
            await self.worker.stop()
            self.worker = None
        await self.store.close()

    # --- the webhook --------------------------------------------------------------------------

    def verify(self, request: Request) -> HTTPResponse:
        if self.config is None:
            return _failure(503, "channel_off", CHANNEL_OFF)
        mode = request.args.get("hub.mode")
        token = request.args.get("hub.verify_token") or ""
        challenge = request.args.get("hub.challenge") or ""
        if mode == "subscribe" and hmac.compare_digest(token.encode(), self.config.verify_token.encode()):
            logger.info("Meta webhook verified.")
            return response.text(challenge)
        logger.info("Meta webhook verification refused.")
        return _failure(403, "verification_refused", VERIFY_REFUSED)

    async def receive(self, request: Request) -> HTTPResponse:
        if self.config is None:
            return _failure(503, "channel_off", CHANNEL_OFF)
        raw = request.body or b""
        if not signature_ok(self.config.app_secret, raw, request.headers.get(SIGNATURE_HEADER)):
            logger.info("Meta webhook refused: signature missing or invalid.")
            return _failure(403, "invalid_signature", INVALID_SIGNATURE)
        try:
            body = json.loads(raw)
        except (ValueError, RecursionError):
            body = None
        if not isinstance(body, dict):
            logger.info("Meta webhook refused: the body is not a JSON object.")
            return _failure(400, "invalid_json", INVALID_BODY)

        delivery = read_delivery(body, self.get_started_payload)
        queued = duplicates = 0
        for event in delivery.events:
            if await self.enqueue(event):
                queued += 1
            else:
                duplicates += 1
        if queued and self.worker is not None:
            self.worker.wake()
        logger.debug("Meta delivery: %s queued, %s duplicate(s), %s ignored.", queued, duplicates, delivery.ignored)
        return response.text("EVENT_RECEIVED")

    async def enqueue(self, event: MetaEvent) -> bool:
        """Queue one event unless it is a re-delivery; record when the person wrote. False: duplicate."""
        if not await self.state.first_delivery(event.key):
            return False
        now = self.clock()
        try:
            queued = await asyncio.to_thread(self.inbox.enqueue, event.key, event.sender_id, event.as_json(), now)
        except BaseException:
            await self.state.forget_delivery(event.key)  # so that Meta's next delivery is taken
            raise
        if not queued:
            return False
        try:
            await self.state.record_seen(event.sender_id, now)
        except Exception as error:  # the event is queued: the answer must still be 200
            logger.warning("Meta: time of the message not recorded: %s", messages.describe_failure(error))
        return True

    # --- the worker -------------------------------------------------------------------------------

    async def process(self, item: QueuedEvent, on_new_message: OnNewMessage) -> None:
        """One queued event: typing indicator, text rules, then Rasa (see the module doc)."""
        event = MetaEvent.from_json(item.event)
        output = self.output(seen_at=item.received_at)
        try:
            await output.send_action(event.sender_id, "typing_on")
        except SendFailed as error:
            logger.warning("Meta typing indicator not sent: %s", error)
        try:
            inbound, metadata = await self.prepare_text(event)
        except Refused as refusal:
            logger.info("Meta message refused: %s", refusal.reason)
            await output.send_response(event.sender_id, {"text": refusal.answer})
            return
        if inbound.truncated:
            await output.send_response(event.sender_id, {"text": messages.TRUNCATED_NOTICE})
        message = UserMessage(inbound.text, output, event.sender_id, input_channel=event.platform, metadata=metadata)
        try:
            await process_then_erase(message, on_new_message, self.agent)
        except (Exception, TrackerUnavailable, ActionServerUnavailable) as error:  # a cancelled worker is let through
            logger.error("Meta message failed: %s", messages.describe_failure(error))
            await output.send_response(event.sender_id, {"text": messages.APOLOGY})

    async def prepare_text(self, event: MetaEvent) -> tuple[Inbound, dict[str, Any] | None]:
        """The text for Rasa and its metadata (`{"button": true}` for a choice), or `Refused`."""
        offered = await self.state.offered_list(event.sender_id)
        if offered:
            await self.state.clear_list(event.sender_id)  # it answers the bot's last turn only
        if event.kind == GET_STARTED:
            return Inbound(GREET), {"button": True}
        if event.kind in (QUICK_REPLY, POSTBACK):
            return await messages.prepare_text(event.payload, event.sender_id, self.agent,
                                               self.max_text_length), {"button": True}
        number = read_number(event.text, len(offered)) if offered and isinstance(event.text, str) else None
        if number is not None:
            # our own record of what was offered to this conversation: no slash rule to apply
            return messages.read_text(offered[number - 1], self.max_text_length), {"button": True}
        return await messages.prepare_text(event.text, event.sender_id, self.agent, self.max_text_length), None
