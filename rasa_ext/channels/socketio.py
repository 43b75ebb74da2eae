"""Socket.io channel for the widget: Rasa's, made robust and given our inbound rules.

Events and credentials are Rasa's (`user_message_evt`, `bot_message_evt`, `namespace`,
`session_persistence`, `socketio_path`, `jwt_key`, `jwt_method`, `metadata_key`). Differences:

- no handler ever raises: an event whose data is not an object, without `message`, with a null,
  non-string or blank one gets a French `bot_uttered` answer (`UNREADABLE`) sent to the socket
  that sent it; a long text is cut (notice first, then the bot's answer); a failure while
  Rasa handles the message gets `APOLOGY`, and the log names the exception without its text;
- with `session_persistence`, a message without a valid `session_id` gets `NO_SESSION` instead
  of being dropped silently;
- metadata that is not an object (Rasa would `json.loads` a string) is ignored;
- the slash rule applies (the buttons offered are read through the agent of the Sanic app the
  blueprint is registered on);
- `enter_room` is awaited when it is a coroutine (python-socketio ≥ 5.10), so the channel works
  with the pinned 5.8.0 and after.

Hooks for later work: `create_server` (e.g. a Redis client manager), `session_id_for` (signed
session ids), `resolve_sender`, `on_connect`, `on_session_request`, `on_user_message`,
`prepare_text`, `process` (handoff pause, de-duplication).
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import rasa.core.channels.channel
from rasa.core.channels import socketio as rasa_socketio
from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketBlueprint, SocketIOOutput
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncServer

from rasa_ext.channels import messages
from rasa_ext.channels.erasure import process_then_erase
from rasa_ext.channels.messages import Inbound, Refused

logger = logging.getLogger(__name__)

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


class _Blueprint(SocketBlueprint):
    """Rasa's socket.io blueprint that also tells the channel which app it is registered on."""

    def __init__(self, channel: SocketIOInput, sio: AsyncServer, socketio_path: str, *args: Any) -> None:
        super().__init__(sio, socketio_path, *args)
        self.ctx.channel = channel

    def register(self, app: Sanic, options: dict[str, Any]) -> None:
        self.ctx.channel.app = app
        super().register(app, options)


class SocketIOInput(rasa_socketio.SocketIOInput):
    """Rasa's socket.io channel with our inbound-message rules (credentials key: its module path)."""

    max_text_length = messages.MAX_TEXT_LENGTH

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.app: Sanic | None = None

    @classmethod
    def name(cls) -> str:
        return "socketio"

    # --- wiring -----------------------------------------------------------------------------

    def create_server(self) -> AsyncServer:
        """The socket.io server. `cors_allowed_origins=[]` is Rasa's: no origin check by engine.io."""
        return AsyncServer(async_mode="sanic", cors_allowed_origins=[])

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
            except Exception as error:
                logger.error("socket.io connect failed: %s", messages.describe_failure(error))
                return False

        @sio.on("disconnect", namespace=self.namespace)
        async def disconnect(sid: str, *_: Any) -> None:
            logger.debug("User %s disconnected from socketIO endpoint.", sid)

        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: str, *args: Any) -> None:
            try:
                await self.on_session_request(sid, args[0] if args else None)
            except Exception as error:
                logger.error("socket.io session request failed: %s", messages.describe_failure(error))

        @sio.on(self.user_message_evt, namespace=self.namespace)
        async def handle_message(sid: str, *args: Any) -> None:
            try:
                await self.on_user_message(sid, args[0] if args else None, on_new_message)
            except Exception as error:
                logger.error("socket.io message failed: %s", messages.describe_failure(error))

        return webhook

    @property
    def agent(self) -> Any:
        """Rasa's agent on the app this channel is registered on (None outside Rasa)."""
        return getattr(getattr(self.app, "ctx", None), "agent", None)

    # --- events ------------------------------------------------------------------------------

    async def on_connect(self, sid: str, environ: dict, auth: Any) -> bool:
        """Accept the connection, or check the JWT in `auth["token"]` if `jwt_key` is set (Rasa's rule)."""
        if self.jwt_key:
            token = auth.get("token") if isinstance(auth, dict) else None
            if not isinstance(token, str) or not rasa.core.channels.channel.decode_bearer_token(
                token, self.jwt_key, self.jwt_algorithm
            ):
                return False
        logger.debug("User %s connected to socketIO endpoint.", sid)
        return True

    async def on_session_request(self, sid: str, data: Any) -> None:
        """Confirm a session id to the client, joining its room when sessions persist."""
        session_id = await self.session_id_for(sid, data)
        if self.session_persistence:
            entered = self.sio.enter_room(sid, session_id, namespace=self.namespace)
            if inspect.isawaitable(entered):  # a coroutine from python-socketio 5.10 on
                await entered
        await self.sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)
        logger.debug("User %s started a session.", sid)

    async def session_id_for(self, sid: str, data: Any) -> str:
        """The session id asked for in `data["session_id"]` if it is a valid id, else a new one."""
        asked = data.get("session_id") if isinstance(data, dict) else None
        return asked if messages.is_valid_sender(asked) else uuid.uuid4().hex

    async def resolve_sender(self, sid: str, data: dict[str, Any]) -> str:
        """The conversation id of a message: the session id when sessions persist, else the socket id."""
        if not self.session_persistence:
            return sid
        session_id = data.get("session_id")
        if not messages.is_valid_sender(session_id):
            raise Refused("no_session", messages.NO_SESSION)
        return session_id

    async def on_user_message(self, sid: str, data: Any, on_new_message: OnNewMessage) -> None:
        try:
            if not isinstance(data, dict):
                raise Refused("invalid_message", messages.UNREADABLE)
            sender_id = await self.resolve_sender(sid, data)
            inbound = await self.prepare_text(data.get("message"), sender_id)
        except Refused as refusal:
            logger.info("socket.io message refused: %s", refusal.reason)
            await self.send_text(sid, refusal.answer)
            return

        output = SocketIOOutput(self.sio, self.bot_message_evt)
        if inbound.truncated:
            await output.send_text_message(sender_id, messages.TRUNCATED_NOTICE)
        metadata = messages.lenient_metadata(data.get(self.metadata_key))
        message = UserMessage(inbound.text, output, sender_id, input_channel=self.name(), metadata=metadata)
        try:
            await self.process(message, on_new_message)
        except (Exception, asyncio.CancelledError) as error:
            logger.error("socket.io message failed: %s", messages.describe_failure(error))
            await output.send_text_message(sender_id, messages.APOLOGY)

    async def prepare_text(self, value: object, sender_id: str) -> Inbound:
        return await messages.prepare_text(value, sender_id, self.agent, self.max_text_length)

    async def process(self, message: UserMessage, on_new_message: OnNewMessage) -> None:
        """Hand the message to Rasa, then erase its sender if the turn asked for it (override to pause,
        de-duplicate…)."""
        await process_then_erase(message, on_new_message)

    async def send_text(self, room: str, text: str) -> None:
        """One bot message, as Rasa's output channel sends it, to a socket id or a session room."""
        await self.sio.emit(self.bot_message_evt, {"text": text}, room=room, namespace=self.namespace)
