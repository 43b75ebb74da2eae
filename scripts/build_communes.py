"""Build knowledge/communes/ from the official commune dataset.

Sources and licences
- Communes, EPCI, arrondissements and départements come from the npm package
  @etalab/decoupage-administratif (version pinned in package-lock.json), built by Etalab from the
  Code officiel géographique and the legal populations of the INSEE, the list of EPCI à fiscalité
  propre of the DGCL and the Base officielle des codes postaux of La Poste. Data under the
  Licence Ouverte / Open Licence (Etalab); package code under the MIT licence.
- The territory of each EPCI is a *proposal* (../shared/data/communes_62_territoires.csv, column
  `territoire_propose`, with a `confiance` level), to be confirmed by the Département.

Outputs (UTF-8, "\\n" line endings, sorted, no timestamps, so that a rebuild is byte-identical):
- epci_territoires.csv        one row per EPCI of the Pas-de-Calais and its proposed territory;
                              rewritten only when the shared CSV exists, read back otherwise
- communes_62.csv             the current communes of the Pas-de-Calais with their territory
- communes_62_anciennes.csv   delegated and associated communes of the 62 and their current commune
- communes_hors_62.csv        every other commune of France (to answer "Lille is not in the 62")
- departements.csv            department codes and names (to name the department of a code)

Usage: .venv/bin/python scripts/build_communes.py [--check]
With --check nothing is written; the exit status is 1 if a committed file is stale.
Exit status 2: an input is missing or inconsistent (the message says what to do).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
PACKAGE_DIR = REPO_ROOT / "node_modules" / "@etalab" / "decoupage-administratif"
OUTPUT_DIR = REPO_ROOT / "knowledge" / "communes"
SHARED_TERRITORIES = REPO_ROOT.parent / "shared" / "data" / "communes_62_territoires.csv"

DEPARTMENT = "62"
CURRENT = "commune-actuelle"
FORMER_TYPES = ("commune-deleguee", "commune-associee")

# Display names used in ../shared/data ↔ territory ids of CONVENTIONS.md.
TERRITORY_IDS = {
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
CONFIDENCE_LEVELS = ("haute", "moyenne-haute", "moyenne")

EPCI_HEADER = ("epci_siren", "epci_nom", "territoire", "territoire_nom", "confiance")
COMMUNES_HEADER = (
    "insee",
    "nom",
    "codes_postaux",
    "population",
    "epci_siren",
    "epci_nom",
    "arrondissement",
    "territoire",
    "confiance",
    "anciens_codes",
)
FORMER_HEADER = ("insee", "nom", "type", "commune_insee", "commune_nom")
OUTSIDE_HEADER = ("insee", "nom", "departement")
DEPARTMENTS_HEADER = ("code", "nom")

Row = Sequence[str]


class BuildError(Exception):
    """The inputs are missing or inconsistent; the message says what to do."""


def to_csv(header: Row, rows: Iterable[Row]) -> str:
    """Render rows as CSV text with "\\n" line endings."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def shown(path: Path) -> str:
    """`path` relative to the repository when it is inside it, for shorter messages."""
    return str(path.relative_to(REPO_ROOT)) if path.is_relative_to(REPO_ROOT) else str(path)


def load_package(name: str) -> list[dict]:
    path = PACKAGE_DIR / "data" / name
    if not path.is_file():
        raise BuildError(
            f"{shown(path)} est introuvable : lancez make install "
            "(npm ci installe @etalab/decoupage-administratif)."
        )
    return json.loads(path.read_text(encoding="utf-8"))


def epci_rows_from_shared(path: Path) -> list[Row]:
    """One row per EPCI from the per-commune proposal, checking the territory is constant per EPCI."""
    by_epci: dict[str, Row] = {}
    for line in read_csv(path):
        name = line["territoire_propose"]
        if name not in TERRITORY_IDS:
            raise BuildError(
                f"{shown(path)}: territoire inconnu {name!r} pour la commune {line['code_insee']}"
            )
        if line["confiance"] not in CONFIDENCE_LEVELS:
            raise BuildError(
                f"{shown(path)}: confiance inconnue {line['confiance']!r} ({line['code_insee']})"
            )
        row = (line["epci_siren"], line["epci_nom"], TERRITORY_IDS[name], name, line["confiance"])
        previous = by_epci.setdefault(row[0], row)
        if previous != row:
            raise BuildError(f"{shown(path)}: l'EPCI {row[0]} a deux territoires ou niveaux de confiance")
    return sorted(by_epci.values())


