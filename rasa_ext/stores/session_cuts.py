"""Read a long conversation session from a cut point instead of replaying all of it.

At every turn Rasa reads and replays the whole current session, sends all its events to the
action server (twice) and featurises all of them for the rules: measured with
scripts/bench_load.py, a turn in a 5 000-event session took 8 to 15 times as long as in a fresh
one, and `python -m bot purge` only removes old sessions. The next turn needs only the slots, the
active form and the last few turns.

A cut is the state of the conversation (slot values, active form) just before one of its user
messages (before the `action_listen` that precedes it), with the row id where it starts. It is
computed by Rasa's own replay, so turns reverted by a clarification (`UserUtteranceReverted`)
count as Rasa counts them, and kept in this process's memory for the `MAX_SENDERS` most recent
conversations. A read then loads the rows from the cut on, preceded by `SlotSet` and `ActiveLoop`
events restoring that state: the same slots, form and recent turns as a whole read. Once the rows
after the cut hold more than 2 × `TAIL_TURNS` user messages, the cut moves to the `TAIL_TURNS`-th
last one, replaying only what lies before it.

With several replicas each has its own cuts; the rows after a cut always come from the database,
so turns written by another replica are read. A cut whose row is gone (erasure, purge) or outside
the current session makes the next read whole again. The tracker records how many of its events
are stored (`STORED_EVENTS`), so that saving it appends only the new ones: Rasa's own count of the
stored events would be wrong for a tracker read from a cut.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from rasa.shared.core.events import ActionExecuted, ActiveLoop, SlotSet, UserUttered
from rasa.shared.core.slots import Slot
from rasa.shared.core.trackers import DialogueStateTracker

TAIL_TURNS = 20
MAX_SENDERS = 10_000
STORED_EVENTS = "_cj62_stored_events"


@dataclass(frozen=True)
class Cut:
    """The state just before row `event_id` (the `action_listen` before a user message)."""

    event_id: int
    slots: dict[str, Any]
    active_loop: str | None
    timestamp: float

    def events(self) -> list[dict[str, Any]]:
        """Events (as stored) that restore this state at the start of a tracker."""
        restored = [SlotSet(name, value, timestamp=self.timestamp).as_dict() for name, value in self.slots.items()]
        if self.active_loop:
            restored.append(ActiveLoop(self.active_loop, timestamp=self.timestamp).as_dict())
        return restored


class SessionCuts:
    """The cut of each recent conversation in this process (least recently used dropped first)."""

    def __init__(self, tail_turns: int = TAIL_TURNS, max_senders: int = MAX_SENDERS) -> None:
        self.tail_turns = tail_turns
        self.max_senders = max_senders
        self._cuts: OrderedDict[str, Cut] = OrderedDict()

    def get(self, sender_id: str) -> Cut | None:
        cut = self._cuts.get(sender_id)
        if cut is not None:
            self._cuts.move_to_end(sender_id)
        return cut

    def forget(self, sender_id: str) -> None:
        self._cuts.pop(sender_id, None)

    def advance(self, tracker: DialogueStateTracker, prefix_length: int, row_ids: list[int],
                slots: Iterable[Slot]) -> None:
        """Move the cut forward when the rows read (after `prefix_length` restoring events) hold more
        than twice `tail_turns` user messages; `row_ids[i]` is the row of event `prefix_length + i`."""
        events = list(tracker.events)
        users = [index for index in range(prefix_length, len(events)) if isinstance(events[index], UserUttered)]
        if len(users) <= 2 * self.tail_turns:
            return
        position = users[-self.tail_turns]
        if isinstance(events[position - 1], ActionExecuted):
            # Start at the `action_listen` before the message: a clarification reverting that message
            # also reverts that action (Rasa's `applied_events`), which must not reach the restored state.
            position -= 1
        before = DialogueStateTracker.from_events(tracker.sender_id, events[:position], slots)
        changed = {name: slot.value for name, slot in before.slots.items() if slot.value != slot.initial_value}
        self._cuts[tracker.sender_id] = Cut(row_ids[position - prefix_length], changed, before.active_loop_name,
                                            events[position].timestamp)
        self._cuts.move_to_end(tracker.sender_id)
        while len(self._cuts) > self.max_senders:
            self._cuts.popitem(last=False)
