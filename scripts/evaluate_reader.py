"""How well the message reader (bot/reading/) finds what annotated messages say, entity by entity,
beside DIET.

The conversation takes age, commune, situations, role, structure types, schemes and territories
from the reader (the model extracts no entity since issue 15). This script reads
every annotated example of data/nlu/ with the reader alone (no model) and counts, per entity type,
the values it finds that the annotation has (true positives), the ones it adds and the ones it
misses, as ids (synonyms applied, communes as INSEE codes). Caveat printed with the numbers: the
reader's phrase tables were written looking at these examples, so this is not held-out data.

`--heldout` reads evaluation/heldout_entities.yml instead: 335 messages written and annotated on
2026-12-08 by an annotator who read neither the reader's tables nor the training data (the file
says so), and scores on them, the same way, both the reader and the entities of the trained model
(DIET then the synonyms, trained on all of data/nlu, as the assistant runs it), their values
turned into ids as the conversation turns them (`bot.lexicon.to_id`, communes resolved). Both
extractors meet these messages for the first time: this is the held-out comparison.

Never run in CI (it prints numbers): `make evaluate-reader` (add ARGS=--heldout; since issue 15
the current model extracts no entity, so `--model <a model trained with DIET>` gives the comparison).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

from rasa.shared.nlu.training_data.loading import load_data  # noqa: E402

from bot.communes import communes  # noqa: E402
from bot.lexicon import to_id  # noqa: E402
from bot.reading import AGE, Reading, read  # noqa: E402
from bot.reading.ages import ages_in, bare_age  # noqa: E402
from bot.reading.words import Words  # noqa: E402

ENTITIES = ("age", "commune", "situation", "role", "structure_type", "dispositif", "territoire")
REPORT = ROOT / "reports" / "nlu" / "heldout_entities.json"
HELDOUT = ROOT / "evaluation" / "heldout_entities.yml"


def normalised(kind: str, value: str) -> str:
    """The value as an id: a commune's INSEE code, the number an age says, a vocabulary id."""
    if kind == "commune":
        match = communes().resolve(value)
        return match.commune.insee if match.commune else value.lower()
    if kind == "age":  # "dix-neuf", "18ans", "19a": the number they say
        said = bare_age(value) or next(iter(ages_in(Words.of(f"{value.rstrip('aA')} ans"))), None)
        return str(said) if said is not None else value
    if kind == "role":
        return value
    return to_id(kind, value) or value


def expected(example_entities: list[dict], synonyms: dict[str, str]) -> set[tuple[str, str]]:
    found = set()
    for entity in example_entities:
        kind, value = entity["entity"], str(entity["value"])
        value = synonyms.get(value, synonyms.get(value.lower(), value))
        found.add((kind, normalised(kind, value)))
    return {f for f in found if f[0] in ENTITIES}


def found(reading: Reading) -> set[tuple[str, str]]:
    values = {("situation", s) for s in reading.yes | reading.no}
    values |= {("structure_type", t) for t in reading.structure_types}
    values |= {("dispositif", s) for s in reading.schemes}
    values |= {("territoire", t) for t in reading.territories}
    values |= {("commune", p.match.commune.insee) for p in (*reading.places, *reading.denied_places)
               if p.match.commune}
    if reading.age is not None:
        values.add(("age", str(reading.age)))
    if reading.role:
        values.add(("role", reading.role))
    return values


Extractor = Callable[[str, str], set[tuple[str, str]]]


def reader(text: str, intent: str) -> set[tuple[str, str]]:
    # A lone number is an age only as the answer to "quel âge ?", which the dialogue says to the reader.
    expecting = AGE if text.strip().isdigit() or text.lower().startswith("âge") else None
    return found(read(text, intent, [], expecting))


def model_extractor(model: Path) -> Extractor:
    """The trained model's entities (DIET, then the synonyms), as ids."""
    import logging

    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)  # not a debug line per parsed message
    agent = Agent.load(str(model))

    def extract(text: str, _intent: str) -> set[tuple[str, str]]:
        parsed = asyncio.run(agent.parse_message(text))
        return {(e["entity"], normalised(e["entity"], str(e["value"]))) for e in parsed.get("entities") or []
                if e["entity"] in ENTITIES}

    return extract


