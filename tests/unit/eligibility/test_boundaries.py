"""Every age rule at its boundaries, and every call window on its opening and closing days."""

from __future__ import annotations

import datetime as dt

import pytest
import support as helpers

from bot.knowledge import SCHEME_IDS, knowledge

E, N = "eligible", "ineligible"

# (scheme, situations that satisfy its other rules, {age: expected status})
AGE_TABLE = [
    ("faj_co", [], {15: N, 16: N, 17: N, 18: E, 25: E, 26: N}),
    ("faj_co", ["apprentissage"], {15: N, 16: E, 17: E, 18: E, 25: E, 26: N}),
    ("faj_co", ["pacea"], {15: N, 16: E, 17: E}),
    ("faj_co", ["cej"], {15: N, 16: E, 17: E}),
    ("graine_de", ["decrochage_scolaire"], {15: N, 16: E, 17: E, 18: E, 25: E, 26: N}),
    ("graine_de", ["neet"], {15: N, 16: E, 25: E, 26: N}),
    ("coordo_ase", ["ase_confie"], {15: N, 16: E, 17: E, 18: E, 21: E, 22: N, 25: N}),
    ("coordo_ase", ["mna"], {15: N, 16: E, 21: E, 22: N}),
    ("coordo_ase", ["ase_sorti"], {15: N, 16: E, 21: E, 22: E, 24: E, 25: E, 26: N}),
    ("cllaj", ["recherche_logement"], {15: N, 16: E, 17: E, 18: E, 29: E, 30: E, 31: N}),
    ("cllaj", ["sans_logement"], {15: N, 16: E, 30: E, 31: N}),
    ("accompagnement_logement", ["sans_logement"], {17: N, 18: E, 24: E, 25: N}),
    ("accompagnement_logement", ["maintien_logement_difficile"], {17: N, 18: E, 24: E, 25: N}),
    ("logement_primo_locataires", ["premiere_demande_logement"], {18: E, 29: E, 30: N, 31: N}),
    ("solutions_logement", ["sans_logement"], {17: N, 18: E, 21: E, 22: E, 24: E, 25: N}),
    ("solutions_logement", ["recherche_logement", "ase_sorti"], {17: N, 18: E, 24: E, 25: N}),
]


@pytest.mark.parametrize(
    "scheme, situations, age, expected",
    [(s, sits, age, exp) for s, sits, table in AGE_TABLE for age, exp in table.items()],
    ids=lambda v: str(v) if not isinstance(v, list) else "+".join(v) or "aucune",
)
def test_age_boundaries(scheme: str, situations: list[str], age: int, expected: str) -> None:
    profile = {"role": "jeune", "age": age, "commune": "Arras", "situations": situations}
    result = helpers.run(profile).result(scheme)
    assert result.status == expected, result.reasons
    if expected == N:
        assert result.reasons, "an ineligible scheme always says why"


def _window_days() -> list[tuple[str, dt.date, str]]:
    cases = []
    for scheme_id in SCHEME_IDS:
        for session in knowledge().scheme(scheme_id).call.sessions:
            one = dt.timedelta(days=1)
            cases += [
                (scheme_id, session.opens - one, "upcoming"),
                (scheme_id, session.opens, "open"),
                (scheme_id, session.closes, "open"),
                (scheme_id, session.closes + one, "closed"),
            ]
    return cases


@pytest.mark.parametrize("scheme, day, expected", _window_days(), ids=str)
def test_call_window_both_ends_included(scheme: str, day: dt.date, expected: str) -> None:
    result = helpers.run({"role": "structure", "structure_types": ["mission_locale"]}, today=day).result(scheme)
    assert result.call.status == expected


def test_the_2026_windows_as_published() -> None:
    """The dates users will ask about, checked one by one (a wrong deadline is a serious bug)."""
    windows = {s: (knowledge().scheme(s).call.sessions[0].opens.isoformat(),
                   knowledge().scheme(s).call.sessions[0].closes.isoformat()) for s in SCHEME_IDS}
    assert windows == {
        "faj_co": ("2026-01-12", "2026-09-15"),
        "graine_de": ("2026-04-01", "2026-04-30"),
        "coordo_ase": ("2026-01-12", "2026-02-15"),
        "cllaj": ("2026-04-01", "2026-04-30"),
        "accompagnement_logement": ("2026-01-12", "2026-02-15"),
        "logement_primo_locataires": ("2026-01-12", "2026-02-15"),
        "solutions_logement": ("2026-01-12", "2026-02-15"),
    }


def test_on_29_november_2026_every_call_is_closed_but_running_measures_are_reported() -> None:
    orientation = helpers.run({"role": "jeune", "age": 17, "commune": "Lens", "situations": ["neet"]})
    assert {r.call.status for r in orientation.results} == {"closed"}
    graine_de = orientation.result("graine_de")
    assert graine_de.status == E
    assert (graine_de.scheme.period.start, graine_de.scheme.period.end) == (dt.date(2026, 7, 1), dt.date(2027, 6, 30))


def test_the_call_window_never_changes_eligibility() -> None:
    profile = {"role": "jeune", "age": 19, "commune": "Calais", "situations": ["ase_sorti", "sans_logement"]}
    days = [dt.date(2025, 12, 1), dt.date(2026, 1, 12), dt.date(2026, 4, 15), dt.date(2026, 11, 29)]
    statuses = {tuple(r.status for r in helpers.run(profile, d).results) for d in days}
    assert len(statuses) == 1
