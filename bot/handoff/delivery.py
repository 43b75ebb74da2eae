"""The one reverse flow of CONVENTIONS.md: the back office asks Rasa to act in a conversation.

Every call is `POST {RASA_URL}/conversations/{sender_id}/execute?output_channel=latest` with the
JSON body `{"name": <action>}`, where the action is one of ours (implemented on the Rasa side):

- `action_deliver_adviser_message`: utters the conversation's pending adviser messages
  (`ContactRequestRepository.pending_messages`) on the channel the person last wrote from;
- `action_pause_for_adviser`: "prendre en charge" — the bot stops answering;
- `action_resume_bot`: "rendre la main au bot".

Authentication: in production (`CJ62_ENV=production`) a short-lived JWT signed with
`RASA_JWT_SECRET` (`RASA_JWT_METHOD`, default HS256) in `Authorization: Bearer`, with the claims
Rasa checks (`user.role = admin`); otherwise `?token=RASA_AUTH_TOKEN` when it is set.

A call never raises: HTTP errors, refused connections and timeouts give `Outcome(ok=False)`
with one of our fixed French reasons, and one log line without the sender id.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote

import aiohttp

from bot.handoff.models import (
    REASON_NO_DEFERRED_SENDING,
    REASON_RASA_REFUSED,
    REASON_RASA_UNREACHABLE,
    WINDOW_CLOSED_MARKER,
    AdviserMessage,
    DeliveryState,
    can_send_later,
    window_closed_reason,
)
from bot.settings import is_production

logger = logging.getLogger(__name__)

ACTION_DELIVER = "action_deliver_adviser_message"
ACTION_PAUSE = "action_pause_for_adviser"
ACTION_RESUME = "action_resume_bot"
DEFAULT_RASA_URL = "http://127.0.0.1:5005"
DEFAULT_TIMEOUT = 10.0  # seconds: an adviser waits for the page
JWT_LIFETIME = dt.timedelta(minutes=5)
JWT_USERNAME = "cj62-backoffice"


class DeliveryConfigError(RuntimeError):
    """Production without `RASA_JWT_SECRET` (French message)."""


@dataclass(frozen=True)
class Outcome:
    ok: bool
    reason: str | None = None
    window_closed: bool = False  # Messenger / Instagram: Meta's window no longer lets a message through


class RasaClient:
    """Executes our actions in a conversation through Rasa's HTTP API (see the module doc)."""

    def __init__(self, base_url: str = DEFAULT_RASA_URL, *, token: str | None = None,
                 jwt_secret: str | None = None, jwt_method: str = "HS256",
                 timeout: float = DEFAULT_TIMEOUT) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token or None
        self.jwt_secret = jwt_secret or None
        self.jwt_method = jwt_method
        self.timeout = timeout

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> RasaClient:
        env = os.environ if environ is None else environ
        production = is_production(env)
        secret = (env.get("RASA_JWT_SECRET") or "").strip() or None
        if production and secret is None:
            raise DeliveryConfigError("RASA_JWT_SECRET est obligatoire en production (CJ62_ENV=production).")
        return cls(
            (env.get("RASA_URL") or "").strip() or DEFAULT_RASA_URL,
            token=None if production else (env.get("RASA_AUTH_TOKEN") or "").strip() or None,
            jwt_secret=secret if production else None,
            jwt_method=(env.get("RASA_JWT_METHOD") or "").strip() or "HS256",
        )

    async def deliver(self, sender_id: str) -> Outcome:
        return await self.execute(sender_id, ACTION_DELIVER)

    async def pause(self, sender_id: str) -> Outcome:
        return await self.execute(sender_id, ACTION_PAUSE)

    async def resume(self, sender_id: str) -> Outcome:
        return await self.execute(sender_id, ACTION_RESUME)

    def _auth(self) -> tuple[dict[str, str], dict[str, str]]:
        """(query parameters, headers) that authenticate the call."""
        if self.jwt_secret:
            import jwt

            now = dt.datetime.now(dt.timezone.utc)
            claims = {"user": {"username": JWT_USERNAME, "role": "admin"}, "iat": now, "exp": now + JWT_LIFETIME}
            token = jwt.encode(claims, self.jwt_secret, algorithm=self.jwt_method)
            return {}, {"Authorization": f"Bearer {token}"}
        if self.token:
            return {"token": self.token}, {}
        return {}, {}

    async def execute(self, sender_id: str, action: str) -> Outcome:
        url = f"{self.base_url}/conversations/{quote(sender_id, safe='')}/execute"
        params, headers = self._auth()
        params["output_channel"] = "latest"
        try:
            async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.timeout)) as client:
                async with client.post(url, params=params, headers=headers, json={"name": action}) as response:
                    body = await response.read()
                    if 200 <= response.status < 300:
                        return Outcome(True)
                    if WINDOW_CLOSED_MARKER.encode() in body:
                        logger.info("Rasa could not send %s: the Meta messaging window has closed.", action)
                        return Outcome(False, REASON_RASA_REFUSED, window_closed=True)
                    logger.warning("Rasa refused %s (HTTP %s).", action, response.status)
                    return Outcome(False, REASON_RASA_REFUSED)
        except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as error:
            logger.warning("Rasa unreachable for %s (%s).", action, type(error).__name__)
            return Outcome(False, REASON_RASA_UNREACHABLE)


async def deliver_message(repository, client: RasaClient, message: AdviserMessage,  # type: ignore[no-untyped-def]
                          sender_id: str, channel: str) -> AdviserMessage:
    """Deliver a stored message through `client` and record the outcome (`mark_delivery`).

    Rasa's action utters every pending message of the conversation, so a success marks the
    earlier undelivered ones `delivre` too. Channels without deferred sending (`can_send_later`
    false) are not called: the message is `non_delivre` with the reason "canal sans envoi
    différé" (it stays in `pending_messages`, the chat may show it later). On Messenger and
    Instagram beyond Meta's window, the channel refuses to send and the message is `non_delivre`
    with "injoignable par Messenger : appeler" (or Instagram). `repository` is a
    `ContactRequestRepository`.
    """
    if not can_send_later(channel):
        return await asyncio.to_thread(repository.mark_delivery, message.id, DeliveryState.NON_DELIVRE,
                                       REASON_NO_DEFERRED_SENDING)
    pending = await asyncio.to_thread(repository.pending_messages, sender_id)
    outcome = await client.deliver(sender_id)
    if not outcome.ok:
        reason = window_closed_reason(channel) if outcome.window_closed else outcome.reason
        return await asyncio.to_thread(repository.mark_delivery, message.id, DeliveryState.NON_DELIVRE, reason)
    for earlier in pending:
        if earlier.id < message.id:
            await asyncio.to_thread(repository.mark_delivery, earlier.id, DeliveryState.DELIVRE)
    return await asyncio.to_thread(repository.mark_delivery, message.id, DeliveryState.DELIVRE)
