"""The knowledge base loads, is complete, and refuses malformed files with a useful message."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from bot.knowledge import SCHEME_IDS, TERRITORY_IDS, KnowledgeError, knowledge, load_knowledge
from bot.paths import KNOWLEDGE_DIR


@pytest.fixture
def knowledge_copy(tmp_path: Path) -> Path:
    target = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE_DIR, target, ignore=shutil.ignore_patterns("communes"))
    return target


def _edit(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_the_seven_schemes_and_nine_territories_load_in_the_conventions_order() -> None:
    k = knowledge()
    assert tuple(k.schemes) == SCHEME_IDS
    assert tuple(k.territories) == TERRITORY_IDS


@pytest.mark.parametrize(
    "file, change, field",
    [
        ("schemes/faj_co.yml", lambda d: d["call"]["sessions"][0].update(opens="pas une date"),
         "call.sessions.0.opens"),
        ("schemes/graine_de.yml", lambda d: d.pop("public"), "public"),
        ("schemes/cllaj.yml", lambda d: d["public"]["rules"][0]["require"].update(type="pointure"),
         "public.rules[0].require.type"),
        ("schemes/coordo_ase.yml", lambda d: d["public"]["rules"][0]["require"]["values"].append("licorne"),
         "public.rules[0].require.values[3]"),
        ("schemes/solutions_logement.yml", lambda d: d["carriers"]["eligible"].append("banque"),
         "carriers.eligible[1]"),
        ("schemes/faj_co.yml", lambda d: d.update(couleur="bleu"), "couleur"),
        ("territories.yml", lambda d: d["territories"][5]["slai"].pop("phone"), "territories.5.slai.phone"),
        ("external.yml", lambda d: d["emergency_numbers"][0].pop("verified_on"), "verified_on"),
        ("departement.yml", lambda d: d["contacts"][0].update(service="inconnu"), "service"),
    ],
)
def test_a_malformed_file_names_the_file_and_the_field(knowledge_copy: Path, file: str, change, field: str) -> None:
    _edit(knowledge_copy / file, change)
    with pytest.raises(KnowledgeError) as error:
        load_knowledge(knowledge_copy)
    message = str(error.value)
    assert Path(file).name in message
    assert field in message


def test_invalid_yaml_is_reported_with_its_file(knowledge_copy: Path) -> None:
    (knowledge_copy / "schemes" / "cllaj.yml").write_text("id: cllaj\n  rules: [\n", encoding="utf-8")
    with pytest.raises(KnowledgeError, match="cllaj.yml"):
        load_knowledge(knowledge_copy)


def test_a_scheme_file_not_declared_in_the_conventions_is_refused(knowledge_copy: Path) -> None:
    shutil.copy(knowledge_copy / "schemes" / "cllaj.yml", knowledge_copy / "schemes" / "nouveau.yml")
    with pytest.raises(KnowledgeError, match="nouveau"):
        load_knowledge(knowledge_copy)


def test_a_new_session_is_a_yaml_change(knowledge_copy: Path) -> None:
    """Publishing next year's call is data: the engine reports the upcoming session."""
    import datetime as dt

    from bot.eligibility.calls import call_status

    _edit(knowledge_copy / "schemes" / "faj_co.yml",
          lambda d: d["call"]["sessions"].append({"opens": dt.date(2027, 1, 11), "closes": dt.date(2027, 9, 15)}))
    scheme = load_knowledge(knowledge_copy).scheme("faj_co")
    status = call_status(scheme.call, dt.date(2026, 11, 29))
    assert (status.status, status.opens) == ("upcoming", dt.date(2027, 1, 11))
    assert call_status(scheme.call, dt.date(2027, 2, 1)).status == "open"


def test_every_scheme_has_its_facts_with_their_seed_section() -> None:
    for scheme in knowledge().schemes.values():
        assert scheme.aliases and scheme.summary.source and scheme.public.source
        assert scheme.public.rules, scheme.id
        assert scheme.carriers.eligible and scheme.carriers.source
        assert scheme.call.sessions and scheme.call.channel == "E partenaire"
        assert scheme.period.source and scheme.funding.source and scheme.payment.items
        assert scheme.evaluation.final_report.text
        assert scheme.contacts and scheme.cost_for_young.source
        assert all(p.source for p in scheme.procedures.items)


def test_the_mandatory_procedures_of_the_seed_are_there() -> None:
    k = knowledge()
    procedures = {s: {p.id for p in k.scheme(s).procedures.items} for s in SCHEME_IDS}
    assert "contact_slai" in procedures["faj_co"]
    assert "fiche_prescription" in procedures["graine_de"]
    assert "reorientation_abandon" in procedures["graine_de"]
    assert "rdv_tripartite_15_jours" in procedures["coordo_ase"]
    assert "commission_1er_du_mois" in procedures["accompagnement_logement"]
    assert all("e_partenaire" in p for p in procedures.values())


def test_entry_services_follow_the_conventions() -> None:
    entries = {s.id: s.entry.service for s in knowledge().schemes.values()}
    assert entries == {
        "faj_co": "slai", "graine_de": "slai", "coordo_ase": "slai", "cllaj": "logement",
        "accompagnement_logement": "logement", "logement_primo_locataires": "logement",
        "solutions_logement": "logement",
    }


def test_faj_co_is_funded_two_years_at_most() -> None:
    assert knowledge().scheme("faj_co").funding.max_years == 2


def test_the_coordo_ase_quality_charter_adds_up() -> None:
    charter = knowledge().scheme("coordo_ase").evaluation.charter
    assert charter is not None and charter.share_percent == 50
    for group in charter.groups:
        assert sum(i.points for i in group.items if i.kind != "bonus") == group.points, group.title
    assert sum(g.points for g in charter.groups) == charter.total_points == 100
    assert sum(i.points for g in charter.groups for i in g.items if i.kind == "bonus") == 9


def test_territory_contacts_as_the_seed_gives_them() -> None:
    t = knowledge().territories
    assert t["henin_carvin"].slai.name is None and t["henin_carvin"].slai.phone == "03 91 83 80 00"
    assert t["audomarois"].slai.name == t["calaisis"].slai.name == "Hervé Leplat"
    assert t["audomarois"].slai.phone != t["calaisis"].slai.phone
    assert "montreuilsois" in t["montreuillois"].aliases


def test_external_facts_all_have_an_official_source_and_a_check_date() -> None:
    raw = yaml.safe_load((KNOWLEDGE_DIR / "external.yml").read_text(encoding="utf-8"))
    numbers = {entry["number"] for entry in raw["emergency_numbers"]}
    assert {"115", "119", "3114", "17", "112"} <= numbers
    for entry in raw["emergency_numbers"]:
        assert entry.get("source") and entry.get("verified_on") and entry.get("url", "").startswith("https://")


def test_aliases_are_unique_within_each_vocabulary() -> None:
    from bot.text import normalize

    vocabulary = knowledge().vocabulary
    for terms in (vocabulary.situations, vocabulary.structure_types):
        seen: dict[str, str] = {}
        for term in terms:
            for alias in term.aliases:
                key = normalize(alias)
                assert seen.setdefault(key, term.id) == term.id, f"{alias!r}: {seen[key]} et {term.id}"
    seen = {}
    for scheme in knowledge().schemes.values():
        for alias in scheme.aliases:
            key = normalize(alias)
            assert seen.setdefault(key, scheme.id) == scheme.id, f"{alias!r}: {seen[key]} et {scheme.id}"
