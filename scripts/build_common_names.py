"""Build knowledge/communes/noms_courants.csv: commune names that are also everyday French words.

The reader of free text (bot/reading/places.py) finds communes anywhere in a message. "Rue" (80),
"Placé" (53), "Avion" (62) or "Campagne" (62) are also words people use in other senses ("je suis
à la rue", "sur place", "prendre l'avion"): such a name counts as a place only after a word that
introduces one ("à", "de", "j'habite"…) or when it is the whole message. A name is listed when
its one-word key is a French word of spaCy's fr_core_news_md lemmatizer tables or stop words, and no commune of
that name has 20 000 inhabitants or more (Paris, Lille, Calais stay places wherever they appear).

Inputs: knowledge/communes/communes_62.csv and communes_62_anciennes.csv, the npm package
@etalab/decoupage-administratif (populations of the communes outside the 62), spaCy's model.
Usage: .venv/bin/python scripts/build_common_names.py [--check]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.communes import communes  # noqa: E402
from bot.text import normalize  # noqa: E402

OUTPUT = ROOT / "knowledge" / "communes" / "noms_courants.csv"
ETALAB = ROOT / "node_modules" / "@etalab" / "decoupage-administratif" / "data" / "communes.json"
BIG_TOWN = 20_000
HEADER = ("nom", "portee")


def is_french_word():  # type: ignore[no-untyped-def]
    """A test for words of the lemmatizer's tables (the lookup table is keyed by hashes)."""
    import spacy

    nlp = spacy.load("fr_core_news_md")
    lemmatizer = nlp.get_pipe("lemmatizer")
    lookup = lemmatizer.lookups.get_table("lemma_lookup")
    lemmas = {normalize(w) for values in lemmatizer.lookups.get_table("lemma_index").values() for w in values}
    lemmas |= {normalize(w) for w in nlp.Defaults.stop_words}  # "aucun", "rien"…: not in the lemma tables
    return lambda key: key in lemmas or lookup.get(key) is not None


def populations() -> dict[str, int]:
    """Population of every commune of France by normalised name (the largest of a name)."""
    by_name: dict[str, int] = {}
    for row in json.loads(ETALAB.read_text(encoding="utf-8")):
        key = normalize(row["nom"])
        by_name[key] = max(by_name.get(key, 0), int(row.get("population") or 0))
    return by_name


def rows() -> list[tuple[str, str]]:
    index = communes()
    is_word = is_french_word()
    sizes = populations()
    found: dict[str, str] = {}
    for key in (*index._by_name, *index._by_former_name, *index._by_prefix):
        if " " not in key and is_word(key) and sizes.get(key, 0) < BIG_TOWN:
            found[key] = "62"
    for key in index._outside_by_name:
        if " " not in key and is_word(key) and sizes.get(key, 0) < BIG_TOWN:
            found.setdefault(key, "hors_62")
    return sorted(found.items())


def render(pairs: list[tuple[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(pairs)
    return out.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the committed file is stale")
    args = parser.parse_args()
    text = render(rows())
    if args.check:
        current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
        if current != text:
            print(f"{OUTPUT.relative_to(ROOT)} : pas à jour, lancez scripts/build_common_names.py", file=sys.stderr)
            return 1
        return 0
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"{OUTPUT.relative_to(ROOT)} : {text.count(chr(10)) - 1} noms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
