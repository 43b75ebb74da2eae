"""The bot's "today": `BOT_TODAY` (YYYY-MM-DD) when set, else today in Europe/Paris."""

from __future__ import annotations

import datetime as dt
import os
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")


class ClockError(ValueError):
    pass


def parse_iso_date(text: str) -> dt.date:
    """A strict YYYY-MM-DD date (what `as_of` and `BOT_TODAY` accept)."""
    if not isinstance(text, str) or len(text) != 10 or text[4] != "-" or text[7] != "-":
        raise ClockError(f"date attendue au format AAAA-MM-JJ, pas {text!r}")
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise ClockError(f"date impossible : {text!r}") from exc


def today() -> dt.date:
    pinned = os.environ.get("BOT_TODAY")
    if pinned:
        try:
            return parse_iso_date(pinned)
        except ClockError as exc:
            raise ClockError(f"BOT_TODAY : {exc}") from exc
    return dt.datetime.now(PARIS).date()
