"""NLU training data: it follows docs/nlu.md, its ids are those of knowledge/, and
data/nlu/generated/ (scripts/build_nlu.py) is current."""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
import warnings
from collections import Counter, defaultdict
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

import pytest

from bot.communes import communes
from bot.knowledge import ROLES, SCHEME_IDS, TERRITORY_IDS, knowledge
from bot.text import normalize

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "build_nlu.py"
NLU_DIR = REPO / "data" / "nlu"
GENERATED = NLU_DIR / "generated"
CONTRACT = REPO / "docs" / "nlu.md"

ENTITIES = ("age", "commune", "territoire", "dispositif", "situation", "structure_type", "role")
MIN_EXAMPLES = 20  # per intent of docs/nlu.md
MIN_SUB_EXAMPLES = 8  # per retrieval sub-intent (chitchat/…, out_of_scope/…)
MIN_ANNOTATIONS = 15  # per entity


@pytest.fixture(scope="module")
def build() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_nlu", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def training_data() -> Any:
    """data/nlu/ read by Rasa's own loader (no model, no domain needed)."""
    from rasa.shared.nlu.training_data.loading import load_data

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        data = load_data(str(NLU_DIR))
    data.loading_warnings = [str(w.message) for w in caught]
    return data


def _contract_rows(section: str) -> list[tuple[str, str]]:
    """(first cell without backticks, second cell) of the table under `## <section>`."""
    text = CONTRACT.read_text(encoding="utf-8")
    body = text.split(f"## {section}", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in body.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) >= 2 and cells[0].startswith("`"):
            rows.append((cells[0].strip("`"), cells[1]))
    return rows


def contract_intents() -> tuple[list[str], dict[str, list[str]]]:
    """Main intents and, for retrieval intents, their sub-intents, as docs/nlu.md lists them."""
    main: list[str] = []
    subs: dict[str, list[str]] = {}
    for name, meaning in _contract_rows("Intents"):
        if name.endswith("/<sub>"):
            retrieval = name.split("/")[0]
            subs[retrieval] = re.findall(r"`([a-z_]+)`", meaning.split(":", 1)[1])
        else:
            main.append(name)
    return main, subs


def known_ids() -> dict[str, set[str]]:
    vocabulary = knowledge().vocabulary
    return {
        "situation": set(vocabulary.situation_ids),
        "structure_type": set(vocabulary.structure_type_ids),
        "dispositif": set(SCHEME_IDS),
        "territoire": set(TERRITORY_IDS),
        "role": set(ROLES),
    }


def _key(text: str) -> str:
    return " ".join(text.casefold().split()).rstrip(" ?!.")


# -- generated files ---------------------------------------------------------------------------


