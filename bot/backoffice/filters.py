"""Jinja filters and globals: French dates in Europe/Paris, names of territories, schemes, situations."""

from __future__ import annotations

import datetime as dt
from typing import Any

import jinja2

from bot.clock import PARIS


def moment(value: dt.datetime | None) -> str:
    if value is None:
        return "—"
    local = value.astimezone(PARIS)
    return f"{local:%d/%m/%Y} à {local:%H:%M}"


def day(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, dt.datetime):
        value = value.astimezone(PARIS).date()
    return f"{value:%d/%m/%Y}"


def iso(value: dt.datetime) -> str:
    return value.astimezone(dt.timezone.utc).isoformat()


def territory_name(territory: str | None) -> str:
    if not territory:
        return "—"
    from bot.knowledge import knowledge

    known = knowledge().territories.get(territory)
    return known.name if known is not None else territory


def scheme_name(scheme: str) -> str:
    from bot.knowledge import knowledge

    known = knowledge().schemes.get(scheme)
    return known.short_title if known is not None else scheme


def situation_label(situation: str) -> str:
    from bot.knowledge import knowledge

    vocabulary = knowledge().vocabulary
    if situation in vocabulary.situation_ids:
        return vocabulary.situation(situation).label
    return situation


def role_label(role: str | None) -> str:
    return {"jeune": "jeune", "professionnel": "professionnel ou professionnelle",
            "structure": "structure"}.get(role or "", role or "—")


def duration(value: dt.timedelta | None) -> str:
    if value is None:
        return "—"
    minutes = int(value.total_seconds() // 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes:02d}"
    return f"{hours // 24} j {hours % 24} h"


def territories() -> list[tuple[str, str]]:
    from bot.knowledge import TERRITORY_IDS

    return [(t, territory_name(t)) for t in TERRITORY_IDS]


def install(environment: jinja2.Environment) -> None:
    filters: dict[str, Any] = {
        "moment": moment, "day": day, "iso": iso, "territory": territory_name, "scheme": scheme_name,
        "situation": situation_label, "role": role_label, "duration": duration,
    }
    environment.filters.update(filters)
    environment.globals["all_territories"] = territories
