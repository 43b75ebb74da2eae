"""Build rasa-sdk trackers inline and run an action (as in RasaHQ/rasa-sdk's own tests)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher


def tracker(slots: dict[str, Any] | None = None, intent: str | None = None, entities=(), text: str = "",
            events: list[dict] | None = None, active_loop: str | None = None,
            ranking: list[dict] | None = None) -> Tracker:
    extractor = {} if text.startswith("/") else {"extractor": "DIETClassifier"}  # a button's entities have none
    message = {"intent": {"name": intent}, "entities": [{"entity": e, "value": v, **extractor} for e, v in entities],
               "text": text, "intent_ranking": ranking or []}
    # Past the first turn unless a test says otherwise: the first reply of a session adds a notice.
    return Tracker(sender_id="test", slots={"welcomed": True, **(slots or {})}, latest_message=message, events=events or [],
                   paused=False, followup_action=None, active_loop={"name": active_loop} if active_loop else {},
                   latest_action_name="action_listen")


async def run(action, t: Tracker) -> tuple[list[dict], list[dict]]:
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, t, {})
    return dispatcher.messages, events


def texts(messages: list[dict]) -> str:
    return "\n".join(m.get("text") or "" for m in messages)
