"""Rule cases written as sentence-named YAML (openfisca style), collected by pytest.

A file holds either a list of cases, or `decisions:` — interpretations of the seed, each
with the seed sentence it interprets and its cases. A case:

    - name: Une jeune de 19 ans sortie de l'ASE peut être accompagnée par un Coordo ASE
      today: 2026-11-29            # optional, defaults to 2026-11-29
      profile: {role: jeune, age: 19, commune: Calais, situations: [ase_sorti]}
      expect:
        coordo_ase: eligible       # or {status, reason_contains, missing, to_check_contains, call}
        next_question: age         # optional
        territory: calaisis        # optional
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import yaml

from bot.communes import communes
from bot.eligibility.engine import orient
from bot.eligibility.profile import validate_profile
from bot.knowledge import SCHEME_IDS, knowledge

DEFAULT_TODAY = dt.date(2026, 11, 29)


def pytest_collect_file(parent: pytest.Collector, file_path: Any) -> pytest.File | None:
    if file_path.suffix == ".yml":
        return CaseFile.from_parent(parent, path=file_path)
    return None


class CaseFile(pytest.File):
    def collect(self):
        data = yaml.safe_load(self.path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and "decisions" in data:
            for decision in data["decisions"]:
                for case in decision["cases"]:
                    yield CaseItem.from_parent(self, name=case["name"], case=case)
        else:
            for case in data:
                yield CaseItem.from_parent(self, name=case["name"], case=case)


class CaseFailure(AssertionError):
    pass


class CaseItem(pytest.Item):
    def __init__(self, *, case: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case = case

    def runtest(self) -> None:
        profile = validate_profile(self.case["profile"], knowledge())
        today = self.case.get("today", DEFAULT_TODAY)
        result = orient(profile, knowledge(), communes(), today)
        for key, expected in self.case["expect"].items():
            if key in SCHEME_IDS:
                self._check_scheme(result.result(key), expected)
            elif key == "next_question":
                _expect(result.next_question == expected, f"next_question {result.next_question!r} ≠ {expected!r}")
            elif key == "territory":
                actual = result.territory.territory.id if result.territory else None
                _expect(actual == expected, f"territoire {actual!r} ≠ {expected!r}")
            elif key == "eligible":
                actual = sorted(r.scheme.id for r in result.with_status("eligible"))
                _expect(actual == sorted(expected), f"éligibles {actual} ≠ {sorted(expected)}")
            else:
                raise CaseFailure(f"clé d'attente inconnue : {key}")

    @staticmethod
    def _check_scheme(result, expected: Any) -> None:
        if isinstance(expected, str):
            expected = {"status": expected}
        label = result.scheme.id
        if "status" in expected:
            _expect(result.status == expected["status"],
                    f"{label} : statut {result.status!r} ≠ {expected['status']!r} ; raisons : {result.reasons}")
        if "reason_contains" in expected:
            _expect(any(expected["reason_contains"] in r for r in result.reasons),
                    f"{label} : aucune raison ne contient {expected['reason_contains']!r} : {result.reasons}")
        if "missing" in expected:
            _expect(list(result.missing) == expected["missing"], f"{label} : manquants {list(result.missing)}")
        if "to_check_contains" in expected:
            _expect(any(expected["to_check_contains"] in c for c in result.to_check),
                    f"{label} : rien à vérifier ne contient {expected['to_check_contains']!r} : {result.to_check}")
        if "no_to_check_contains" in expected:
            _expect(not any(expected["no_to_check_contains"] in c for c in result.to_check),
                    f"{label} : à vérifier contient {expected['no_to_check_contains']!r}")
        if "call" in expected:
            _expect(result.call.status == expected["call"], f"{label} : appel {result.call.status!r}")

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, CaseFailure):
            return f"{self.name}\n  {excinfo.value}"
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self):
        return self.path, 0, self.name


def _expect(condition: bool, message: str) -> None:
    if not condition:
        raise CaseFailure(message)
