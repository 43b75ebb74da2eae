"""While an adviser has a conversation: what our input channels do before Rasa sees a message.

Rasa 3.6 runs no action in a paused conversation (only `/restart` gets through). So, before
handing a message to Rasa, the channel looks at the conversation:

- paused, and the person writes "annuler" / "c'est bon merci" (`bot.handoff.dialogue.is_resume_phrase`):
  the request is closed (by the person) and `action_resume_bot` runs under the conversation's
  lock, as the back office's "rendre la main" does; the message goes no further;
- paused, any other message: it is added to the request's thread, so the adviser reads it in the
  back office, then handed to Rasa, which logs it and stays silent.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from rasa.core.channels.channel import UserMessage
from sqlalchemy.exc import SQLAlchemyError

from bot.handoff.delivery import ACTION_RESUME
from bot.handoff.dialogue import is_resume_phrase
from bot.handoff.models import ACTOR_YOUNG, ContactRequestError
from bot.handoff.repository import ContactRequestRepository

logger = logging.getLogger(__name__)


async def _is_paused(agent: Any, sender_id: str) -> bool:
    store = getattr(agent, "tracker_store", None)
    if store is None:
        return False
    tracker = await store.retrieve(sender_id)
    return tracker is not None and tracker.is_paused()


def _close(sender_id: str) -> None:
    repository = ContactRequestRepository()
    active = repository.active_request_for(sender_id)
    if active is not None:
        repository.close(active.reference, ACTOR_YOUNG)


def _record(sender_id: str, text: str) -> None:
    repository = ContactRequestRepository()
    active = repository.active_request_for(sender_id)
    if active is not None:
        repository.add_reply_from_person(active.reference, text)


async def handled_during_handoff(message: UserMessage, agent: Any) -> bool:
    """True when the message was handled here (the person took the conversation back).

    One indexed query of the application database first: the conversation (which may be long to
    read and decrypt) is read only when an adviser has it.
    """
    if agent is None or not isinstance(message.text, str):
        return False
    try:
        active = await asyncio.to_thread(ContactRequestRepository().active_request_for, message.sender_id)
    except SQLAlchemyError as error:  # the assistant answers rather than staying silent
        logger.error("Handoff state unreadable (%s): the message goes to the assistant.", type(error).__name__)
        return False
    if active is None or not await _is_paused(agent, message.sender_id):
        return False
    try:
        if is_resume_phrase(message.text):
            await asyncio.to_thread(_close, message.sender_id)
            async with agent.lock_store.lock(message.sender_id):
                await agent.execute_action(message.sender_id, ACTION_RESUME, message.output_channel, None, None)
            logger.info("Conversation handed back to the assistant by the person.")
            return True
        if not message.text.startswith("/"):
            await asyncio.to_thread(_record, message.sender_id, message.text)
    except ContactRequestError as error:
        logger.warning("Handoff step failed (%s).", type(error).__name__)
    return False
