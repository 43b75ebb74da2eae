"""rasa_ext.nlu.quick_load: the trained model loaded eagerly understands exactly as Rasa's own load."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from rasa_servers import ROOT, base_env

pytestmark = pytest.mark.slow

# Loads the model with one loader (argv[2]: "quick" or "rasa") and prints what it makes of MESSAGES.
PARSE = """
import asyncio, json, sys
import rasa_ext.nlu
from rasa.core.agent import Agent
from rasa.utils.tensorflow.models import RasaModel
from rasa_ext.nlu import quick_load

if sys.argv[2] == "rasa":
    RasaModel.load = classmethod(quick_load._rasa_load)
assert (RasaModel.load.__func__ is quick_load._load) == (sys.argv[2] == "quick")

async def main():
    agent = Agent.load(sys.argv[1])
    out = []
    for text in json.loads(sys.argv[3]):
        parsed = await agent.parse_message(text)
        out.append({
            "entities": [(e["entity"], e["value"], round(e.get("confidence_entity") or 0.0, 5))
                         for e in parsed["entities"]],
            "intent": parsed["intent"]["name"],
            "responses": {k: (v["response"]["intent_response_key"], round(v["response"]["confidence"], 5))
                          for k, v in parsed["response_selector"].items() if k != "all_retrieval_intents"},
        })
    print(json.dumps(out))

asyncio.run(main())
"""

MESSAGES = ["jsuis sorti de l'ase jsais pas koi faire", "j'ai 19 ans j'habite a aire sur la lys",
            "c'est quoi ton nom ?", "quel temps fait-il ?", "on est une asso à Boulogne, projet avec des jeunes"]


def _parse(model: Path, loader: str) -> list[dict]:
    done = subprocess.run([sys.executable, "-c", PARSE, str(model), loader, json.dumps(MESSAGES)], cwd=ROOT,
                          env=base_env(), capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_quick_load_gives_the_same_entities_intents_and_responses(model: Path) -> None:
    quick = _parse(model, "quick")
    assert quick == _parse(model, "rasa")
    # The selectors' part is compared, not only empty predictions (the model has no entity extractor).
    assert any(key and key[0] for parsed in quick for key in parsed["responses"].values())
