"""Where a call for projects stands on a given day (both ends of a session included)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.knowledge import Call, Session

OPEN, CLOSED, UPCOMING, NONE = "open", "closed", "upcoming", "none"


@dataclass(frozen=True)
class CallStatus:
    status: str
    session: Session | None

    @property
    def opens(self) -> dt.date | None:
        return self.session.opens if self.session else None

    @property
    def closes(self) -> dt.date | None:
        return self.session.closes if self.session else None


def call_status(call: Call, day: dt.date) -> CallStatus:
    """The open session if any, else the next one, else the last one that closed."""
    sessions = sorted(call.sessions, key=lambda s: s.opens)
    for session in sessions:
        if session.opens <= day <= session.closes:
            return CallStatus(OPEN, session)
    upcoming = [s for s in sessions if s.opens > day]
    if upcoming:
        return CallStatus(UPCOMING, upcoming[0])
    if sessions:
        return CallStatus(CLOSED, sessions[-1])
    return CallStatus(NONE, None)
