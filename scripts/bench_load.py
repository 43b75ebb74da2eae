"""Load benchmark of the whole assistant: turns beside `/model/parse`, embedded and production (issue 15).

Never run in CI and not a test: `make bench` (or `python scripts/bench_load.py --quick` to try it).
With the cached full model (trained if needed) and our action server, one run measures three
topologies, one after the other on this machine:

- `embedded`: the default of `make run` (SQLite files, in-memory lock), one Rasa replica;
- `prod1`: PostgreSQL (127.0.0.1:5432, throw-away databases) and Redis (127.0.0.1:6379, a
  throw-away key prefix) as tests/reliability uses them, one replica;
- `prod2`: the same with two replicas, each conversation pinned to one of them (as a load
  balancer with sticky sessions does; `--topologies` to choose).

For each: REST turn latency p50/p95/p99 and throughput (turns/s), closed-loop (the next message
as soon as the reply is there) at 1 and 10 conversations and with a 2-second think time at 50;
each conversation is a fresh sender running one of a few realistic 8-10-turn French scripts; an
error is a non-200 answer, an empty answer, a timeout or a connection error. Beside it, in the same
run and on the same messages:
- `/model/parse` alone at the same closed-loop concurrencies: what understanding costs;
- the cold start of each process (from Popen to answering its health URL; processes started together)
  and its peak RSS (VmHWM, with its child processes) after the load;
- the turn time in a conversation of 50 events, of 5 000 events in its current session, and of
  5 000 events over 100 daily sessions (before, and after `python -m bot purge` when that exists),
  seeded straight into the tracker database with our TrackerStore class.

And the duration of the model's training, as `tests/helpers/rasa_servers.trained_model` recorded
it next to the model. Prints a table with issue 15's targets, writes `reports/bench.json` and
`reports/bench.png`. The load generator (asyncio + aiohttp, one thread) runs on the same machine
as the servers: its CPU share is printed with each cell.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import itertools
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import aiohttp
import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "helpers"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import rasa_servers  # noqa: E402
from bench_rest import MESSAGES, percentile  # noqa: E402
from rasa_servers import ROOT, Cluster, replica_cluster, trained_model  # noqa: E402

REPORTS = ROOT / "reports"
REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
THINK_SECONDS = 2.0
REQUEST_TIMEOUT = 60.0

# Realistic conversations (8-10 turns): the questions of scripts/bench_rest.py and an orientation.
SCRIPTS = [
    ["bonjour", "je cherche une aide", "je suis jeune", "j'ai 19 ans", "j'habite à Lens", "non", "non",
     "merci", "au revoir"],
    ["bonjour", "numéro du SLAI de Lens", "quelle est la date limite pour l'AAP FAJ Co ?",
     "quel montant pour le CLLAJ ?", "c'est quoi graine de", "comment on candidate au FAJ Co ?",
     "quand est versée l'avance ?", "merci", "tu t'appelles comment"],
    ["salut", "c'est quoi graine de", "j'ai 19 ans", "j'habite à Lens", "numéro du SLAI de Lens",
     "quel montant pour le CLLAJ ?", "merci", "au revoir"],
    ["bonjour", "j'ai 22 ans et je cherche un logement", "j'habite à Arras", "quel montant pour le CLLAJ ?",
     "comment on candidate au FAJ Co ?", "je veux parler à quelqu'un", "merci", "au revoir"],
]
# The long-conversation turns: questions that start no form, so every conversation stays comparable.
LONG_MESSAGES = [text for text in MESSAGES if text != "je veux parler à quelqu'un"]


# --- load generation ------------------------------------------------------------------------------

async def _post(session: aiohttp.ClientSession, url: str, body: dict, check: Callable[[object], bool]) -> bool:
    try:
        async with session.post(url, json=body) as response:
            answer = await response.json(content_type=None)
            return response.status == 200 and check(answer)
    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
        return False


async def run_cell(kind: str, urls: list[str], concurrency: int, think: float, duration: float,
                   seed: int) -> dict:
    """`concurrency` conversations for `duration` seconds; kind `rest` (turns) or `parse` (/model/parse).

    Conversation `index` always talks to `urls[index % len(urls)]`: pinned to one replica."""
    latencies: list[float] = []
    errors = 0
    completed_in_window = 0
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT)
    connector = aiohttp.TCPConnector(limit=concurrency + 4, force_close=False)
    start = time.perf_counter()
    deadline = start + duration
    cpu_start = time.process_time()

    async def conversation(index: int) -> None:
        nonlocal errors, completed_in_window
        url = urls[index % len(urls)]
        rnd = random.Random(seed * 1000 + index)
        if think:
            await asyncio.sleep(rnd.uniform(0, think))  # no synchronised bursts
        while time.perf_counter() < deadline:
            script = SCRIPTS[rnd.randrange(len(SCRIPTS))]
            sender = f"bench-{uuid.uuid4().hex[:12]}"
            for text in script:
                if time.perf_counter() >= deadline:
                    return
                begin = time.perf_counter()
                if kind == "rest":
                    ok = await _post(session, url, {"sender": sender, "message": text},
                                     lambda answer: isinstance(answer, list) and bool(answer))
                else:
                    ok = await _post(session, url, {"text": text},
                                     lambda answer: isinstance(answer, dict) and "intent" in answer)
                end = time.perf_counter()
                latencies.append(end - begin)
                errors += not ok
                completed_in_window += end <= deadline
                if think:
                    await asyncio.sleep(min(think, max(0.0, deadline - time.perf_counter())))

    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        tasks = []
        for index in range(concurrency):
            tasks.append(asyncio.create_task(conversation(index)))
        await asyncio.wait_for(asyncio.gather(*tasks), timeout=duration + REQUEST_TIMEOUT + 30)
    wall = time.perf_counter() - start
    return summarise(latencies, errors, completed_in_window / duration,
                     (time.process_time() - cpu_start) / wall if wall else 0.0)


def summarise(latencies: list[float], errors: int, throughput: float, client_cpu: float) -> dict:
    ms = [value * 1e3 for value in latencies]
    return {
        "n": len(ms), "errors": errors, "throughput": round(throughput, 2),
        "p50_ms": round(percentile(ms, 0.5), 1) if ms else None,
        "p95_ms": round(percentile(ms, 0.95), 1) if ms else None,
        "p99_ms": round(percentile(ms, 0.99), 1) if ms else None,
        "mean_ms": round(statistics.fmean(ms), 1) if ms else None,
        "client_cpu": round(client_cpu, 2),
    }


# --- processes: cold start and peak memory -------------------------------------------------------

class ColdStart:
    """Wraps `Cluster._start` to time each process from Popen to its first healthy answer."""

    def __init__(self) -> None:
        self.started: dict[str, float] = {}
        self.ready: dict[str, float] = {}
        self.threads: list[threading.Thread] = []
        self._original = Cluster._start

    def __enter__(self) -> ColdStart:
        original, probe = self._original, self

        def _start(cluster: Cluster, name: str):  # noqa: ANN202
            probe.started[name] = time.perf_counter()
            process = original(cluster, name)
            thread = threading.Thread(target=probe._poll, args=(cluster, name, process), daemon=True)
            thread.start()
            probe.threads.append(thread)
            return process

        Cluster._start = _start  # type: ignore[method-assign]
        return self

    def __exit__(self, *_: object) -> None:
        Cluster._start = self._original  # type: ignore[method-assign]

    def _poll(self, cluster: Cluster, name: str, process: subprocess.Popen) -> None:
        if name == "actions":
            url = f"{cluster.servers[0].actions_url}/health"
        else:
            url = f"{cluster.servers[cluster.names.index(name)].rasa_url}/status?token={cluster.servers[0].token}"
        deadline = time.perf_counter() + 300
        while time.perf_counter() < deadline and process.poll() is None:
            with contextlib.suppress(requests.RequestException):
                if requests.get(url, timeout=1).status_code == 200:
                    self.ready[name] = time.perf_counter()
                    return
            time.sleep(0.1)

    def seconds(self) -> dict[str, float | None]:
        for thread in self.threads:
            thread.join(timeout=5)
        return {name: round(self.ready[name] - start, 1) if name in self.ready else None
                for name, start in self.started.items()}


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, ValueError, IndexError):
            stat = (entry / "stat").read_text()
            parent = int(stat[stat.rindex(")") + 2:].split()[1])
            children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def _status_kb(pid: int, field: str) -> int:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def peak_memory_mb(pid: int) -> dict[str, float | int]:
    """Peak RSS (VmHWM) of a process and of its descendants (summed), and their current RSS.

    Read from /proc (Linux): psutil, absent from the venv anyway, gives only the current RSS.
    """
    pids = _descendants(pid)
    return {"peak_rss_mb": round(sum(_status_kb(p, "VmHWM") for p in pids) / 1024, 1),
            "rss_mb": round(sum(_status_kb(p, "VmRSS") for p in pids) / 1024, 1), "processes": len(pids)}


# --- stores -------------------------------------------------------------------------------------

@contextlib.contextmanager
def stores(sqlite: bool, workdir: Path) -> Iterator[dict[str, str]]:
    """The environment of the servers' stores: throw-away PostgreSQL databases and Redis prefix."""
    if sqlite:
        yield {"TRACKER_DB_URL": f"sqlite:///{workdir / 'tracker.db'}",
               "DATABASE_URL": f"sqlite:///{workdir / 'app.db'}"}
        return
    import redis

    from bot.storage.testing import temporary_postgres_database

    client = redis.from_url(REDIS_URL, socket_connect_timeout=2, socket_timeout=10)
    client.ping()
    prefix = f"cj62-bench-{uuid.uuid4().hex[:8]}:"
    try:
        with temporary_postgres_database("cj62_bench_app") as app, \
                temporary_postgres_database("cj62_bench_tracker") as tracker:
            yield {"DATABASE_URL": app, "TRACKER_DB_URL": tracker, "REDIS_URL": REDIS_URL, "CJ62_REDIS_PREFIX": prefix}
    finally:
        with contextlib.suppress(redis.RedisError):
            keys = list(itertools.islice(client.scan_iter(match=prefix + "*", count=500), 100_000))
            for chunk in range(0, len(keys), 500):
                client.delete(*keys[chunk:chunk + 500])