def score(examples: list[Any], synonyms: dict[str, str], extract: Extractor) -> dict[str, dict[str, Counter]]:
    """True positives, additions and misses per entity type, over the kinds each example annotates
    (`annotated`) and over every kind (`strict`: a value of a kind the example does not annotate
    counts as added)."""
    counts = {mode: {kind: Counter() for kind in ENTITIES} for mode in ("annotated", "strict")}
    for example in examples:
        wanted = expected(example.get("entities") or [], synonyms)
        if not wanted:
            continue
        kinds = {k for k, _ in wanted}
        got = extract(example.get("text"), example.get("intent"))
        for mode, scored in (("annotated", kinds), ("strict", set(ENTITIES))):
            for kind in scored:
                w = {v for k, v in wanted if k == kind}
                g = {v for k, v in got if k == kind}
                counts[mode][kind].update(tp=len(w & g), fp=len(g - w), fn=len(w - g))
    return counts


def f1(counts: Counter) -> float:
    return 2 * counts["tp"] / (2 * counts["tp"] + counts["fp"] + counts["fn"]) if counts["tp"] else 0.0


def micro(counts: dict[str, Counter]) -> float:
    return f1(sum(counts.values(), Counter()))


def print_training_data() -> None:
    data = load_data(str(ROOT / "data" / "nlu"))
    counts = score(data.intent_examples, data.entity_synonyms, reader)["annotated"]
    print(f"{'entité':16} {'lecteur F1':>10}   vrais+ / ajoutés / manqués")
    for kind in ENTITIES:
        c = counts[kind]
        print(f"{kind:16} {f1(c):10.3f}   {c['tp']} / {c['fp']} / {c['fn']}")
    print(f"{'micro':16} {micro(counts):10.3f}   (entités des exemples annotés, valeurs en identifiants)")
    print("Attention : le lecteur a été écrit en regardant ces exemples ; ce ne sont pas des données mises de "
          "côté. Mesure tenue à part : `--heldout`.")


def print_heldout(model: Path) -> dict[str, Any]:
    data = load_data(str(HELDOUT))
    by = {"lecteur": score(data.intent_examples, data.entity_synonyms, reader),
          "modèle": score(data.intent_examples, data.entity_synonyms, model_extractor(model))}
    print(f"{len(data.intent_examples)} messages mis de côté ({HELDOUT.relative_to(ROOT)}), modèle {model.name}")
    print(f"{'entité':16} {'lecteur F1':>10} {'modèle F1':>10}   lecteur vrais+/ajoutés/manqués   modèle")
    for kind in ENTITIES:
        r, m = by["lecteur"]["annotated"][kind], by["modèle"]["annotated"][kind]
        print(f"{kind:16} {f1(r):10.3f} {f1(m):10.3f}   {r['tp']:>4} / {r['fp']:>3} / {r['fn']:>3}"
              f"{'':17}{m['tp']:>4} / {m['fp']:>3} / {m['fn']:>3}")
    summary = {name: {mode: round(micro(counts[mode]), 4) for mode in counts} for name, counts in by.items()}
    if not any(c["tp"] or c["fp"] for c in by["modèle"]["strict"].values()):
        print(f"(le modèle {model.name} n'extrait aucune entité : colonne « modèle » sans objet ; --model pour en "
              "comparer un autre)")
    print(f"{'micro':16} {summary['lecteur']['annotated']:10.3f} {summary['modèle']['annotated']:10.3f}"
          "   (sur les types annotés dans chaque message)")
    print(f"{'micro strict':16} {summary['lecteur']['strict']:10.3f} {summary['modèle']['strict']:10.3f}"
          "   (toute valeur d'un type non annoté compte comme ajoutée)")
    return summary


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--heldout", action="store_true", help="the held-out set, reader and trained model")
    parser.add_argument("--model", type=Path, default=None,
                        help="with --heldout: the model to compare (default: the current one, which extracts no "
                             "entity since issue 15; give a model trained with DIET to compare with it)")
    args = parser.parse_args()
    if not args.heldout:
        print_training_data()
        return 0
    sys.path.insert(0, str(ROOT / "tests" / "helpers"))
    from rasa_servers import trained_model

    summary = print_heldout(args.model or trained_model())
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
