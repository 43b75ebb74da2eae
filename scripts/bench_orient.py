"""Benchmark of the orientation engine (prints numbers; never run in CI).

- `import bot` (with the modules `orient` needs) in a fresh interpreter, median of 7 runs;
- one in-process `orient` call, median over a set of realistic profiles: from the first
  turn (nothing known) to a complete profile, for young people and structures.
Targets (issue 2): `orient` ≤ 1 ms, `import bot` ≤ 0.5 s.
"""

from __future__ import annotations

import datetime as dt
import statistics
import subprocess
import sys
import time

IMPORT_PROBE = "import time; t = time.perf_counter(); import bot.eligibility.engine; print(time.perf_counter() - t)"


def bench_import(runs: int = 7) -> float:
    times = []
    for _ in range(runs):
        done = subprocess.run([sys.executable, "-c", IMPORT_PROBE], capture_output=True, text=True, check=True)
        times.append(float(done.stdout))
    return statistics.median(times)


def profiles(situations: tuple[str, ...]) -> list[dict]:
    every = list(situations)
    return [
        {"role": "jeune", "unknown": every},
        {"role": "jeune", "age": 17, "unknown": every},
        {"role": "jeune", "age": 17, "commune": "Lens", "unknown": every},
        {"role": "jeune", "age": 19, "commune": "Calais", "situations": ["ase_sorti"],
         "unknown": [s for s in every if s != "ase_sorti"]},
        {"role": "jeune", "age": 22, "commune": "62000", "situations": ["sans_logement", "rupture_familiale"],
         "unknown": ["rsa", "sans_ressources"]},
        {"role": "professionnel", "age": 16, "commune": "Arras", "situations": ["decrochage_scolaire", "neet"]},
        {"role": "jeune", "age": 24, "commune": "Béthunne",
         "situations": ["recherche_logement", "premiere_demande_logement"]},
        {"role": "structure", "structure_types": ["association_1901"]},
        {"role": "structure"},
    ]


def bench_orient(repeat: int = 300) -> tuple[float, list[tuple[str, float]]]:
    from bot.communes import communes
    from bot.eligibility.engine import orient
    from bot.eligibility.profile import validate_profile
    from bot.knowledge import knowledge

    k, c, today = knowledge(), communes(), dt.date(2026, 11, 29)
    rows, samples = [], []
    for raw in profiles(k.vocabulary.situation_ids):
        profile = validate_profile(raw, k)
        orient(profile, k, c, today)  # warm caches (commune tables, masks)
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            orient(profile, k, c, today)
            times.append(time.perf_counter() - start)
        samples += times
        label = f"{raw['role']}, {len(raw) - 1} champ(s), {len(raw.get('unknown', []))} inconnu(s)"
        rows.append((label, statistics.median(times)))
    return statistics.median(samples), rows


def main() -> None:
    import_time = bench_import()
    overall, rows = bench_orient()
    print("orient, médiane par profil :")
    for label, median in rows:
        print(f"  {median * 1e3:7.3f} ms  {label}")
    print(f"orient (tous profils)  médiane {overall * 1e3:.3f} ms   (objectif ≤ 1 ms)")
    print(f"import bot             médiane {import_time:.3f} s    (objectif ≤ 0,5 s)")


if __name__ == "__main__":
    main()
