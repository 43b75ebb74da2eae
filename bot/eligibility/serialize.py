"""The JSON document of `python -m bot orient` (the contract of issue 2)."""

from __future__ import annotations

from typing import Any

from bot.communes import Commune, CommuneMatch
from bot.eligibility.engine import Orientation, SchemeResult


def _iso(day: Any) -> Any:
    return day.isoformat() if day is not None else None


def _candidate(commune: Commune) -> dict[str, Any]:
    return {"insee": commune.insee, "name": commune.name, "territory": commune.territory}


def commune_json(match: CommuneMatch) -> dict[str, Any]:
    name = match.commune.name if match.commune else (match.outside_name if match.status == "hors_62" else None)
    return {
        "status": match.status,
        "insee": match.commune.insee if match.commune else None,
        "name": name,
        "candidates": [_candidate(c) for c in match.candidates],
    }


def result_json(result: SchemeResult) -> dict[str, Any]:
    period = result.scheme.period
    entry = result.entry
    return {
        "scheme": result.scheme.id,
        "status": result.status,
        "reasons": list(result.reasons),
        "missing": list(result.missing),
        "to_check": list(result.to_check),
        "entry": {
            "service": entry.service,
            "contact": {
                "label": entry.label,
                "people": [{"name": p.name, "phone": p.phone, "email": p.email} for p in entry.people],
                "note": entry.note,
            },
        },
        "call": {"status": result.call.status, "opens": _iso(result.call.opens), "closes": _iso(result.call.closes)},
        "period": {"start": _iso(period.start), "end": _iso(period.end)} if period.start else None,
    }


def orientation_json(orientation: Orientation) -> dict[str, Any]:
    territory = orientation.territory
    return {
        "as_of": orientation.as_of.isoformat(),
        "commune": commune_json(orientation.commune),
        "territory": None if territory is None else {
            "id": territory.territory.id,
            "name": territory.territory.name,
            "confidence": territory.confidence,
            "to_confirm": territory.to_confirm,
        },
        "results": [result_json(r) for r in orientation.results],
        "next_question": orientation.next_question,
    }
