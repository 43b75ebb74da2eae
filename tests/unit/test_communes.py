"""Commune resolution on the real, committed data of knowledge/communes/."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz.distance import OSA, Levenshtein

from bot.communes import STATUSES, Commune, Communes, communes
from bot.text import normalize

REPO = Path(__file__).resolve().parents[2]
SHARED_DATA = REPO.parent / "shared" / "data"
TERRITORIES = {
    "Arrageois": "arrageois",
    "Artois": "artois",
    "Audomarois": "audomarois",
    "Boulonnais": "boulonnais",
    "Calaisis": "calaisis",
    "Hénin-Carvin": "henin_carvin",
    "Lens-Liévin": "lens_lievin",
    "Montreuillois": "montreuillois",
    "Ternois": "ternois",
}


@pytest.fixture(scope="module")
def registry() -> Communes:
    return communes()


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def names(candidates: tuple[Commune, ...]) -> list[str]:
    return [commune.name for commune in candidates]


def resolved_name(registry: Communes, text: str) -> str | None:
    match = registry.resolve(text)
    return match.commune.name if match.commune else None


# -- the whole data set ----------------------------------------------------------------------


def test_there_are_887_communes_and_11_former_names(registry: Communes) -> None:
    assert len(registry.all()) == 887
    assert len({commune.insee for commune in registry.all()}) == 887
    assert len(registry.former_names()) == 11


def test_every_commune_resolves_by_its_name_to_itself_and_one_territory(registry: Communes) -> None:
    for commune in registry.all():
        match = registry.resolve(commune.name)
        assert (match.status, match.via, match.commune) == ("resolved", "nom", commune), commune.name
        assert match.territory == commune.territory
        assert commune.territory in TERRITORIES.values()
        assert commune.confidence in ("haute", "moyenne-haute", "moyenne")


def test_every_former_name_resolves_to_its_current_commune(registry: Communes) -> None:
    expected = {
        row["nom"]: row["commune_insee"]
        for row in read_csv(REPO / "knowledge" / "communes" / "communes_62_anciennes.csv")
    }
    assert len(expected) == 11
    for former, commune in registry.former_names():
        assert commune.insee == expected[former]
        match = registry.resolve(former)
        assert (match.status, match.via, match.commune) == ("resolved", "ancien_nom", commune), former


def test_every_commune_is_found_by_its_insee_code(registry: Communes) -> None:
    for commune in registry.all():
        assert registry.by_insee(commune.insee) == commune


def test_an_insee_code_resolves_unless_it_is_also_a_postal_code_of_the_62(registry: Communes) -> None:
    """134 INSEE codes of current communes are also postal codes of the 62 (62100: Beaurainville
    and Calais). The postal code wins: people type their postal code, not their INSEE code."""
    postal_codes = {code for commune in registry.all() for code in commune.postal_codes}
    by_insee = 0
    for commune in registry.all():
        match = registry.resolve(commune.insee)
        if commune.insee in postal_codes:
            assert match.via == "code_postal", commune.insee
        else:
            assert (match.status, match.via, match.commune) == ("resolved", "insee", commune)
            by_insee += 1
    assert by_insee == 887 - 134


def test_postal_code_wins_over_the_same_insee_code(registry: Communes) -> None:
    assert registry.by_insee("62100").name == "Beaurainville"
    assert resolved_name(registry, "62100") == "Calais"
    assert registry.by_insee("62110").name == "Isbergues"  # code of Berguette, now in Isbergues
    assert resolved_name(registry, "62110") == "Hénin-Beaumont"


def test_territories_follow_the_epci(registry: Communes) -> None:
    rows = read_csv(REPO / "knowledge" / "communes" / "epci_territoires.csv")
    territory_of_epci = {row["epci_siren"]: (row["territoire"], row["confiance"]) for row in rows}
    assert len(rows) == 20
    assert {row["territoire"] for row in rows} == set(TERRITORIES.values())
    for row in rows:
        assert TERRITORIES[row["territoire_nom"]] == row["territoire"]
    for commune in registry.all():
        assert territory_of_epci[commune.epci_siren] == (commune.territory, commune.confidence)


# -- names ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "outside_name"),
    [
        ("Lille", "Lille (59)"),
        ("Cambrai", "Cambrai (59)"),
        ("Dunkerque", "Dunkerque (59)"),
        ("Amiens", "Amiens (80)"),
        ("Paris", "Paris (75)"),
        ("Saint-Omer (14)", "Saint-Omer (14)"),
        ("Lille 59000", "Lille (59)"),
        ("Montreuil 93100", "Montreuil (93)"),
    ],
)
def test_places_outside_the_62(registry: Communes, text: str, outside_name: str) -> None:
    match = registry.resolve(text)
    assert (match.status, match.outside_name) == ("hors_62", outside_name)
    assert match.commune is None and match.territory is None


def test_a_name_found_in_several_departments_lists_them(registry: Communes) -> None:
    match = registry.resolve("Beaulieu")
    assert match.status == "hors_62"
    assert match.outside_name.startswith("Beaulieu (") and match.outside_name.endswith(", …)")


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Lillers", "Lillers"),
        ("Beaumetz-lès-Cambrai", "Beaumetz-lès-Cambrai"),
        ("Calais", "Calais"),
        ("Saint-Omer", "Saint-Omer"),  # also a commune of the Calvados: the 62 wins
        ("Arras (59)", "Arras"),  # no Arras in the Nord: the 62 wins
        ("Hesdin", "Hesdin-la-Forêt"),
        ("Labuissière", "Bruay-la-Buissière"),
        ("Berguette", "Isbergues"),
        ("ST OMER", "Saint-Omer"),
        ("saint-omer", "Saint-Omer"),
        ("Saint Omer", "Saint-Omer"),
        ("henin beaumont", "Hénin-Beaumont"),
        ("boulogne sur mer", "Boulogne-sur-Mer"),
        ("liévin", "Liévin"),
        ("lievin", "Liévin"),
        ("LIÉVIN", "Liévin"),
        ("Lens (62)", "Lens"),
        ("Lens, 62", "Lens"),
        ("Lens, Pas-de-Calais", "Lens"),
        ("Lens departement 62", "Lens"),
        ("Arras 62000", "Arras"),
        ("Arras 62 000", "Arras"),
        ("62000 Arras", "Arras"),
        ("Arras 62041", "Arras"),  # its INSEE code also confirms it
        ("j'habite à Arras", "Arras"),
        ("à Lens", "Lens"),
    ],
)
def test_names_of_the_62(registry: Communes, text: str, name: str) -> None:
    match = registry.resolve(text)
    assert match.status == "resolved"
    assert match.commune.name == name
    assert match.territory == match.commune.territory


def test_insee_code_of_a_delegated_commune_gives_the_current_commune_first(registry: Communes) -> None:
    match = registry.resolve("62447")  # Hesdin-la-Forêt, and also Hesdin, its delegated commune
    assert (match.status, match.via, match.commune.name) == ("resolved", "insee", "Hesdin-la-Forêt")
    assert registry.by_insee("62098").name == "Hénin-Beaumont"  # a former code
    assert resolved_name(registry, "80072") == "Beauvoir-Wavans"  # a former code from the Somme


@pytest.mark.parametrize(
    ("text", "name", "expected_osa", "expected_levenshtein"),
    [
        ("Arars", "arras", 1, 2),  # two letters swapped: one typo
        ("Béthunne", "bethune", 1, 1),
        ("Liévn", "lievin", 1, 1),
        ("Hesdim", "hesdin", 1, 1),  # a former name
    ],
)
def test_one_typo_is_forgiven(
    registry: Communes, text: str, name: str, expected_osa: int, expected_levenshtein: int
) -> None:
    assert OSA.distance(normalize(text), name) == expected_osa
    assert Levenshtein.distance(normalize(text), name) == expected_levenshtein
    match = registry.resolve(text)
    assert (match.status, match.via) == ("resolved", "approx")
    assert normalize(match.commune.name) == name or name in {
        normalize(former) for former, commune in registry.former_names() if commune == match.commune
    }


@pytest.mark.parametrize(
    ("text", "closest", "distance"),
    [
        ("Arrasss", "arras", 2),
        ("Arasas", "arras", 2),
        ("Lensss", "lens", 2),
        ("Lns", "lens", 1),
        ("Len", "lens", 1),
    ],
)
def test_two_typos_and_short_inputs_are_not_guessed(
    registry: Communes, text: str, closest: str, distance: int
) -> None:
    assert OSA.distance(normalize(text), closest) == distance
    assert registry.resolve(text).status == "inconnue"


@pytest.mark.parametrize(("text", "expected"), [("fauquemberg", "Fauquembergues"), ("hénin beaumon", "Hénin-Beaumont"), ("Bully les mi", "Bully-les-Mines")])
def test_a_name_cut_short_is_the_commune_it_begins(registry: Communes, text: str, expected: str) -> None:
    match = registry.resolve(text)
    assert (match.status, match.via, match.commune.name) == ("resolved", "approx", expected)


def test_a_short_or_common_beginning_is_not_guessed(registry: Communes) -> None:
    assert registry.resolve("Fauquem").status == "inconnue"  # 7 letters: too short to say
    assert registry.resolve("Saint-Martin-").status != "resolved"  # begins a dozen names


def test_an_exact_name_outside_the_62_beats_a_typo_inside() -> None:
    match = communes().resolve("Clais")  # a commune of the Seine-Maritime, one letter from Calais
    assert (match.status, match.outside_name) == ("hors_62", "Clais (76)")


@pytest.mark.parametrize(
    ("text", "expected", "territory"),
    [
        ("Arres", ["Arras", "Ardres"], None),  # arras: a→e; ardres: one d less
        ("Oulle", ["Moulle", "Houlle"], "audomarois"),
        ("Barli", ["Barlin", "Barly"], None),
    ],
)
def test_equally_close_names_are_ambiguous(
    registry: Communes, text: str, expected: list[str], territory: str | None
) -> None:
    for name in expected:
        assert OSA.distance(normalize(text), normalize(name)) == 1
    match = registry.resolve(text)
    assert (match.status, match.via, match.territory) == ("ambiguous", "approx", territory)
    assert names(match.candidates) == expected  # biggest first


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Boulogne", "Boulogne-sur-Mer"),  # also a former commune of the Vendée
        ("Montreuil", "Montreuil-sur-Mer"),  # also communes of the 28, 85 and 93
        ("Le Touquet", "Le Touquet-Paris-Plage"),
        ("Bruay", "Bruay-la-Buissière"),
        ("Saint-Pol", "Saint-Pol-sur-Ternoise"),
    ],
)
def test_the_beginning_of_a_name_stands_for_it(registry: Communes, text: str, name: str) -> None:
    match = registry.resolve(text)
    assert (match.status, match.via, match.commune.name) == ("resolved", "approx", name)


def test_a_beginning_shared_by_several_communes_is_ambiguous(registry: Communes) -> None:
    match = registry.resolve("Calonne")  # Calonne-Ricouart (5,369) and Calonne-sur-la-Lys (1,595)
    assert match.status == "ambiguous"
    assert names(match.candidates) == ["Calonne-Ricouart", "Calonne-sur-la-Lys"]
    assert registry.resolve("Saint").status == "inconnue"


@pytest.mark.parametrize(("text", "town"), [("Hénin", "Hénin-Beaumont"), ("noeux", "Nœux-les-Mines")])
def test_a_beginning_is_the_town_when_it_dwarfs_the_villages_it_also_begins(
    registry: Communes, text: str, town: str
) -> None:
    match = registry.resolve(text)
    assert (match.status, match.via, match.commune.name) == ("resolved", "approx", town)


@pytest.mark.parametrize(("text", "commune"), [("Berck-sur-Mer", "Berck"), ("hardelot", "Neufchâtel-Hardelot"),
                                               ("etaples sur mer", "Étaples")])
def test_a_name_in_everyday_use_resolves_to_the_official_commune(registry: Communes, text: str, commune: str) -> None:
    assert registry.resolve(text).commune.name == commune


def test_a_postal_code_that_contradicts_the_name_is_ambiguous(registry: Communes) -> None:
    match = registry.resolve("Lens 62400")  # 62400 is Béthune, Essars and Locon
    assert match.status == "ambiguous"
    assert names(match.candidates)[:2] == ["Lens", "Béthune"]
    assert match.territory is None


def test_an_unknown_name_with_a_postal_code_uses_the_code(registry: Communes) -> None:
    assert resolved_name(registry, "Arars 62000") == "Arras"
    match = registry.resolve("Truc 62100")
    assert (match.status, match.via, match.commune.name) == ("resolved", "code_postal", "Calais")


# -- codes ------------------------------------------------------------------------------------


def test_a_postal_code_of_one_commune_resolves(registry: Communes) -> None:
    for text in ("62100", "62 100", " 62100 "):
        match = registry.resolve(text)
        assert (match.status, match.via, match.commune.name) == ("resolved", "code_postal", "Calais")
        assert match.territory == "calaisis"


def test_a_postal_code_of_several_communes_of_one_territory_is_ambiguous_with_its_territory(
    registry: Communes,
) -> None:
    match = registry.resolve("62000")
    assert (match.status, match.via, match.territory) == ("ambiguous", "code_postal", "arrageois")
    assert names(match.candidates) == ["Arras", "Dainville"]
    assert registry.resolve("62 300").territory == "lens_lievin"
    assert names(registry.resolve("62 300").candidates) == ["Lens", "Éleu-dit-Leauwette"]


def test_a_postal_code_shared_by_several_territories_is_ambiguous_without_territory(
    registry: Communes,
) -> None:
    match = registry.resolve("62320")
    assert (match.status, match.via, match.territory) == ("ambiguous", "code_postal", None)
    assert {c.territory for c in match.candidates} == {"henin_carvin", "lens_lievin"}
    shared = [
        code
        for commune in registry.all()
        for code in commune.postal_codes
        if len({c.territory for c in registry.resolve(code).candidates}) > 1
    ]
    assert len(set(shared)) >= 10
    for code in set(shared):
        assert registry.resolve(code).territory is None


def test_candidates_are_sorted_by_population_then_name(registry: Communes) -> None:
    for code in ("62120", "62130", "62270", "62560"):
        keys = [(-c.population, normalize(c.name)) for c in registry.resolve(code).candidates]
        assert keys == sorted(keys)


@pytest.mark.parametrize(
    ("text", "outside_name"),
    [
        ("59000", "Nord (59)"),
        ("80000", "Somme (80)"),
        ("59350", "Nord (59)"),  # INSEE code of Lille
        ("75001", "Paris (75)"),
        ("20000", "Corse (20)"),
        ("97100", "Guadeloupe (971)"),
    ],
)
def test_codes_of_other_departments_are_outside(registry: Communes, text: str, outside_name: str) -> None:
    match = registry.resolve(text)
    assert (match.status, match.outside_name) == ("hors_62", outside_name)


@pytest.mark.parametrize("text", [None, "", "   ", "\n\t"])
def test_no_text_is_absent(registry: Communes, text: str | None) -> None:
    assert registry.resolve(text).status == "absente"


@pytest.mark.parametrize("text", ["xyz", "62999", "00000", "98000", "6200", "620000", "62", "18", "?!", "😀"])
def test_nonsense_is_unknown(registry: Communes, text: str) -> None:
    match = registry.resolve(text)
    assert (match.status, match.commune, match.candidates) == ("inconnue", None, ())


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert('Arras')</script>",
        "<b>Lens</b>",
        "🏠 Calais 🇫🇷",
        "Arras" * 2000,
        "a " * 5000,
        "6" * 10_000,
        "\x00\x01\u200b\ufeff",
        "' OR 1=1 --",
        "Lens (62) (62) 62000 62000",
    ],
)
def test_strange_input_never_raises(registry: Communes, text: str) -> None:
    match = registry.resolve(text)
    assert match.status in STATUSES
    assert match.query == text


@settings(deadline=None, derandomize=True, max_examples=300)
@given(st.one_of(st.none(), st.text(), st.from_regex(r"[0-9 ]{0,8}", fullmatch=True)))
def test_resolve_never_raises_and_returns_a_known_status(text: str | None) -> None:
    match = communes().resolve(text)
    assert match.status in STATUSES
    if match.status == "resolved":
        assert match.commune is not None and match.territory == match.commune.territory
    if match.status == "ambiguous":
        assert len(match.candidates) >= 2


# -- module hygiene ---------------------------------------------------------------------------


def test_importing_reads_nothing_and_pulls_no_rasa() -> None:
    code = (
        "import sys, bot.communes as m\n"
        "assert m.communes.cache_info().currsize == 0\n"
        "heavy = {'rasa', 'rasa_sdk', 'tensorflow'} & {name.split('.')[0] for name in sys.modules}\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO)


def test_communes_is_loaded_once() -> None:
    assert communes() is communes()


# -- cross-check with the shared proposal -----------------------------------------------------


def test_same_communes_names_and_territories_as_the_shared_csv(registry: Communes) -> None:
    path = SHARED_DATA / "communes_62_territoires.csv"
    if not path.is_file():
        pytest.skip(f"{path} absent : pas de contrôle croisé avec ../shared/data")
    rows = read_csv(path)
    assert len(rows) == 887
    expected = {row["code_insee"]: (row["nom"], TERRITORIES[row["territoire_propose"]]) for row in rows}
    actual = {c.insee: (c.name, c.territory) for c in registry.all()}
    assert actual == expected


def test_same_former_communes_as_the_shared_csv(registry: Communes) -> None:
    path = SHARED_DATA / "communes_62_deleguees_associees.csv"
    if not path.is_file():
        pytest.skip(f"{path} absent : pas de contrôle croisé avec ../shared/data")
    expected = {(row["nom"], row["chef_lieu_code"]) for row in read_csv(path)}
    assert {(former, commune.insee) for former, commune in registry.former_names()} == expected


def test_a_bare_name_or_code_is_exact_and_whole(registry: Communes) -> None:
    for text in ("Armentières", "armentieres", "Lens", "Saint-Omer", "saint omer", "62200", "62 200", "75001"):
        assert registry.is_bare_name_or_code(text), text
    for text in ("très", "menu", "Montreuil-sur", "c'est combien un iphone 15", "j'habite à Lens", "99999", "", "Lens 62"):
        assert not registry.is_bare_name_or_code(text), text
