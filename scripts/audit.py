"""`make audit`: pip-audit on the pinned set (constraints.txt), against audit-allowlist.txt.

Every advisory found must be on the allow-list (one id a line, its reason after `#`), or the audit
fails: a new advisory is a decision for a person, not for this script. pip-audit says "No known
vulnerabilities found" and exits 0 even when it could check no package at all (no network, or a
service that answers 404): that is reported here as an audit not done, never as a pass.

Runs with the tools environment (`make tools`): `.venv-tools/bin/python scripts/audit.py`.
Exit codes: 0 nothing outside the allow-list; 1 an advisory outside it; 2 a malformed allow-list
or pip-audit missing; 3 the audit was not done, or not for every package (service unreachable).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PASSED, FAILED, BAD_INPUT, NOT_DONE = 0, 1, 2, 3
RUN_LIMIT = 300  # seconds for the whole pip-audit run, so that an unanswering network cannot stall CI
UNREACHABLE = "service de vulnérabilités injoignable : audit non fait"
NETWORK_ERRORS = ("ConnectionError", "NameResolution", "Timeout", "Max retries", "SSLError")


class AllowListError(ValueError):
    """audit-allowlist.txt is malformed (French message with the line number)."""


@dataclass(frozen=True)
class Finding:
    package: str
    version: str
    advisory: str
    aliases: tuple[str, ...]
    fixed_in: tuple[str, ...]


@dataclass(frozen=True)
class Report:
    findings: list[Finding]
    skipped: list[str]  # packages pip-audit could not check
    audited: int


def read_allowlist(text: str) -> dict[str, str]:
    """Advisory id → reason; blank lines and lines starting with `#` are ignored."""
    allowed: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        entry, _, reason = line.partition("#")
        advisory, reason = entry.strip(), reason.strip()
        if not advisory:
            continue
        if " " in advisory or not reason:
            raise AllowListError(
                f"audit-allowlist.txt, ligne {number} : attendu « IDENTIFIANT  # raison » (une raison est obligatoire)."
            )
        allowed[advisory] = reason
    return allowed


def parse_report(document: dict) -> Report:
    """pip-audit's JSON (`-f json`): the advisories found, and the packages it could not check."""
    findings: list[Finding] = []
    skipped: list[str] = []
    dependencies = document.get("dependencies", [])
    for dependency in dependencies:
        if "skip_reason" in dependency:
            skipped.append(dependency["name"])
            continue
        for vuln in dependency.get("vulns", []):
            findings.append(Finding(dependency["name"], dependency.get("version", "?"), vuln["id"],
                                    tuple(vuln.get("aliases", [])), tuple(vuln.get("fix_versions", []))))
    return Report(findings, skipped, len(dependencies) - len(skipped))


def allowed_reason(finding: Finding, allowed: dict[str, str]) -> str | None:
    """The allow-list's reason for this advisory, matched on its id or any alias (CVE, GHSA…)."""
    for advisory in (finding.advisory, *finding.aliases):
        if advisory in allowed:
            return allowed[advisory]
    return None


def table(rows: Iterable[Sequence[str]]) -> str:
    rows = [list(row) for row in rows]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows)


def verdict(report: Report, allowed: dict[str, str]) -> tuple[int, str]:
    """The exit code and what to print."""
    lines: list[str] = []
    refused = 0
    if report.findings:
        rows = [("paquet", "version", "avis", "corrigé en", "décision")]
        for finding in sorted(report.findings, key=lambda f: (f.package, f.advisory)):
            reason = allowed_reason(finding, allowed)
            refused += reason is None
            rows.append((finding.package, finding.version, finding.advisory, ", ".join(finding.fixed_in) or "—",
                         f"autorisé : {reason}" if reason is not None else "NON AUTORISÉ"))
        lines.append(table(rows))
    matched = {a for f in report.findings for a in (f.advisory, *f.aliases)}
    stale = sorted(set(allowed) - matched)
    if stale and report.audited:
        lines.append("Dans la liste mais plus signalés (à retirer ?) : " + ", ".join(stale))
    if refused:
        lines.append(f"Audit en échec : {refused} avis hors de audit-allowlist.txt.")
        return FAILED, "\n".join(lines)
    if report.audited == 0:
        lines.append(f"{UNREACHABLE} (aucun des {len(report.skipped)} paquets n'a pu être vérifié).")
        return NOT_DONE, "\n".join(lines)
    if report.skipped:
        lines.append(f"Audit incomplet : {len(report.skipped)} paquet(s) non vérifié(s) : "
                     + ", ".join(sorted(report.skipped)) + ".")
        return NOT_DONE, "\n".join(lines)
    lines.append(f"Audit réussi : {report.audited} paquets vérifiés, {len(report.findings)} avis, "
                 "tous dans audit-allowlist.txt." if report.findings
                 else f"Audit réussi : {report.audited} paquets vérifiés, aucun avis connu.")
    return PASSED, "\n".join(lines)


def run_pip_audit(requirements: Path) -> tuple[dict | None, str]:
    """pip-audit's JSON report, or None and why there is none."""
    command = [sys.executable, "-m", "pip_audit", "-r", str(requirements), "--no-deps", "--disable-pip",
               "-f", "json", "--progress-spinner", "off", "--timeout", "10"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=RUN_LIMIT, cwd=ROOT)
    except subprocess.TimeoutExpired:
        return None, f"pip-audit n'a pas fini en {RUN_LIMIT} s (Timeout)"
    try:
        return json.loads(done.stdout), ""
    except json.JSONDecodeError:
        last = (done.stderr.strip().splitlines() or ["sans message"])[-1]
        return None, f"pip-audit a échoué (code {done.returncode}) : {last[:300]}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="pip-audit sur constraints.txt avec audit-allowlist.txt")
    parser.add_argument("--requirements", type=Path, default=ROOT / "constraints.txt")
    parser.add_argument("--allowlist", type=Path, default=ROOT / "audit-allowlist.txt")
    args = parser.parse_args(argv)
    try:
        allowed = read_allowlist(args.allowlist.read_text(encoding="utf-8"))
    except (OSError, AllowListError) as error:
        print(error, file=sys.stderr)
        return BAD_INPUT
    try:
        import pip_audit  # noqa: F401 — only to say clearly that it is missing
    except ImportError:
        print("pip-audit est absent de cet environnement : lancez `make tools` (ou `make audit`).", file=sys.stderr)
        return BAD_INPUT
    document, failure = run_pip_audit(args.requirements)
    if document is None:
        network = any(marker in failure for marker in NETWORK_ERRORS)
        print(f"{UNREACHABLE if network else 'audit non fait'} ({failure}).")
        return NOT_DONE
    code, text = verdict(parse_report(document), allowed)
    print(text)
    return code


if __name__ == "__main__":
    sys.exit(main())
