"""How well the message reader (bot/reading/) finds what the NLU data annotates, entity by entity,
beside DIET's cross-validated entity F1 of `make evaluate` (reports/nlu/summary.json).

The conversation takes age, commune, situations, role, structure types, schemes and territories
from the reader; DIET's entities are only a fallback where the reader finds none. This script reads
every annotated example of data/nlu/ with the reader alone (no model) and counts, per entity type,
the values it finds that the annotation has (true positives), the ones it adds and the ones it
misses, as ids (synonyms applied, communes as INSEE codes). Caveat printed with the numbers: the
reader's phrase tables were written looking at these examples, so this is not held-out data; the
held-out measure of the reader is the e2e conversations and `make converse`.

Never run in CI (it prints numbers): `.venv/bin/python scripts/evaluate_reader.py`.
"""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

from rasa.shared.nlu.training_data.loading import load_data  # noqa: E402

from bot.communes import communes  # noqa: E402
from bot.reading import AGE, Reading, read  # noqa: E402
from bot.reading.ages import ages_in, bare_age  # noqa: E402
from bot.reading.words import Words  # noqa: E402

ENTITIES = ("age", "commune", "situation", "role", "structure_type", "dispositif", "territoire")
SUMMARY = ROOT / "reports" / "nlu" / "summary.json"


def expected(example_entities: list[dict], synonyms: dict[str, str]) -> set[tuple[str, str]]:
    found = set()
    for entity in example_entities:
        kind, value = entity["entity"], str(entity["value"])
        value = synonyms.get(value, synonyms.get(value.lower(), value))
        if kind == "commune":
            match = communes().resolve(value)
            value = match.commune.insee if match.commune else value.lower()
        elif kind == "age":  # "dix-neuf", "18ans": the number they say
            said = bare_age(value) or next(iter(ages_in(Words.of(f"{value} ans"))), None)
            value = str(said) if said is not None else value
        found.add((kind, value))
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


def main() -> int:
    data = load_data(str(ROOT / "data" / "nlu"))
    counts = {kind: Counter() for kind in ENTITIES}
    for example in data.intent_examples:
        wanted = expected(example.get("entities") or [], data.entity_synonyms)
        if not wanted:
            continue
        kinds = {k for k, _ in wanted}
        text = example.get("text")
        # A lone number is an age only as the answer to "quel âge ?", which the dialogue says to the reader.
        expecting = AGE if text.strip().isdigit() or text.lower().startswith("âge") else None
        got = {f for f in found(read(text, example.get("intent"), [], expecting)) if f[0] in kinds}
        for kind in kinds:
            w = {v for k, v in wanted if k == kind}
            g = {v for k, v in got if k == kind}
            counts[kind].update(tp=len(w & g), fp=len(g - w), fn=len(w - g))
    diet = json.loads(SUMMARY.read_text(encoding="utf-8")).get("entity_f1", {}) if SUMMARY.exists() else {}
    print(f"{'entité':16} {'lecteur F1':>10} {'DIET F1 (CV)':>13}   vrais+ / ajoutés / manqués")
    total = Counter()
    for kind in ENTITIES:
        c = counts[kind]
        total.update(c)
        f1 = 2 * c["tp"] / (2 * c["tp"] + c["fp"] + c["fn"]) if c["tp"] else 0.0
        print(f"{kind:16} {f1:10.3f} {diet.get(kind, float('nan')):13.3f}   {c['tp']} / {c['fp']} / {c['fn']}")
    micro = 2 * total["tp"] / (2 * total["tp"] + total["fp"] + total["fn"])
    print(f"{'micro':16} {micro:10.3f}   (entités des exemples annotés, valeurs en identifiants)")
    print("Attention : le lecteur a été écrit en regardant ces exemples ; ce ne sont pas des données mises de "
          "côté. Mesure tenue à part : les conversations e2e et `make converse`.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