def test_generated_files_are_current(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--check"], cwd=tmp_path, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr


def test_check_names_the_stale_file(
    build: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "generated"
    shutil.copytree(GENERATED, copy)
    stale = copy / "synonyms.yml"
    stale.write_text(stale.read_text(encoding="utf-8").replace("ase_confie", "ase"), encoding="utf-8")
    (copy / "old_table.yml").write_text("nlu: []\n", encoding="utf-8")
    monkeypatch.setattr(build, "OUTPUT_DIR", copy)
    assert build.main(["--check"]) == 1
    err = capsys.readouterr().err
    assert "data/nlu/generated/synonyms.yml est périmé" in err
    assert "data/nlu/generated/old_table.yml est périmé" in err
    assert "lookup_commune.yml" not in err


def test_an_alias_of_two_situations_is_refused(build: ModuleType) -> None:
    def term(ident: str, aliases: list[str]) -> SimpleNamespace:
        return SimpleNamespace(id=ident, aliases=aliases)

    kb = SimpleNamespace(
        vocabulary=SimpleNamespace(
            situations=[term("rsa", ["RSA"]), term("neet", ["rsa"])], structure_types=[], roles=[]
        ),
        territories={},
        schemes={},
    )
    with pytest.raises(build.BuildError, match="'rsa' mène à plusieurs situation : neet, rsa"):
        build.synonym_table(kb)


def test_a_situation_alias_wins_over_a_scheme_alias(build: ModuleType) -> None:
    table = build.synonym_table(knowledge())
    assert table["premier logement"] == "premiere_demande_logement"
    assert table["primo-locataires"] == "logement_primo_locataires"


def test_spellings_people_type_are_synonyms(build: ModuleType) -> None:
    table = build.synonym_table(knowledge())
    assert table["foyer"] == table["en foyer"] == table["mecs"] == "ase_confie"
    assert table["a la rue"] == table["à la rue"] == "sans_logement"
    assert table["confié à l’ase"] == table["confie a l'ase"] == "ase_confie"
    assert table["mission loc"] == "mission_locale"
    assert table["asso"] == "association_1901"
    assert table["decrocheur"] == "decrochage_scolaire"
    assert table["henin carvin"] == "henin_carvin"


def test_the_commune_lookup_holds_every_commune_former_name_and_name_in_everyday_use() -> None:
    text = (GENERATED / "lookup_commune.yml").read_text(encoding="utf-8")
    entries = {line.strip()[2:].casefold() for line in text.splitlines() if line.startswith("    - ")}
    names = [c.name for c in communes().all()] + [name for name, _ in communes().other_names()]
    assert len(names) == 887 + 11 + 7
    assert not [n for n in names if n.casefold() not in entries]
    assert {"st omer", "saint omer", "boulogne", "noeux les mines", "le touquet", "hesdin", "berck sur mer"} <= entries


# -- training data -----------------------------------------------------------------------------


def test_the_data_loads_without_warnings(training_data: Any) -> None:
    relevant = [w for w in training_data.loading_warnings if "synonym" in w.lower() or "entity" in w.lower()]
    assert not relevant


def test_every_intent_of_the_contract_has_examples(training_data: Any) -> None:
    main, subs = contract_intents()
    assert {"chitchat", "out_of_scope"} <= set(subs)
    counts = Counter(e.get_full_intent() for e in training_data.intent_examples)
    expected_full = set(main) | {f"{r}/{s}" for r, ss in subs.items() for s in ss}
    assert set(counts) == expected_full, "intents hors contrat ou sans exemple"
    too_few = {i: counts[i] for i in main if counts[i] < MIN_EXAMPLES}
    too_few |= {f"{r}/{s}": counts[f"{r}/{s}"] for r, ss in subs.items() for s in ss
                if counts[f"{r}/{s}"] < MIN_SUB_EXAMPLES}
    assert not too_few


def test_no_example_is_given_to_two_intents(training_data: Any) -> None:
    intents: dict[str, set[str]] = defaultdict(set)
    for example in training_data.intent_examples:
        intents[_key(example.get("text"))].add(example.get_full_intent())
    assert not {text: sorted(names) for text, names in intents.items() if len(names) > 1}


def test_no_example_is_repeated_within_an_intent(training_data: Any) -> None:
    counts = Counter((_key(e.get("text")), e.get_full_intent()) for e in training_data.intent_examples)
    assert not [pair for pair, n in counts.items() if n > 1]


def test_annotations_use_the_entities_and_ids_of_the_contract(training_data: Any) -> None:
    contract = [name for name, _ in _contract_rows("Entities")]
    assert sorted(contract) == sorted(ENTITIES)
    ids = known_ids()
    wrong = []
    for example in training_data.intent_examples:
        for entity in example.get("entities", []):
            name, value = entity["entity"], entity.get("value")
            if name not in ENTITIES or (name in ids and value not in ids[name]):
                wrong.append((example.get("text"), name, value))
    assert not wrong


def test_every_entity_is_annotated_often(training_data: Any) -> None:
    counts = Counter(
        entity["entity"] for example in training_data.intent_examples for entity in example.get("entities", [])
    )
    assert not {name: counts[name] for name in ENTITIES if counts[name] < MIN_ANNOTATIONS}


def test_synonyms_lead_to_one_known_id(training_data: Any) -> None:
    """Rasa maps the lower-cased entity text, whatever the entity: one text, one id."""
    all_ids = set().union(*known_ids().values())
    targets: dict[str, set[str]] = defaultdict(set)
    for text, value in training_data.entity_synonyms.items():
        targets[text.casefold()].add(value)
    assert not {text: values for text, values in targets.items() if len(values) > 1}
    assert not {text: values for text, values in targets.items() if not values <= all_ids}


def test_no_synonym_turns_a_commune_name_into_an_id(training_data: Any) -> None:
    names = {normalize(c.name) for c in communes().all()} | {normalize(n) for n, _ in communes().other_names()}
    assert not [text for text in training_data.entity_synonyms if normalize(text) in names]


def test_lookup_tables_are_entities(training_data: Any) -> None:
    assert {table["name"] for table in training_data.lookup_tables} == {"commune", "dispositif", "territoire"}


def test_the_held_out_entity_set_stays_out_of_the_training_data() -> None:
    """evaluation/heldout_entities.yml measures the reader and the model on messages neither was
    built on (docs/nlu.md): copying one of them into data/nlu would end that."""
    from rasa.shared.nlu.training_data.loading import load_data

    heldout = load_data(str(REPO / "evaluation" / "heldout_entities.yml")).intent_examples
    assert len(heldout) >= 300
    training = {normalize(e.get("text")) for e in load_data(str(NLU_DIR)).intent_examples}
    copied = [e.get("text") for e in heldout if normalize(e.get("text")) in training]
    assert not copied, copied
