"""REST turn latency for one user, and `/model/parse` alone on the same messages (prints numbers).

Starts the action server and Rasa on free ports with the cached test model (trained if
needed), then holds `--rounds` conversations of the ten messages below, each with a new sender
(a young person's conversation is about ten turns), and times each turn and the same text
through `/model/parse`. Never run in CI: `make bench`. Targets (issue 3): p50 ≤ 60 ms,
p95 ≤ 150 ms, turn/parse ratio ≤ 2. The cost of long conversations is measured by
scripts/bench_load.py (50 vs 5 000 events).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "helpers"))
from rasa_servers import running_servers, trained_model  # noqa: E402

MESSAGES = [
    "bonjour", "numéro du SLAI de Lens", "quelle est la date limite pour l'AAP FAJ Co ?",
    "quel montant pour le CLLAJ ?", "c'est quoi graine de", "je veux parler à quelqu'un", "merci",
    "comment on candidate au FAJ Co ?", "quand est versée l'avance ?", "tu t'appelles comment",
]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    model = trained_model()
    from bot.crypto import generate_key

    key = os.environ.get("CJ62_FERNET_KEY") or generate_key()  # a throw-away key for the bench's own databases
    with tempfile.TemporaryDirectory() as tmp, running_servers(model, Path(tmp), CJ62_FERNET_KEY=key) as servers:
        session = requests.Session()
        for text in MESSAGES:  # warm-up (caches, first TensorFlow calls)
            session.post(servers.webhook(), json={"sender": "bench-warm-up", "message": text}, timeout=60)
        turns, parses = [], []
        for _ in range(args.rounds):
            sender = f"bench-{uuid.uuid4().hex[:8]}"
            for text in MESSAGES:
                start = time.perf_counter()
                session.post(servers.webhook(), json={"sender": sender, "message": text}, timeout=60).raise_for_status()
                turns.append(time.perf_counter() - start)
                start = time.perf_counter()
                session.post(f"{servers.rasa_url}/model/parse?token={servers.token}", json={"text": text},
                             timeout=60).raise_for_status()
                parses.append(time.perf_counter() - start)
    p50, p95 = percentile(turns, 0.5), percentile(turns, 0.95)
    parse = statistics.median(parses)
    print(f"tours REST (1 utilisateur, {args.rounds} conversations de {len(MESSAGES)} messages) : "
          f"p50 {p50 * 1e3:.1f} ms, p95 {p95 * 1e3:.1f} ms")
    print(f"/model/parse seul : médiane {parse * 1e3:.1f} ms ; rapport tour/parse (p50) {p50 / parse:.2f}")
    print("objectifs : p50 ≤ 60 ms, p95 ≤ 150 ms, rapport ≤ 2")


if __name__ == "__main__":
    main()
