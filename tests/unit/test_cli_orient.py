"""`python -m bot orient`: the contract of issue 2, exercised as a user would, in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.knowledge import SCHEME_IDS


def orient(stdin: bytes | str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    data = stdin.encode("utf-8") if isinstance(stdin, str) else stdin
    environment = {k: v for k, v in os.environ.items() if k != "BOT_TODAY"} | env
    return subprocess.run([sys.executable, "-m", "bot", "orient"], input=data, capture_output=True,
                          cwd=tmp_path, env=environment, timeout=60)


def test_a_profile_gives_the_documented_document_from_any_directory(tmp_path: Path) -> None:
    profile = {"role": "jeune", "age": 19, "commune": "Calais", "situations": ["ase_sorti"],
               "unknown": ["rsa", "sans_logement"], "as_of": "2026-11-29"}
    done = orient(json.dumps(profile), tmp_path)
    assert done.returncode == 0, done.stderr.decode()
    document = json.loads(done.stdout)
    assert set(document) == {"as_of", "commune", "territory", "results", "next_question"}
    assert document["as_of"] == "2026-11-29"
    assert document["commune"] == {"status": "resolved", "insee": "62193", "name": "Calais", "candidates": []}
    assert document["territory"] == {"id": "calaisis", "name": "Calaisis", "confidence": "haute", "to_confirm": False}
    assert [r["scheme"] for r in document["results"]] == list(SCHEME_IDS)
    for result in document["results"]:
        assert set(result) == {"scheme", "status", "reasons", "missing", "to_check", "entry", "call", "period"}
        assert result["status"] in ("eligible", "ineligible", "incomplete")
        assert bool(result["missing"]) == (result["status"] == "incomplete")
        assert result["reasons"] or result["status"] == "incomplete"
        assert set(result["entry"]) == {"service", "contact"}
        assert set(result["call"]) == {"status", "opens", "closes"}
    coordo = document["results"][2]
    assert coordo["status"] == "incomplete" and coordo["missing"] == ["rsa"]
    assert coordo["entry"]["contact"]["people"] == [{"name": "Hervé Leplat", "phone": "03 21 00 01 96", "email": None}]
    assert coordo["call"] == {"status": "closed", "opens": "2026-01-12", "closes": "2026-02-15"}
    assert document["results"][4]["period"] == {"start": "2026-10-01", "end": "2027-09-30"}
    assert document["next_question"] == "sans_logement"  # missing for three schemes, rsa for one


def test_the_reference_date_is_as_of_then_bot_today(tmp_path: Path) -> None:
    profile = {"role": "structure", "structure_types": ["cllaj"]}
    pinned = json.loads(orient(json.dumps(profile), tmp_path, BOT_TODAY="2026-04-15").stdout)
    assert pinned["as_of"] == "2026-04-15"
    assert pinned["results"][3]["call"]["status"] == "open"
    dated = json.dumps(profile | {"as_of": "2026-03-31"})
    explicit = json.loads(orient(dated, tmp_path, BOT_TODAY="2026-04-15").stdout)
    assert explicit["as_of"] == "2026-03-31" and explicit["results"][3]["call"]["status"] == "upcoming"


def test_an_unresolvable_commune_is_not_an_error(tmp_path: Path) -> None:
    done = orient('{"role": "jeune", "age": 18, "commune": "Xyzzyville"}', tmp_path)
    assert done.returncode == 0
    document = json.loads(done.stdout)
    assert document["commune"]["status"] == "inconnue" and document["territory"] is None
    assert document["next_question"] == "commune"


def test_an_ambiguous_postal_code_lists_candidates_with_their_territory(tmp_path: Path) -> None:
    document = json.loads(orient('{"role": "jeune", "commune": "62320"}', tmp_path).stdout)
    assert document["commune"]["status"] == "ambiguous"
    territories = {c["territory"] for c in document["commune"]["candidates"]}
    assert territories == {"henin_carvin", "lens_lievin"} and document["territory"] is None


BAD_INPUTS = {
    "vide": b"",
    "espaces": b"   \n",
    "pas un objet": b'["jeune"]',
    "JSON invalide": b'{"role": "jeune",',
    "NaN": b'{"role": "jeune", "age": NaN}',
    "clé en double": b'{"role": "jeune", "role": "structure"}',
    "clé en double après d'autres": b'{"role": "jeune", "situations": [], "age": 3, "age": 4}',
    "clé inconnue": b'{"role": "jeune", "prenom": "Lou"}',
    "rôle manquant": b'{"age": 18}',
    "rôle inconnu": b'{"role": "parent"}',
    "situation inconnue": b'{"role": "jeune", "situations": ["licorne"]}',
    "unknown inconnu": b'{"role": "jeune", "unknown": ["licorne"]}',
    "type de structure inconnu": b'{"role": "structure", "structure_types": ["banque"]}',
    "situations pas une liste": b'{"role": "jeune", "situations": "rsa"}',
    "identifiant pas un texte": b'{"role": "jeune", "situations": [1]}',
    "situation dans les deux listes": b'{"role": "jeune", "situations": ["rsa"], "unknown": ["rsa"]}',
    "âge texte": b'{"role": "jeune", "age": "17"}',
    "âge décimal": b'{"role": "jeune", "age": 17.0}',
    "âge booléen": b'{"role": "jeune", "age": true}',
    "âge null": b'{"role": "jeune", "age": null}',
    "âge négatif": b'{"role": "jeune", "age": -1}',
    "âge trop grand": b'{"role": "jeune", "age": 121}',
    "âge donné et inconnu": b'{"role": "jeune", "age": 18, "unknown": ["age"]}',
    "commune pas un texte": b'{"role": "jeune", "commune": 62300}',
    "as_of impossible": b'{"role": "jeune", "as_of": "2026-02-30"}',
    "as_of format": b'{"role": "jeune", "as_of": "29/11/2026"}',
    "pas de l'UTF-8": b'{"role": "jeune", "commune": "B\xe9thune"}',
}


@pytest.mark.parametrize("stdin", list(BAD_INPUTS.values()), ids=list(BAD_INPUTS))
def test_bad_input_exits_2_with_one_french_line_and_nothing_on_stdout(stdin: bytes, tmp_path: Path) -> None:
    done = orient(stdin, tmp_path)
    assert done.returncode == 2
    assert done.stdout == b""
    message = done.stderr.decode("utf-8")
    assert message.count("\n") == 1 and message.startswith("erreur : ")
    assert "Traceback" not in message


def test_a_bad_bot_today_is_refused_cleanly(tmp_path: Path) -> None:
    done = orient('{"role": "jeune"}', tmp_path, BOT_TODAY="demain")
    assert done.returncode == 2 and done.stdout == b"" and "BOT_TODAY" in done.stderr.decode()
