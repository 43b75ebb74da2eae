"""scripts/evaluate_nlu.py scores the production pipeline: only the FallbackClassifier, whose
predictions Rasa's evaluation undoes anyway, is left out."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
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


def _folds(evaluate: ModuleType, seed: int) -> list[list[str]]:
    """The test folds Rasa's cross-validation draws after the script's seeding, in a new process."""
    code = (
        f"{evaluate.SEED_FOLDS}\n"
        "from rasa.nlu.test import generate_folds\n"
        "from rasa.shared.nlu.training_data.loading import load_data\n"
        "data = load_data('data/nlu')\n"
        "for _train, test in generate_folds(3, data):\n"
        "    print('|'.join(sorted(m.get('text') for m in test.intent_examples)))\n"
    )
    done = subprocess.run([sys.executable, "-c", code, str(seed)], cwd=REPO, capture_output=True, text=True,
                          env={**os.environ, "PYTHONHASHSEED": "0", "RASA_TELEMETRY_ENABLED": "false"}, check=True)
    return [line.split("|") for line in done.stdout.splitlines()]


def test_the_folds_are_the_same_from_one_run_to_the_next(evaluate: ModuleType) -> None:
    command = evaluate.cross_validation_command("config.yml", 5, evaluate.FOLD_SEED)
    assert command[1:4] == ["-c", evaluate.SEEDED_RASA, "62"]
    assert command[4:8] == ["test", "nlu", "--cross-validation", "--folds"]

    first, again, other = _folds(evaluate, 62), _folds(evaluate, 62), _folds(evaluate, 63)

    assert len(first) == 3 and all(first)
    assert first == again
    assert first != other


def test_the_seeded_command_runs_rasa(evaluate: ModuleType) -> None:
    done = subprocess.run([sys.executable, "-c", evaluate.SEEDED_RASA, "62", "--version"], cwd=REPO,
                          capture_output=True, text=True, env={**os.environ, "RASA_TELEMETRY_ENABLED": "false"})

    assert done.returncode == 0, done.stderr
    assert "Rasa Version" in done.stdout and "3.6" in done.stdout


def test_the_entities_are_scored_from_the_reader_on_the_held_out_set(evaluate: ModuleType) -> None:
    """No fold needed (the reader does not learn); a floor, so that a change of the reader that
    loses entities on messages it was not written from fails here (docs/nlu.md, held-out)."""
    scores = evaluate.reader_scores()
    assert scores["entity_micro_f1"] >= 0.90
    assert set(scores["entity_f1"]) == {"age", "commune", "situation", "role", "structure_type", "dispositif",
                                        "territoire"}
    assert scores["entity_micro_f1_training_data"] >= 0.95
