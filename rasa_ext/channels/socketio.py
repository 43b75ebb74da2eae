"""Socket.io channel for the widget: Rasa's events, server-issued signed sessions, our inbound rules.

Events and credentials are Rasa's (`user_message_evt`, `bot_message_evt`, `namespace`,
`session_persistence`, `socketio_path`, `jwt_key`, `jwt_method`, `metadata_key`). The protocol
(docs/widget.md has the full description):

- **connect**: the `Origin` header must be one of `ALLOWED_ORIGINS` (scheme, host and port; see
  `sessions.py`). A missing Origin is refused: browsers always send one, and a non-browser client
  (tests, scripts) sends it as a header like a browser. Engine.io checks it first (HTTP 400, and
  the CORS headers of the long-polling transport); the connect handler checks it again and
  refuses with a French reason (`connect_error`). Rasa's JWT rule follows if `jwt_key` is set.
- **session_request** `{session_id: token | null}`: without a token, the server issues a new
  session (`sessions.SessionSigner`); with one, it must be a token this server signed. Accepted:
  the socket joins the session's room and gets `session_confirm` with the token (a string, as
  in Rasa). Refused (foreign, forged or malformed token, data that is not an object): no room,
  no session, and `session_refused` `{reason, message}` with a French message; the socket may
  ask again without a token. Each request first leaves the socket's previous session.
- **user_uttered** `{message, metadata?}`: accepted only from a socket holding a session, and
  always for that session: a `session_id` in the payload is ignored. The conversation id given to
  Rasa is the session id (the token's first part), never the token.
- **missed_messages** `{since: n}` with an acknowledgement: the bot messages of the socket's own
  session from index `n` on, read from the tracker (`retrieve_full_tracker`), as
  `{since, next, messages: [{index, text?, quick_replies?, …}]}`; an error is
  `{error, message}`. Each reads the whole conversation: a socket may ask `MISSED_BURST` times at
  once, then once every `MISSED_REFILL_SECONDS` (`too_many` otherwise). Index *i* is the *i*-th
  bot message the widget receives live for the session (counted from 0), since both come from
  `widget_message` on the same `BotUttered`.
- **bot_uttered**: one event per bot message (Rasa's output splits a text on blank lines and
  sends `custom` payloads as emit arguments; ours sends the message whole): `text`,
  `quick_replies` (`{content_type, title, payload}`, from Rasa `buttons` or `quick_replies`),
  `attachment` for an image, `custom`. The channel's own answers (unreadable message, long
  message cut, technical failure, no session) carry `notice: true`: they are not in the tracker,
  so the widget does not count them.

As before, no handler ever raises: an event whose data is not an object, without `message`,
with a null, non-string or blank one gets `UNREADABLE`; a long text is cut (notice first, then
the bot's answer); a failure while Rasa handles the message gets `APOLOGY`, and the log names the
exception without its text. Metadata that is not an object is ignored; the slash rule applies.
`enter_room`/`leave_room` are awaited when they are coroutines (python-socketio ≥ 5.10).

Hooks: `create_server` (e.g. a Redis client manager; sessions need no shared state),
`resolve_sender`, `on_connect`, `on_session_request`, `on_user_message`, `on_missed_messages`,
`prepare_text`, `process` (calls `process_then_erase`: handoff pause, de-duplication…).
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import os
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import rasa.core.channels.channel
from rasa.core.channels import socketio as rasa_socketio
from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.socketio import SocketBlueprint, SocketIOOutput
from rasa.shared.core.events import BotUttered
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncRedisManager, AsyncServer
from socketio.exceptions import ConnectionRefusedError as SocketRefused

try:
    from sanic_cors.core import SANIC_CORS_EVALUATED
except ImportError:  # Sanic-CORS comes with Rasa; its marker is a plain attribute name
    SANIC_CORS_EVALUATED = "_sanic_cors_e"

from rasa_ext.channels import messages, sessions
from rasa_ext.channels.erasure import is_marker, process_then_erase
from rasa_ext.channels.messages import Inbound, Refused
from rasa_ext.channels.sessions import Session, SessionSigner

logger = logging.getLogger(__name__)

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]

SESSION_REFUSED_EVT = "session_refused"
MISSED_MESSAGES_EVT = "missed_messages"
_closing: set[asyncio.Task[None]] = set()  # transports being closed after a refusal (kept alive until done)
MAX_MISSED = 100
"""Bot messages returned at most by one `missed_messages` request (the most recent ones)."""

ORIGIN_REFUSED = "Connexion refusée : ce site n'est pas autorisé à utiliser l'assistant Cap Jeunes 62."
SESSION_REFUSED = (
    "Cette conversation ne peut pas être reprise : son identifiant n'a pas été délivré par ce serveur. "
    "Une nouvelle conversation peut commencer."
)
INVALID_MISSED = "La demande de messages manqués doit être un objet comme {\"since\": 0} (un entier positif ou nul)."
TOO_MANY_MISSED = "Trop de demandes de messages manqués : patientez quelques secondes."
# Each `missed_messages` reads and decrypts the whole conversation: a socket may ask MISSED_BURST
# times at once (a reconnection asks once), then once every MISSED_REFILL_SECONDS (issue 16).
MISSED_BURST = 5
MISSED_REFILL_SECONDS = 2.0


def widget_message(message: Mapping[str, Any]) -> dict[str, Any] | None:
    """What the widget receives for one bot message (None: nothing to show).

    Used for live messages and for missed ones, so that both count the same messages.
    """
    payload: dict[str, Any] = {}
    text = message.get("text")
    if isinstance(text, str) and text.strip():
        payload["text"] = text
    replies = [
        {"content_type": "text", "title": button["title"], "payload": button["payload"]}
        for key in ("quick_replies", "buttons")
        for button in (message.get(key) or ())
        if isinstance(button, dict) and isinstance(button.get("title"), str) and isinstance(button.get("payload"), str)
    ]
    if replies:
        payload["quick_replies"] = replies
    image = message.get("image")
    if isinstance(image, str) and image:
        payload["attachment"] = {"type": "image", "payload": {"src": image}}
    custom = message.get("custom")
    if isinstance(custom, dict) and custom and not is_marker(message):
        payload["custom"] = custom
    return payload or None


class WidgetOutput(SocketIOOutput):
    """One `bot_uttered` event per bot message, to the session's room, in the channel's namespace."""

    def __init__(self, sio: AsyncServer, bot_message_evt: str, namespace: str | None = None) -> None:
        super().__init__(sio, bot_message_evt)
        self.namespace = namespace

    async def _send_message(self, socket_id: str, response: Any) -> None:
        await self.sio.emit(self.bot_message_evt, response, room=socket_id, namespace=self.namespace)

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        payload = widget_message(message)
        if payload is not None:
            await self._send_message(recipient_id, payload)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"text": text})

    async def send_notice(self, room: str, text: str) -> None:
        """One of the channel's own answers (not in the tracker: the widget does not count it)."""
        await self._send_message(room, {"text": text, "notice": True})


