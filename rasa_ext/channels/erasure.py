"""Erasure on request ("supprime mes données"), run after the turn is saved.

Rasa writes the turn's events at the end of the turn, re-adding whatever it believes missing:
erasing from an action would be undone. The erase action therefore sends a marker message
(`{"custom": {"cj62_erase": true}}`); the channel swallows it (the user never sees it) and,
once `on_new_message` has returned and the turn is saved, erases that sender everywhere.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import OutputChannel, UserMessage

from bot.privacy import erase_sender
from rasa_ext.channels.action_failures import failing_loudly
from rasa_ext.channels.handoff import handled_during_handoff

logger = logging.getLogger(__name__)

ERASE_KEY = "cj62_erase"


def is_marker(message: dict[str, Any]) -> bool:
    custom = message.get("custom")
    return isinstance(custom, dict) and custom.get(ERASE_KEY) is True


class WatchingOutput(OutputChannel):
    """Passes every message to `inner`, except the erasure marker, which it records."""

    def __init__(self, inner: OutputChannel) -> None:
        self.inner = inner
        self.erase_requested = False

    def name(self) -> str:  # type: ignore[override]
        return self.inner.name()

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        if is_marker(message):
            self.erase_requested = True
            return
        await self.inner.send_response(recipient_id, message)


async def process_then_erase(message: UserMessage, on_new_message: Callable[[UserMessage], Awaitable[Any]],
                             agent: Any = None) -> bool:
    """Hand `message` to Rasa; if the turn asked for it, erase its sender once the turn is saved.
    True when the sender was erased (the channel then forgets what it keeps of them).

    With Rasa's `agent`, a conversation an adviser has is handled first (rasa_ext/channels/handoff.py).
    """
    with failing_loudly():  # the action server down: an apology, not silence (action_failures.py)
        if await handled_during_handoff(message, agent):
            return False
        watcher = WatchingOutput(message.output_channel)
        message.output_channel = watcher
        await on_new_message(message)
    if watcher.erase_requested:
        counts = await asyncio.to_thread(erase_sender, message.sender_id)
        logger.info("Erasure done on request: %s rows", sum(counts.values()))
    return watcher.erase_requested