def epci_rows_from_committed(path: Path) -> list[Row]:
    if not path.is_file():
        raise BuildError(
            f"{shown(path)} est introuvable, comme {shown(SHARED_TERRITORIES)} : "
            "impossible d'attribuer les territoires."
        )
    return sorted(tuple(line[column] for column in EPCI_HEADER) for line in read_csv(path))


def epci_of_communes(epcis: list[dict]) -> dict[str, dict]:
    """Commune INSEE code → its EPCI (from the `membres` lists)."""
    return {member["code"]: epci for epci in epcis for member in epci["membres"]}


def commune_rows(
    communes: list[dict], epcis: list[dict], arrondissements: list[dict], epci_rows: list[Row]
) -> list[Row]:
    territory_of_epci = {row[0]: row for row in epci_rows}
    epci_of = epci_of_communes(epcis)
    arrondissement_names = {item["code"]: item["nom"] for item in arrondissements}
    rows = []
    for commune in communes:
        if commune["departement"] != DEPARTMENT or commune["type"] != CURRENT:
            continue
        epci = epci_of.get(commune["code"])
        if epci is None:
            raise BuildError(f"La commune {commune['code']} {commune['nom']} n'appartient à aucun EPCI.")
        if epci["code"] not in territory_of_epci:
            raise BuildError(
                f"L'EPCI {epci['code']} {epci['nom']} n'a pas de territoire dans epci_territoires.csv."
            )
        _, _, territory, _, confidence = territory_of_epci[epci["code"]]
        rows.append(
            (
                commune["code"],
                commune["nom"],
                ";".join(sorted(commune.get("codesPostaux", []))),
                str(commune.get("population", 0)),
                epci["code"],
                epci["nom"],
                arrondissement_names[commune["arrondissement"]],
                territory,
                confidence,
                ";".join(sorted(commune.get("anciensCodes", []))),
            )
        )
    return sorted(rows)


def former_rows(communes: list[dict]) -> list[Row]:
    current_names = {c["code"]: c["nom"] for c in communes if c["type"] == CURRENT}
    rows = [
        (c["code"], c["nom"], c["type"], c["chefLieu"], current_names[c["chefLieu"]])
        for c in communes
        if c["departement"] == DEPARTMENT and c["type"] in FORMER_TYPES
    ]
    return sorted(rows)


def outside_rows(communes: list[dict]) -> list[Row]:
    rows = {
        (c["code"], c["nom"], c["departement"])
        for c in communes
        if c["departement"] != DEPARTMENT and c["type"] in (CURRENT, *FORMER_TYPES)
    }
    return sorted(rows)


def department_rows(departments: list[dict]) -> list[Row]:
    return sorted((d["code"], d["nom"]) for d in departments)


def build() -> dict[str, str]:
    """Every generated file name → its expected content."""
    communes = load_package("communes.json")
    epcis = load_package("epci.json")
    arrondissements = load_package("arrondissements.json")
    departments = load_package("departements.json")
    committed_epci = OUTPUT_DIR / "epci_territoires.csv"
    if SHARED_TERRITORIES.is_file():
        epci_rows = epci_rows_from_shared(SHARED_TERRITORIES)
    else:
        epci_rows = epci_rows_from_committed(committed_epci)
    return {
        "epci_territoires.csv": to_csv(EPCI_HEADER, epci_rows),
        "communes_62.csv": to_csv(COMMUNES_HEADER, commune_rows(communes, epcis, arrondissements, epci_rows)),
        "communes_62_anciennes.csv": to_csv(FORMER_HEADER, former_rows(communes)),
        "communes_hors_62.csv": to_csv(OUTSIDE_HEADER, outside_rows(communes)),
        "departements.csv": to_csv(DEPARTMENTS_HEADER, department_rows(departments)),
    }


def stale_files(expected: dict[str, str]) -> list[str]:
    stale = []
    for name, text in expected.items():
        path = OUTPUT_DIR / name
        if not path.is_file() or path.read_bytes() != text.encode("utf-8"):
            stale.append(name)
    return stale


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="ne rien écrire ; échouer si un fichier est périmé"
    )
    args = parser.parse_args(argv)
    try:
        expected = build()
    except BuildError as error:
        print(f"build_communes: {error}", file=sys.stderr)
        return 2
    if args.check:
        stale = stale_files(expected)
        for name in stale:
            print(
                f"build_communes: knowledge/communes/{name} est périmé : "
                "lancez make communes (scripts/build_communes.py) et committez le résultat.",
                file=sys.stderr,
            )
        return 1 if stale else 0
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    for name, text in expected.items():
        (OUTPUT_DIR / name).write_bytes(text.encode("utf-8"))
        print(f"knowledge/communes/{name}: {text.count(chr(10)) - 1} lignes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
