"""scripts/build_communes.py: the committed CSV files are current, and the build fails clearly."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "build_communes.py"
PACKAGE_DATA = REPO / "node_modules" / "@etalab" / "decoupage-administratif" / "data"
OUTPUT = REPO / "knowledge" / "communes"

needs_package = pytest.mark.skipif(
    not PACKAGE_DATA.is_dir(),
    reason="node_modules/@etalab/decoupage-administratif absent : lancez make install",
)


@pytest.fixture
def build() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_communes", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@needs_package
def test_committed_files_are_current(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--check"], cwd=tmp_path, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


@needs_package
def test_without_the_shared_csv_the_committed_epci_table_is_used(build: ModuleType, tmp_path: Path) -> None:
    build.SHARED_TERRITORIES = tmp_path / "absent.csv"
    for name, text in build.build().items():
        assert (OUTPUT / name).read_text(encoding="utf-8") == text, name


@needs_package
def test_check_names_the_stale_file(
    build: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "communes"
    shutil.copytree(OUTPUT, copy)
    stale = copy / "communes_62_anciennes.csv"
    stale.write_text(stale.read_text(encoding="utf-8").replace("Hesdin", "Hesdain"), encoding="utf-8")
    build.OUTPUT_DIR = copy
    assert build.main(["--check"]) == 1
    assert "communes_62_anciennes.csv est périmé" in capsys.readouterr().err


def test_a_missing_package_says_to_run_make_install(
    build: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    build.PACKAGE_DIR = tmp_path / "missing"
    assert build.main(["--check"]) == 2
    assert "lancez make install" in capsys.readouterr().err


def test_an_epci_split_between_two_territories_is_refused(build: ModuleType, tmp_path: Path) -> None:
    shared = tmp_path / "communes_62_territoires.csv"
    shared.write_text(
        "code_insee,nom,codes_postaux,population,epci_siren,epci_nom,arrondissement,"
        "territoire_propose,confiance,anciens_codes\n"
        "62041,Arras,62000,42875,200033579,CU d'Arras,Arras,Arrageois,haute,\n"
        "62004,Achicourt,62217,7873,200033579,CU d'Arras,Arras,Artois,haute,\n",
        encoding="utf-8",
    )
    with pytest.raises(build.BuildError, match="200033579"):
        build.epci_rows_from_shared(shared)
