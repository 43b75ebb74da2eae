"""scripts/evaluate_nlu.py scores the production pipeline: only the FallbackClassifier, whose
predictions Rasa's evaluation undoes anyway, is left out."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def evaluate() -> ModuleType:
    spec = importlib.util.spec_from_file_location("evaluate_nlu", REPO / "scripts" / "evaluate_nlu.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_evaluated_pipeline_is_the_production_one_less_the_fallback(evaluate: ModuleType) -> None:
    production = yaml.safe_load((REPO / "config.yml").read_text(encoding="utf-8"))
    evaluated = evaluate.evaluation_config(production)

    assert any(c["name"] == "FallbackClassifier" for c in production["pipeline"])
    assert evaluated["pipeline"] == [c for c in production["pipeline"] if c["name"] != "FallbackClassifier"]
    assert {k: v for k, v in evaluated.items() if k != "pipeline"} == {
        k: v for k, v in production.items() if k != "pipeline"
    }