@contextlib.contextmanager
def quiet_warnings() -> Iterator[None]:
    """No warning printed (importing Rasa resets the filters, so `showwarning` is muted too)."""
    shown = warnings.showwarning
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        warnings.showwarning = lambda *args, **kwargs: None
        try:
            yield
        finally:
            warnings.showwarning = shown


# --- long conversations ----------------------------------------------------------------------------

def _turn_events(now: float, index: int) -> list:
    from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered

    turns = (("greet", "utter_greet", "Bonjour !"), ("thanks", "utter_thanks", "Avec plaisir."))
    intent, action, reply = turns[index % 2]
    text = ("bonjour", "merci")[index % 2]
    parse = {"text": text, "intent": {"name": intent, "confidence": 1.0}, "entities": [],
             "intent_ranking": [{"name": intent, "confidence": 1.0}]}
    return [UserUttered(text, parse["intent"], [], parse, timestamp=now), ActionExecuted(action, timestamp=now + 0.01),
            BotUttered(reply, {}, {"utter_action": action}, timestamp=now + 0.02),
            ActionExecuted("action_listen", timestamp=now + 0.03)]


def _session_events(start: float, turns: int, spacing: float) -> list:
    from rasa.shared.core.events import ActionExecuted, SessionStarted

    events = [ActionExecuted("action_session_start", timestamp=start), SessionStarted(timestamp=start + 0.001),
              ActionExecuted("action_listen", timestamp=start + 0.002)]
    for index in range(turns):
        events += _turn_events(start + 1 + index * spacing, index)
    return events