class _Blueprint(SocketBlueprint):
    """Rasa's socket.io blueprint that also tells the channel which app it is registered on."""

    def __init__(self, channel: SocketIOInput, sio: AsyncServer, socketio_path: str, *args: Any) -> None:
        super().__init__(sio, socketio_path, *args)
        self.ctx.channel = channel

    def register(self, app: Sanic, options: dict[str, Any]) -> None:
        self.ctx.channel.app = app
        super().register(app, options)


_SEVERAL = object()
"""The data of an event sent with more than one argument: malformed, like data that is not an object."""


def _data(args: tuple[Any, ...]) -> Any:
    return args[0] if len(args) == 1 else (None if not args else _SEVERAL)


async def _maybe_await(value: Any) -> None:
    if inspect.isawaitable(value):  # a coroutine from python-socketio 5.10 on
        await value


class Allowance:
    """A token bucket per socket: `burst` at once, then one every `refill` seconds."""

    def __init__(self, burst: int, refill: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.burst, self.refill, self.clock = burst, refill, clock
        self.buckets: dict[str, tuple[float, float]] = {}

    def take(self, key: str) -> bool:
        now = self.clock()
        tokens, since = self.buckets.get(key, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - since) / self.refill)
        if tokens < 1:
            self.buckets[key] = (tokens, now)
            return False
        self.buckets[key] = (tokens - 1, now)
        return True

    def forget(self, key: str) -> None:
        self.buckets.pop(key, None)


