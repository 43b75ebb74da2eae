"""scripts/audit.py (`make audit`): a new advisory fails, an allowed one passes with its reason, and an
audit that could check nothing is never reported as passed."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from bot.paths import ROOT

spec = importlib.util.spec_from_file_location("cj62_audit", ROOT / "scripts" / "audit.py")
audit = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = audit  # dataclasses look their module up
spec.loader.exec_module(audit)

TOOLS_PYTHON = ROOT / ".venv-tools" / "bin" / "python"


def report(*dependencies: dict) -> dict:
    return {"dependencies": list(dependencies), "fixes": []}


SANIC = {"name": "sanic", "version": "21.12.2", "vulns": [
    {"id": "PYSEC-2099-1", "aliases": ["GHSA-aaaa-bbbb-cccc", "CVE-2099-0001"], "fix_versions": ["22.6.0"],
     "description": "…"}]}
CLEAN = {"name": "rapidfuzz", "version": "3.0.0", "vulns": []}


def test_the_committed_allowlist_is_well_formed() -> None:
    audit.read_allowlist((ROOT / "audit-allowlist.txt").read_text(encoding="utf-8"))


def test_each_allowed_advisory_needs_its_reason() -> None:
    assert audit.read_allowlist("# titre\n\nGHSA-aaaa-bbbb-cccc  # épinglé par rasa 3.6.21\n") == {
        "GHSA-aaaa-bbbb-cccc": "épinglé par rasa 3.6.21"}
    with pytest.raises(audit.AllowListError, match="ligne 2"):
        audit.read_allowlist("# titre\nGHSA-aaaa-bbbb-cccc\n")


def test_an_advisory_outside_the_list_fails_and_is_shown_in_the_table() -> None:
    code, text = audit.verdict(audit.parse_report(report(SANIC, CLEAN)), {})
    assert code == audit.FAILED
    assert "sanic" in text and "PYSEC-2099-1" in text and "22.6.0" in text and "NON AUTORISÉ" in text


def test_an_advisory_allowed_under_one_of_its_aliases_passes_with_its_reason() -> None:
    allowed = {"GHSA-aaaa-bbbb-cccc": "épinglé par rasa 3.6.21", "GHSA-zzzz-zzzz-zzzz": "ancien"}
    code, text = audit.verdict(audit.parse_report(report(SANIC, CLEAN)), allowed)
    assert code == audit.PASSED
    assert "autorisé : épinglé par rasa 3.6.21" in text and "2 paquets vérifiés" in text
    assert "GHSA-zzzz-zzzz-zzzz" in text  # no longer reported: said, so that the list can shrink


def test_no_package_checked_is_an_audit_not_done_never_a_pass() -> None:
    skipped = [{"name": name, "skip_reason": "Dependency not found on PyPI and could not be audited"}
               for name in ("rasa", "sanic")]
    code, text = audit.verdict(audit.parse_report(report(*skipped)), {})
    assert code == audit.NOT_DONE
    assert text.startswith("service de vulnérabilités injoignable : audit non fait")


def test_a_partial_audit_is_not_a_pass_either() -> None:
    skipped = {"name": "rasa", "skip_reason": "Dependency not found on PyPI and could not be audited"}
    code, text = audit.verdict(audit.parse_report(report(skipped, CLEAN)), {})
    assert code == audit.NOT_DONE and "non vérifié(s) : rasa" in text


def test_make_audit_runs_pip_audit_and_says_what_it_could_check(tmp_path: Path) -> None:
    if not TOOLS_PYTHON.exists():
        pytest.skip(".venv-tools absent : lancez `make tools` (make install le fait).")
    requirements = tmp_path / "constraints.txt"
    requirements.write_text("rapidfuzz==3.9.7\n", encoding="utf-8")
    allowlist = tmp_path / "allowlist.txt"
    allowlist.write_text("# vide\n", encoding="utf-8")
    done = subprocess.run([str(TOOLS_PYTHON), str(ROOT / "scripts" / "audit.py"), "--requirements", str(requirements),
                           "--allowlist", str(allowlist)], capture_output=True, text=True, timeout=400)
    # Without network (as here) the service cannot be reached: code 3, said plainly.
    assert done.returncode in (audit.PASSED, audit.FAILED, audit.NOT_DONE), done.stderr
    if done.returncode == audit.NOT_DONE:
        assert "audit non fait" in done.stdout
    if done.returncode == audit.PASSED:
        assert "1 paquets vérifiés" in done.stdout