def seed_conversations(tracker_url: str, fernet_key: str, size: int) -> dict[str, dict]:
    """Seed, with our TrackerStore class in-process, the conversations whose turns are timed.

    - `fresh`: ~50 events, one current session;
    - `long`: ~`size` events in the current session (Rasa reads and replays all of them each turn);
    - `sessions`: ~`size` events over 100 daily sessions, the last one current (Rasa reads only the
      last session; the older ones are what `python -m bot purge` trims).
    """
    os.environ.update(TRACKER_DB_URL=tracker_url, CJ62_FERNET_KEY=fernet_key)
    with quiet_warnings():  # deprecations of Rasa's dependencies, on import
        from rasa.shared.core.domain import Domain
        from rasa.shared.core.trackers import DialogueStateTracker

        from rasa_ext.stores.tracker import TrackerStore

        domain = Domain.load(str(ROOT / "domain.yml"))
    store = TrackerStore(domain=domain)
    now = time.time()
    turns_for = lambda events: max(1, (events - 3) // 4)  # noqa: E731
    plans = {
        "fresh": _session_events(now - 600, turns_for(50), 10),
        "long": _session_events(now - 50 * 60, turns_for(size), 45 * 60 / turns_for(size)),
    }
    per_session = max(1, round((size / 100 - 3) / 4))
    plans["sessions"] = [event for day in range(99, 0, -1)  # 99 past days, then the current session
                         for event in _session_events(now - day * 86400, per_session, 5)]
    plans["sessions"] += _session_events(now - 600, per_session, 5)
    seeded = {}
    for name, events in plans.items():
        sender = f"bench-{name}-{uuid.uuid4().hex[:8]}"
        tracker = DialogueStateTracker.from_events(sender, events, slots=domain.slots)
        asyncio.run(store.save(tracker))
        seeded[name] = {"sender": sender, "events": count_events(store, sender)}
    store.engine.dispose()
    return seeded


def count_events(store, sender: str) -> int:  # noqa: ANN001
    with store.session_scope() as session:
        return session.query(store.SQLEvent).filter(store.SQLEvent.sender_id == sender).count()


def stored_events(tracker_url: str, sender: str) -> int:
    from rasa_ext.stores.tracker import TrackerStore

    os.environ["TRACKER_DB_URL"] = tracker_url
    store = TrackerStore()
    try:
        return count_events(store, sender)
    finally:
        store.engine.dispose()


def time_turns(webhook: str, senders: dict[str, str], turns: int) -> dict[str, list[float]]:
    """`turns` turns on each conversation, interleaved (one request at a time, no other load)."""
    session = requests.Session()
    times: dict[str, list[float]] = {name: [] for name in senders}
    for index in range(turns):
        text = LONG_MESSAGES[index % len(LONG_MESSAGES)]
        for name, sender in senders.items():
            start = time.perf_counter()
            response = session.post(webhook, json={"sender": sender, "message": text}, timeout=180)
            elapsed = time.perf_counter() - start
            if response.status_code == 200 and response.json():
                times[name].append(elapsed)
    return times


def purge_command_exists() -> bool:
    source = (ROOT / "bot" / "__main__.py").read_text(encoding="utf-8")
    return '"purge"' in source and "trim_conversations" in source


def run_purge(env: dict[str, str]) -> str:
    env = {key: value for key, value in env.items() if key != "BOT_TODAY"}  # today's date, not the tests' one
    done = subprocess.run([sys.executable, "-m", "bot", "purge"], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)
    if done.returncode != 0:
        raise RuntimeError(f"python -m bot purge a échoué (code {done.returncode}) : {done.stderr.strip()[-300:]}")
    return " ; ".join(line.strip() for line in done.stdout.splitlines() if line.strip())


def long_conversations(cluster: Cluster, store_env: dict[str, str], fernet_key: str, turns: int,
                       size: int) -> dict:
    webhook = cluster.servers[0].webhook()
    seeded = seed_conversations(store_env["TRACKER_DB_URL"], fernet_key, size)
    senders = {name: entry["sender"] for name, entry in seeded.items()}
    times = time_turns(webhook, senders, turns)
    rows = {name: {"events": seeded[name]["events"], **turn_stats(times[name], turns)} for name in senders}
    result: dict = {"turns": turns, "rows": rows}
    if purge_command_exists():
        output = run_purge(cluster.env)
        after = time_turns(webhook, {"fresh": senders["fresh"], "sessions": senders["sessions"]}, turns)
        rows["fresh_bis"] = {"events": stored_events(store_env["TRACKER_DB_URL"], senders["fresh"]),
                             **turn_stats(after["fresh"], turns)}
        rows["sessions_purged"] = {"events": stored_events(store_env["TRACKER_DB_URL"], senders["sessions"]),
                                   **turn_stats(after["sessions"], turns)}
        result["purge_output"] = output
    else:
        result["purge_output"] = None
    fresh = rows["fresh"]["p50_ms"]
    for name, row in rows.items():
        base = rows["fresh_bis"]["p50_ms"] if name == "sessions_purged" else fresh
        row["ratio"] = round(row["p50_ms"] / base, 2) if row["p50_ms"] and base else None
    return result


def turn_stats(values: list[float], expected: int) -> dict:
    ms = [value * 1e3 for value in values]
    return {"n": len(ms), "errors": expected - len(ms),
            "p50_ms": round(statistics.median(ms), 1) if ms else None,
            "p95_ms": round(percentile(ms, 0.95), 1) if ms else None}


# --- one topology --------------------------------------------------------------------------------

def warm_up(cluster: Cluster) -> list[str]:
    """Every script once on each replica (caches, connections); returns the turns that got no answer."""
    empty = []
    for server in cluster.servers:
        for script in SCRIPTS:
            sender = f"bench-warm-{uuid.uuid4().hex[:8]}"
            for text in script:
                response = requests.post(server.webhook(), json={"sender": sender, "message": text}, timeout=120)
                if response.status_code != 200 or not response.json():
                    empty.append(f"{text!r} ({response.status_code})")
            requests.post(f"{server.rasa_url}/model/parse?token={server.token}", json={"text": script[0]}, timeout=60)
    return empty


# name: (SQLite stores, replicas)
TOPOLOGIES = {"embedded": (True, 1), "prod1": (False, 1), "prod2": (False, 2)}
LABELS = {"embedded": "embarqué", "prod1": "prod. 1 répl.", "prod2": "prod. 2 répl."}
# (kind, mode, think time, concurrencies)
PLAN = [("rest", "closed", 0.0, (1, 10)), ("rest", "think", THINK_SECONDS, (50,)), ("parse", "closed", 0.0, (1, 10))]
QUICK_PLAN = [("rest", "closed", 0.0, (1, 10)), ("rest", "think", THINK_SECONDS, (10,)),
              ("parse", "closed", 0.0, (1, 10))]


def run_topology(model: Path, name: str, fernet_key: str, args: argparse.Namespace) -> dict:
    sqlite, replicas = TOPOLOGIES[name]
    label = LABELS[name]
    with tempfile.TemporaryDirectory(prefix="cj62-bench-") as tmp, stores(sqlite, Path(tmp)) as store_env:
        cold = ColdStart()
        print(f"[{label}] démarrage des serveurs…", flush=True)
        with cold, replica_cluster(model, Path(tmp), replicas, CJ62_FERNET_KEY=fernet_key, **store_env) as cluster:
            cold_start = cold.seconds()
            empty = warm_up(cluster)
            if empty:
                print(f"[{label}] tours sans réponse pendant l'échauffement : {', '.join(empty)}", flush=True)
            cells = []
            rest_urls = [server.webhook() for server in cluster.servers]
            parse_urls = [f"{server.rasa_url}/model/parse?token={server.token}" for server in cluster.servers]
            cells_plan = [(kind, mode, think, concurrency) for kind, mode, think, concurrencies
                          in (QUICK_PLAN if args.quick else PLAN) for concurrency in concurrencies]
            for seed, (kind, mode, think, concurrency) in enumerate(cells_plan):
                urls = rest_urls if kind == "rest" else parse_urls
                cell = asyncio.run(run_cell(kind, urls, concurrency, think, args.duration, seed))
                cell.update(kind=kind, mode=mode, concurrency=concurrency)
                cells.append(cell)
                print(f"[{label}] {format_cell(cell)}", flush=True)
            memory = {name: peak_memory_mb(process.pid) for name, process in cluster.processes.items()}
            long = None
            if name == "embedded" and not args.skip_long:
                print(f"[{label}] conversations longues (amorçage de {args.long_events} événements)…", flush=True)
                long = long_conversations(cluster, store_env, fernet_key, args.long_turns, args.long_events)
    return {"name": name, "replicas": replicas, "stores": "sqlite" if sqlite else "postgresql+redis",
            "cold_start_s": cold_start,
            "memory": memory, "cells": cells, "warm_up_empty": empty, "long": long}


def format_cell(cell: dict) -> str:
    what = "/model/parse" if cell["kind"] == "parse" else ("REST boucle fermée" if cell["mode"] == "closed"
                                                            else f"REST réflexion {THINK_SECONDS:g} s")
    return (f"{what:<22} {cell['concurrency']:>3} conv. : {cell['throughput']:6.1f} tours/s  p50 {cell['p50_ms']} ms"
            f"  p95 {cell['p95_ms']} ms  p99 {cell['p99_ms']} ms  n={cell['n']} erreurs={cell['errors']}"
            f"  CPU client {cell['client_cpu']:.0%}")


# --- targets, table, chart -------------------------------------------------------------------------

def cell_of(topology: dict | None, kind: str, mode: str, concurrency: int) -> dict | None:
    if topology is None:
        return None
    return next((c for c in topology["cells"] if (c["kind"], c["mode"], c["concurrency"]) == (kind, mode, concurrency)),
                None)


def rate(topology: dict | None, kind: str, concurrency: int) -> float | None:
    cell = cell_of(topology, kind, "closed", concurrency)
    return cell["throughput"] if cell else None


def targets(by_name: dict[str, dict], training: dict | None) -> list[dict]:
    """Issue 15's targets, each with its measured value (None: not measured in this run)."""
    rows = []

    def add(name: str, value: float | None, goal: str, ok: bool | None) -> None:
        rows.append({"target": name, "value": value, "goal": goal, "met": ok})

    def ratio(a: float | None, b: float | None) -> float | None:
        return round(a / b, 2) if a and b else None

    for name in ("embedded", "prod1"):
        value = ratio(rate(by_name.get(name), "rest", 10), rate(by_name.get(name), "parse", 10))
        add(f"{LABELS[name]} : tours/s ÷ parse/s, boucle fermée, 10 conv.", value, "≥ 0,75",
            None if value is None else value >= 0.75)
    think = cell_of(by_name.get("embedded"), "rest", "think", 50)
    add("embarqué, 50 conv. × 2 s de réflexion : p95 ms (erreurs)",
        None if think is None else think["p95_ms"], "≤ 300 ms, 0 erreur",
        None if think is None else (think["p95_ms"] or 1e9) <= 300 and think["errors"] == 0)
    value = ratio(rate(by_name.get("prod2"), "rest", 10), rate(by_name.get("prod1"), "rest", 10))
    add("prod. 2 répl. épinglées ÷ 1 répl., tours/s à 10 conv.", value, "≥ 1,5",
        None if value is None else value >= 1.5)
    embedded = by_name.get("embedded")
    one, parse = cell_of(embedded, "rest", "closed", 1), cell_of(embedded, "parse", "closed", 1)
    value = ratio(one and one["p50_ms"], parse and parse["p50_ms"])
    add("embarqué, 1 utilisateur : p50 tour ÷ p50 parse", value, "≤ 1,5", None if value is None else value <= 1.5)
    rasa = [m["peak_rss_mb"] for t in by_name.values() for n, m in t["memory"].items() if n != "actions"]
    actions = [m["peak_rss_mb"] for t in by_name.values() for n, m in t["memory"].items() if n == "actions"]
    add("pic RSS par réplique Rasa, Mo (max)", max(rasa, default=None), "≤ 2 300", max(rasa) <= 2300 if rasa else None)
    add("pic RSS par serveur d'actions, Mo (max)", max(actions, default=None), "≤ 300",
        max(actions) <= 300 if actions else None)
    seconds = training and training.get("seconds")
    add("entraînement du modèle (rasa train), s", seconds, "≤ 240", None if not seconds else seconds <= 240)
    long = (by_name.get("embedded") or {}).get("long")
    for name, label in (("long", "une session"), ("sessions", "100 sessions")):
        row = long["rows"].get(name) if long else None
        add(f"tour à ~5 000 événements ({label}) ÷ tour à ~50, médianes", row and row["ratio"], "≤ 1,5",
            None if not row or row["ratio"] is None else row["ratio"] <= 1.5)
    return rows


def print_report(report: dict) -> None:
    print()
    print(f"Banc — {report['machine']['cpus']} cœurs, charge moyenne au départ {report['machine']['load_before']}, "
          f"modèle {report['model']}.")
    print("NB : le générateur de charge et les serveurs partagent la machine (« CPU cl. » : part d'un cœur prise par "
          "le générateur).")
    header = (f"{'topologie':<14} {'conv.':>5} {'parse/s':>8} {'tours/s':>8} {'÷':>5} {'parse p50':>9} "
              f"{'tour p50':>9} {'÷':>5} {'tour p95':>9} {'tour p99':>9} {'err.':>5} {'CPU cl.':>7}")
    print(header)
    print("-" * len(header))
    for topology in report["topologies"]:
        label = LABELS.get(topology.get("name"), f"{topology['replicas']} répl.")
        for cell in topology["cells"]:
            if (cell["kind"], cell["mode"]) != ("rest", "closed"):
                continue
            parse = cell_of(topology, "parse", "closed", cell["concurrency"]) or {}
            per_s = cell["throughput"] / parse["throughput"] if parse.get("throughput") else None
            per_p50 = cell["p50_ms"] / parse["p50_ms"] if parse.get("p50_ms") and cell["p50_ms"] else None
            print(f"{label:<14} {cell['concurrency']:>5} {parse.get('throughput', 0):>8.1f} {cell['throughput']:>8.1f} "
                  f"{_ratio(per_s)} {_num(parse.get('p50_ms'), 9)} {_num(cell['p50_ms'], 9)} {_ratio(per_p50)} "
                  f"{_num(cell['p95_ms'], 9)} {_num(cell['p99_ms'], 9)} {cell['errors']:>5} {cell['client_cpu']:>7.0%}")
        for cell in topology["cells"]:
            if cell["mode"] == "think":
                print(f"{label:<14} {cell['concurrency']:>5} conversations, {THINK_SECONDS:g} s de réflexion : "
                      f"{cell['throughput']:.1f} tours/s, p50 {cell['p50_ms']} ms, p95 {cell['p95_ms']} ms, "
                      f"p99 {cell['p99_ms']} ms, {cell['errors']} erreur(s)")
    print()
    print("Démarrage à froid (de Popen à la réponse de santé, processus lancés ensemble) "
          "et pic de mémoire après la charge :")
    for topology in report["topologies"]:
        label = LABELS.get(topology.get("name"), f"{topology['replicas']} répl.")
        for name, seconds in topology["cold_start_s"].items():
            memory = topology["memory"].get(name, {})
            print(f"  {label:<14} {name:<8} {seconds if seconds is not None else '?':>6} s   "
                  f"pic RSS {memory.get('peak_rss_mb', '?')} Mo (actuel {memory.get('rss_mb', '?')} Mo, "
                  f"{memory.get('processes', '?')} processus)")
    training = report.get("training")
    print(f"Entraînement du modèle : {training['seconds']} s sur {training['cpus']} cœurs ({training['date']})"
          if training else "Entraînement du modèle : durée non enregistrée (modèle entraîné avant l'enregistrement)")
    long = next((t["long"] for t in report["topologies"] if t.get("long")), None)
    if long:
        print()
        print(f"Conversations longues ({long['turns']} tours chacune, entrelacés, une requête à la fois) :")
        labels = {"fresh": "~50 événements", "long": "~5 000, une session", "sessions": "~5 000, 100 sessions",
                  "fresh_bis": "~50 (après purge)", "sessions_purged": "100 sessions, après purge"}
        for name, row in long["rows"].items():
            print(f"  {labels[name]:<26} {row['events']:>6} év. stockés  p50 {row['p50_ms']} ms  p95 {row['p95_ms']} ms"
                  f"  rapport {row['ratio']}  erreurs {row['errors']}")
        if long["purge_output"] is not None:
            print(f"  python -m bot purge : {long['purge_output']}")
        else:
            print("  (pas de commande `python -m bot purge` : ligne après purge omise)")
    print()
    print("Objectifs (issue 15) :")
    for row in report["targets"]:
        verdict = {True: "atteint", False: "MANQUÉ", None: "non mesuré"}[row["met"]]
        print(f"  {row['target']:<66} {str(row['value']):>8}  objectif {row['goal']:<18} {verdict}")
    print()
    print(f"Écrit : {report['files']['json']} et {report['files']['png']}")


def _num(value: float | None, width: int = 8) -> str:
    return f"{value:>{width}.1f}" if value is not None else f"{'—':>{width}}"


def _ratio(value: float | None) -> str:
    return f"{value:>5.2f}" if value is not None else f"{'—':>5}"


def chart(report: dict, path: Path) -> None:
    with quiet_warnings():  # pyparsing's deprecations inside matplotlib
        _chart(report, path)


def _chart(report: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (latency, throughput, long_axis) = plt.subplots(1, 3, figsize=(16, 5))
    for topology in report["topologies"]:
        for kind, mode, style in (("rest", "closed", "-"), ("rest", "think", "--"), ("parse", "closed", ":")):
            cells = [c for c in topology["cells"] if (c["kind"], c["mode"]) == (kind, mode)]
            if not cells:
                continue
            xs = [c["concurrency"] for c in cells]
            name = f"{LABELS.get(topology.get('name'), topology['replicas'])} {'parse' if kind == 'parse' else mode}"
            latency.plot(xs, [c["p95_ms"] or 0 for c in cells], style, marker="o", label=f"{name} p95")
            if kind == "rest" and mode == "closed" or kind == "parse":
                throughput.plot(xs, [c["throughput"] for c in cells], style, marker="o", label=name)
    latency.axhline(300, color="grey", linewidth=0.8)
    latency.set(xscale="log", yscale="log", xlabel="conversations simultanées", ylabel="p95 (ms)",
                title="Latence d'un tour (p95)")
    throughput.set(xscale="log", xlabel="conversations simultanées", ylabel="tours/s", title="Débit, boucle fermée")
    for axis in (latency, throughput):
        ticks = sorted({c["concurrency"] for t in report["topologies"] for c in t["cells"]})
        axis.set_xticks(ticks, [str(tick) for tick in ticks])
        axis.minorticks_off()
    latency.legend(fontsize=7)
    throughput.legend(fontsize=7)
    long = next((t["long"] for t in report["topologies"] if t.get("long")), None)
    if long:
        names = list(long["rows"])
        long_axis.bar(range(len(names)), [long["rows"][n]["p50_ms"] or 0 for n in names])
        long_axis.set_xticks(range(len(names)), [f"{n}\n{long['rows'][n]['events']} év." for n in names], fontsize=7)
        long_axis.set(ylabel="médiane (ms)", title="Tour selon la longueur de la conversation")
    else:
        long_axis.set_axis_off()
    figure.suptitle(f"Cap Jeunes 62 — banc ({', '.join(report['options']['topologies'])} ; "
                    f"{report['machine']['cpus']} cœurs partagés avec le générateur)")
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)


def training_record(model: Path) -> dict | None:
    """How long the model took to train, as `trained_model()` recorded it (None: not recorded)."""
    record = model.with_name(model.name.removesuffix(".tar.gz") + ".train.json")
    return json.loads(record.read_text(encoding="utf-8")) if record.is_file() else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="essai rapide : cases de 8 s, 10 conversations au lieu de 50 en réflexion")
    parser.add_argument("--duration", type=float, default=None, help="secondes par case (défaut 20, 8 en --quick)")
    parser.add_argument("--topologies", nargs="+", choices=list(TOPOLOGIES), default=list(TOPOLOGIES),
                        help="embedded (SQLite, verrou en mémoire), prod1 / prod2 (PostgreSQL + Redis, 1 ou 2 "
                             "répliques) ; défaut : les trois")
    parser.add_argument("--long-events", type=int, default=5000, help="taille de la conversation longue")
    parser.add_argument("--long-turns", type=int, default=None, help="tours chronométrés par conversation longue")
    parser.add_argument("--skip-long", action="store_true", help="sans les conversations longues")
    args = parser.parse_args()
    args.duration = args.duration or (8.0 if args.quick else 20.0)
    args.long_turns = args.long_turns or (6 if args.quick else 20)

    from bot.crypto import generate_key

    fernet_key = generate_key()  # a throw-away key for the bench's own databases
    load_before = os.getloadavg()[0]
    model = trained_model()
    started = time.time()
    topologies = [run_topology(model, name, fernet_key, args) for name in args.topologies]
    REPORTS.mkdir(exist_ok=True)
    report = {
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "model": model.name, "bot_today": rasa_servers.TEST_TODAY, "training": training_record(model),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "load_before": round(load_before, 2),
                    "load_after": round(os.getloadavg()[0], 2),
                    "note": "load generator and servers share the machine"},
        "options": {"quick": args.quick, "duration_s": args.duration, "plan": QUICK_PLAN if args.quick else PLAN,
                    "think_s": THINK_SECONDS, "topologies": args.topologies, "long_events": args.long_events,
                    "long_turns": args.long_turns, "balancing": "each conversation pinned to one replica"},
        "elapsed_s": round(time.time() - started, 1),
        "topologies": topologies,
        "files": {"json": str(REPORTS / "bench.json"), "png": str(REPORTS / "bench.png")},
    }
    report["targets"] = targets({t["name"]: t for t in topologies}, report["training"])
    (REPORTS / "bench.json").write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    chart(report, REPORTS / "bench.png")
    print_report(report)


if __name__ == "__main__":
    main()