class SocketIOInput(rasa_socketio.SocketIOInput):
    """Rasa's socket.io channel with signed sessions and our inbound rules (see the module doc)."""

    max_text_length = messages.MAX_TEXT_LENGTH

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.app: Sanic | None = None
        # Read at start-up: production refuses to start without a key, or with a wrong origin.
        self.signer = SessionSigner.from_environ()
        self.origins = sessions.allowed_origins()
        self.missed_allowance = Allowance(MISSED_BURST, MISSED_REFILL_SECONDS)

    @classmethod
    def name(cls) -> str:
        return "socketio"

    # --- wiring -----------------------------------------------------------------------------

    def origin_allowed(self, origin: object) -> bool:
        normalized = sessions.normalize_origin(origin)
        return normalized is not None and normalized in self.origins

    def engineio_origin_check(self, origin: object, environ: dict | None = None) -> bool:
        """Engine.io's check, run for every request of the socket.io path (polling and websocket).

        Engine.io then answers CORS itself for allowed origins; the request is marked so that Rasa's
        own CORS (Sanic-CORS, when `rasa run --cors` is given) does not add a second
        `Access-Control-Allow-Origin` header, which browsers reject.
        """
        request = (environ or {}).get("sanic.request")
        if request is not None:
            setattr(request.ctx, SANIC_CORS_EVALUATED, "1")
        return self.origin_allowed(origin)

    def create_server(self) -> AsyncServer:
        """The socket.io server; engine.io checks the Origin and answers CORS for allowed ones only.

        With `REDIS_URL`, python-socketio's Redis manager publishes every emit to all replicas, so
        that a reply or an adviser's message reaches the browser whichever replica it is connected to.
        """
        url = (os.environ.get("REDIS_URL") or "").strip()
        manager = None
        if url:
            prefix = (os.environ.get("CJ62_REDIS_PREFIX") or "cj62:").strip()
            manager = AsyncRedisManager(url, channel=f"{prefix}socketio")
            logger.info("socket.io: emits shared between replicas through Redis.")
        return AsyncServer(async_mode="sanic", cors_allowed_origins=self.engineio_origin_check, cors_credentials=False,
                           client_manager=manager)

    def close_transport_after_refusal(self, sio: AsyncServer, sid: str) -> None:
        """End the engine.io connection of a refused socket once its `connect_error` is delivered.

        Since python-socketio 5.12 a refused namespace leaves the engine.io connection open (a
        client may try another namespace): a refused client kept a session, and python-socketio's
        own client waited for its next ping, about 30 s, before reporting the refusal.
        """
        eio_sid = sio.manager.eio_sid_from_sid(sid, self.namespace or "/")
        if eio_sid is not None:
            task = asyncio.get_running_loop().create_task(sio.eio.disconnect(eio_sid))  # waits for the queue
            _closing.add(task)
            task.add_done_callback(_closing.discard)

    def get_output_channel(self) -> OutputChannel | None:
        """Our output (used by Rasa's HTTP API with `output_channel=socketio`, e.g. an adviser's message)."""
        if self.sio is None:
            return super().get_output_channel()
        return WidgetOutput(self.sio, self.bot_message_evt, self.namespace)

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        sio = self.create_server()
        self.sio = sio  # Rasa's get_output_channel reads it
        webhook = _Blueprint(self, sio, self.socketio_path, "socketio_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        # Handlers take *args: a client may send any number of arguments with an event.
        @sio.on("connect", namespace=self.namespace)
        async def connect(sid: str, environ: dict, auth: Any = None) -> bool:
            try:
                return await self.on_connect(sid, environ, auth)
            except SocketRefused:
                self.close_transport_after_refusal(sio, sid)
                raise
            except Exception as error:
                logger.error("socket.io connect failed: %s", messages.describe_failure(error))
                return False

        @sio.on("disconnect", namespace=self.namespace)
        async def disconnect(sid: str, *_: Any) -> None:
            self.missed_allowance.forget(sid)
            logger.debug("A socket disconnected from the socket.io endpoint.")

        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: str, *args: Any) -> None:
            try:
                await self.on_session_request(sid, _data(args))
            except Exception as error:
                logger.error("socket.io session request failed: %s", messages.describe_failure(error))

        @sio.on(self.user_message_evt, namespace=self.namespace)
        async def handle_message(sid: str, *args: Any) -> None:
            try:
                await self.on_user_message(sid, _data(args), on_new_message)
            except Exception as error:
                logger.error("socket.io message failed: %s", messages.describe_failure(error))

        @sio.on(MISSED_MESSAGES_EVT, namespace=self.namespace)
        async def missed_messages(sid: str, *args: Any) -> dict[str, Any]:
            try:
                return await self.on_missed_messages(sid, _data(args))
            except Exception as error:
                logger.error("socket.io missed messages failed: %s", messages.describe_failure(error))
                return {"error": "unavailable", "message": messages.APOLOGY}

        return webhook

    @property
    def agent(self) -> Any:
        """Rasa's agent on the app this channel is registered on (None outside Rasa)."""
        return getattr(getattr(self.app, "ctx", None), "agent", None)

    def output(self) -> WidgetOutput:
        return WidgetOutput(self.sio, self.bot_message_evt, self.namespace)

    # --- the socket's session ------------------------------------------------------------------

    async def bound_session(self, sid: str) -> str | None:
        """The session id this socket holds, or None (no valid `session_request` yet, or disconnected)."""
        try:
            state = await self.sio.get_session(sid, namespace=self.namespace)
        except KeyError:
            return None
        session_id = state.get("session_id") if isinstance(state, dict) else None
        return session_id if isinstance(session_id, str) else None

    async def bind(self, sid: str, session: Session | None) -> None:
        """Make `session` the socket's session (None: no session), leaving the previous one's room."""
        previous = await self.bound_session(sid)
        if previous is not None and self.session_persistence:
            await _maybe_await(self.sio.leave_room(sid, previous, namespace=self.namespace))
        await self.sio.save_session(
            sid, {"session_id": session.session_id} if session else {}, namespace=self.namespace
        )
        if session is not None and self.session_persistence:
            await _maybe_await(self.sio.enter_room(sid, session.session_id, namespace=self.namespace))

    # --- events ------------------------------------------------------------------------------

    async def on_connect(self, sid: str, environ: dict, auth: Any) -> bool:
        """Refuse an Origin outside `ALLOWED_ORIGINS` (or none); then Rasa's JWT rule if `jwt_key` is set."""
        if not self.origin_allowed(environ.get("HTTP_ORIGIN")):
            logger.info("socket.io connection refused: origin missing or not allowed")
            raise SocketRefused(ORIGIN_REFUSED, {"reason": "origin_not_allowed"})
        if self.jwt_key:
            token = auth.get("token") if isinstance(auth, dict) else None
            if not isinstance(token, str) or not rasa.core.channels.channel.decode_bearer_token(
                token, self.jwt_key, self.jwt_algorithm
            ):
                return False
        logger.debug("A socket connected to the socket.io endpoint.")
        return True

    async def on_session_request(self, sid: str, data: Any) -> None:
        """Issue a session, or resume one this server signed; refuse anything else (see the module doc)."""
        await self.bind(sid, None)
        if data is None:
            asked = None
        elif isinstance(data, dict):
            asked = data.get("session_id")
        else:
            await self.refuse_session(sid, "invalid_request")
            return
        if asked is None or asked == "":
            session = self.signer.issue()
        else:
            session = self.signer.verify(asked)
            if session is None:
                await self.refuse_session(sid, "invalid_session")
                return
        await self.bind(sid, session)
        await self.sio.emit("session_confirm", session.token, room=sid, namespace=self.namespace)
        logger.debug("A socket %s a session.", "started" if asked in (None, "") else "resumed")

    async def refuse_session(self, sid: str, reason: str) -> None:
        logger.info("socket.io session refused: %s", reason)
        await self.sio.emit(
            SESSION_REFUSED_EVT, {"reason": reason, "message": SESSION_REFUSED}, room=sid, namespace=self.namespace
        )

    async def resolve_sender(self, sid: str, data: dict[str, Any]) -> str:
        """The conversation id of a message: the socket's session (persistent sessions) or the socket id.

        A `session_id` in `data` is ignored: a socket speaks only in the session it holds.
        """
        session_id = await self.bound_session(sid)
        if session_id is None:
            raise Refused("no_session", messages.NO_SESSION)
        return session_id if self.session_persistence else sid

    async def on_user_message(self, sid: str, data: Any, on_new_message: OnNewMessage) -> None:
        output = self.output()
        try:
            sender_id = await self.resolve_sender(sid, data if isinstance(data, dict) else {})
            if not isinstance(data, dict):
                raise Refused("invalid_message", messages.UNREADABLE)
            inbound = await self.prepare_text(data.get("message"), sender_id)
        except Refused as refusal:
            logger.info("socket.io message refused: %s", refusal.reason)
            await output.send_notice(sid, refusal.answer)
            return

        if inbound.truncated:
            await output.send_notice(sender_id, messages.TRUNCATED_NOTICE)
        metadata = messages.lenient_metadata(data.get(self.metadata_key))
        message = UserMessage(inbound.text, output, sender_id, input_channel=self.name(), metadata=metadata)
        try:
            await self.process(message, on_new_message)
        except messages.TURN_FAILURES as error:
            logger.error("socket.io message failed: %s", messages.describe_failure(error))
            await output.send_notice(sender_id, messages.APOLOGY)

    async def on_missed_messages(self, sid: str, data: Any) -> dict[str, Any]:
        """The bot messages of the socket's own session from index `since` on (see the module doc)."""
        try:
            sender_id = await self.resolve_sender(sid, {})
        except Refused as refusal:
            return {"error": refusal.reason, "message": refusal.answer}
        since = data.get("since") if isinstance(data, dict) else None
        if isinstance(since, bool) or not isinstance(since, int) or since < 0:
            return {"error": "invalid_request", "message": INVALID_MISSED}
        if not self.missed_allowance.take(sid):
            return {"error": "too_many", "message": TOO_MANY_MISSED}
        try:
            sent = await self.bot_messages(sender_id)
        except messages.TURN_FAILURES as error:
            logger.error("socket.io missed messages not read: %s", messages.describe_failure(error))
            return {"error": "unavailable", "message": messages.APOLOGY}
        start = max(since, len(sent) - MAX_MISSED)
        return {
            "since": since,
            "next": len(sent),
            "messages": [{"index": index, **sent[index]} for index in range(start, len(sent))],
        }

    async def bot_messages(self, sender_id: str) -> list[dict[str, Any]]:
        """Every bot message of a conversation as the widget received it live, oldest first."""
        store = getattr(self.agent, "tracker_store", None)
        if store is None:
            return []
        retrieve = getattr(store, "retrieve_full_tracker", None) or store.retrieve
        tracker = await retrieve(sender_id)
        if tracker is None:
            return []
        found = (widget_message(event.message()) for event in tracker.events if isinstance(event, BotUttered))
        return [payload for payload in found if payload is not None]

    async def prepare_text(self, value: object, sender_id: str) -> Inbound:
        return await messages.prepare_text(value, sender_id, self.agent, self.max_text_length)

    async def process(self, message: UserMessage, on_new_message: OnNewMessage) -> None:
        """Hand the message to Rasa (unless an adviser has the conversation and the person takes it
        back), then erase its sender if the turn asked for it."""
        await process_then_erase(message, on_new_message, self.agent)

    async def send_text(self, room: str, text: str) -> None:
        """One of the channel's own answers to a socket id or a session room."""
        await self.output().send_notice(room, text)
