"""Helpers shared by the tests (importable as `support`: pytest puts tests/helpers on the path)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bot.communes import communes
from bot.eligibility.engine import Orientation, orient
from bot.eligibility.profile import validate_profile
from bot.knowledge import knowledge

TODAY = dt.date(2026, 11, 29)


def run(profile: dict[str, Any], today: dt.date = TODAY) -> Orientation:
    return orient(validate_profile(profile, knowledge()), knowledge(), communes(), today)


def status(profile: dict[str, Any], scheme: str, today: dt.date = TODAY) -> str:
    return run(profile, today).result(scheme).status
