"""A long session is read from a cut point: same slots, form and recent turns, nothing lost or doubled."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    Event,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_ext.stores.session_cuts import SessionCuts
from rasa_ext.stores.tracker import TrackerStore

TAIL = 3
DOMAIN = Domain.from_dict({
    "intents": ["inform"],
    "slots": {name: {"type": "any", "mappings": [{"type": "custom"}]} for name in ("age", "commune", "role")},
    "forms": {"orientation_form": {"required_slots": ["age"]}},
    "actions": ["action_answer", "action_clarify"],
})


def turn(number: int) -> list[Event]:
    """One turn; some set slots, open the form, or are reverted by a clarification."""
    events: list[Event] = [UserUttered(f"message {number}", intent={"name": "inform", "confidence": 0.9})]
    if number == 2:
        events.append(SlotSet("commune", "lens"))
    if number == 4:
        events += [ActiveLoop("orientation_form"), SlotSet("requested_slot", "age")]
    if number == 6:  # not understood: the clarification reverts the turn, its slot with it
        return events + [SlotSet("age", 99), ActionExecuted("action_clarify"), BotUttered("Tu veux dire ?"),
                         UserUtteranceReverted(), ActionExecuted("action_listen")]
    if number == 30:
        events.append(SlotSet("age", 19))
    return events + [ActionExecuted("action_answer"), BotUttered(f"réponse {number}"), ActionExecuted("action_listen")]


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> TrackerStore:
    monkeypatch.setenv("TRACKER_DB_URL", f"sqlite:///{tmp_path / 'tracker.db'}")
    built = TrackerStore(domain=DOMAIN)
    built.cuts = SessionCuts(tail_turns=TAIL)
    return built


def stored_rows(store: TrackerStore, sender: str) -> int:
    with store.engine.connect() as connection:
        return connection.execute(sa.text("SELECT count(*) FROM events WHERE sender_id = :s"), {"s": sender}).scalar()


async def hold_conversation(stores: list[TrackerStore], sender: str, turns: int) -> list[Event]:
    """Turns as Rasa runs them (read, add the turn's events, save), alternating between the stores;
    after each turn the tracker read is compared with one replaying every event."""
    everything: list[Event] = [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")]
    first = DialogueStateTracker.from_events(sender, list(everything), DOMAIN.slots)
    await stores[0].save(first)
    for number in range(1, turns + 1):
        store = stores[number % len(stores)]
        tracker = await store.retrieve(sender)
        assert tracker is not None
        for event in turn(number):
            tracker.update(event)
            everything.append(event)
        await store.save(tracker)
        whole = DialogueStateTracker.from_events(sender, list(everything), DOMAIN.slots)
        read = await stores[(number + 1) % len(stores)].retrieve(sender)
        assert read.current_slot_values() == whole.current_slot_values(), f"tour {number}"
        assert read.active_loop_name == whole.active_loop_name
        recent = 12 if number > 3 else 5  # Rasa reads a session from its `session_started` on
        assert list(read.events)[-recent:] == list(whole.events)[-recent:]
        assert stored_rows(store, sender) == len(everything), f"tour {number} : événements perdus ou doublés"
    return everything


async def test_a_long_session_reads_the_same_state_from_a_cut_and_saves_each_event_once(store: TrackerStore) -> None:
    everything = await hold_conversation([store], "long", 60)
    read = await store.retrieve("long")
    assert read.get_slot("commune") == "lens" and read.get_slot("age") == 19  # the reverted 99 stays reverted
    assert read.active_loop_name == "orientation_form"
    assert len(read.events) < len(everything) / 3  # the turn no longer carries the whole session
    full = await store.retrieve_full_tracker("long")
    assert list(full.events) == everything  # the stored conversation is whole, in order


async def test_two_replicas_each_with_their_own_cuts_share_the_conversation(store: TrackerStore) -> None:
    other = TrackerStore(domain=DOMAIN)
    other.cuts = SessionCuts(tail_turns=TAIL)
    everything = await hold_conversation([store, other], "partagee", 40)
    assert list((await other.retrieve_full_tracker("partagee")).events) == everything


async def test_an_erased_conversation_is_not_brought_back_by_its_cut(store: TrackerStore) -> None:
    await hold_conversation([store], "effacee", 20)
    assert store.cuts.get("effacee") is not None
    with store.engine.begin() as connection:
        connection.execute(sa.text("DELETE FROM events WHERE sender_id = 'effacee'"))
    assert await store.retrieve("effacee") is None
    assert store.cuts.get("effacee") is None
