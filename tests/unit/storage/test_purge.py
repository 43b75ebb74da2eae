"""Where a long conversation is cut (bot/storage/purge.py): always at a session start, the latest one
that keeps the last N events and deletes only events older than the limit."""

from __future__ import annotations

import pytest

from bot.storage.purge import Cut, choose_cut

S, E, A = "session_started", "user", "action_session_start"


def rows(*kinds: str) -> list[tuple[str, str | None, float]]:
    return [("action" if kind == A else kind, kind if kind == A else None, float(stamp))
            for stamp, kind in enumerate(kinds)]


def test_the_cut_is_the_last_session_start() -> None:
    events = rows(E, S, E, E, S, E, E)
    assert choose_cut(events, keep_events=0, newest_deleted=100) == Cut(4.0, 4)


def test_keep_events_moves_the_cut_to_an_earlier_session() -> None:
    events = rows(E, S, E, E, S, E, E)
    assert choose_cut(events, keep_events=4, newest_deleted=100) == Cut(1.0, 1)
    assert choose_cut(events, keep_events=7, newest_deleted=100) is None


def test_only_events_older_than_the_limit_go() -> None:
    events = rows(E, S, E, E, S, E, E)
    assert choose_cut(events, keep_events=0, newest_deleted=3) == Cut(1.0, 1)  # event 3 is too recent
    assert choose_cut(events, keep_events=0, newest_deleted=0) is None


def test_a_session_begins_with_its_session_start_action() -> None:
    assert choose_cut(rows(E, A, S, E, A, S, E), keep_events=0, newest_deleted=100) == Cut(4.0, 4)


@pytest.mark.parametrize("events", [rows(), rows(E, E), rows(S, E, E), rows(A, S, E)])
def test_nothing_to_cut(events: list) -> None:
    assert choose_cut(events, keep_events=0, newest_deleted=100) is None
