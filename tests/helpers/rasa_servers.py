"""Train the model once per data fingerprint, and run Rasa + the action server for tests.

The model is cached under `.cache/models/` by a fingerprint of config.yml, domain.yml, data/,
our trainable NLU component and the Rasa version, so that a run trains at most once.
Servers listen on free ports (never the fixed ones of CONVENTIONS.md), with `BOT_TODAY` pinned
and their own SQLite tracker database.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import requests

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
CACHE = ROOT / ".cache" / "models"
TEST_TODAY = "2026-11-29"
ACTION_TOKEN = secrets.token_urlsafe(16)  # Rasa sends it to the action server (endpoints.yml)


def fingerprint() -> str:
    digest = hashlib.sha256()
    import rasa

    digest.update(rasa.__version__.encode())
    # Of our NLU components, only the intent classifier learns: the others (safety.py, topics.py…)
    # are loaded from their code as it is, and a change of theirs needs no new model.
    files = [ROOT / "config.yml", ROOT / "domain.yml", *sorted((ROOT / "data").rglob("*.yml")),
             ROOT / "rasa_ext" / "nlu" / "linear_intent_classifier.py"]
    for path in files:
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def base_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"RASA_TELEMETRY_ENABLED": "false", "BOT_TODAY": TEST_TODAY, "PYTHONDONTWRITEBYTECODE": "1",
                "TF_CPP_MIN_LOG_LEVEL": "3", "ACTION_TOKEN": ACTION_TOKEN})
    env.update(extra)
    return env


def trained_model() -> Path:
    """The model for the current data, trained now if the cache has none."""
    CACHE.mkdir(parents=True, exist_ok=True)
    name = f"cj62-{fingerprint()}"
    model = CACHE / f"{name}.tar.gz"
    # One training per fingerprint even when several test processes ask at once (they wait).
    with (CACHE / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if model.exists():
            return model
        log = CACHE / f"{name}.log"
        started = time.monotonic()
        with log.open("w") as handle:
            done = subprocess.run(
                [str(VENV_BIN / "rasa"), "train", "--config", "config.yml", "--domain", "domain.yml", "--data", "data",
                 "--out", str(CACHE), "--fixed-model-name", name],
                cwd=ROOT, env=base_env(), stdout=handle, stderr=subprocess.STDOUT, timeout=30 * 60,
            )
        if done.returncode != 0 or not model.exists():
            raise RuntimeError(f"rasa train a échoué (code {done.returncode}) : voir {log}")
        # How long it took, for scripts/bench_load.py (issue 15: `make train` within 4 minutes).
        (CACHE / f"{name}.train.json").write_text(json.dumps({
            "seconds": round(time.monotonic() - started, 1), "cpus": os.cpu_count(),
            "load_before": round(os.getloadavg()[0], 2),
            "date": time.strftime("%Y-%m-%dT%H:%M:%S%z")}), encoding="utf-8")
        return model


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Servers:
    rasa_url: str
    actions_url: str
    token: str
    workdir: Path
    headers: dict[str, str] = field(default_factory=dict)  # e.g. X-Rest-Token on the production path

    def webhook(self) -> str:
        return f"{self.rasa_url}/webhooks/rest/webhook"

    def say(self, sender: str, text: str, **extra) -> list[dict]:
        response = requests.post(self.webhook(), json={"sender": sender, "message": text, **extra},
                                 headers=self.headers, timeout=120)
        response.raise_for_status()
        return response.json()

    def tracker(self, sender: str, **params: str) -> dict:
        """The conversation from Rasa's HTTP API (dev token); `params` adds query parameters, e.g.
        `include_events="ALL"` for the events before a restart too."""
        response = requests.get(f"{self.rasa_url}/conversations/{sender}/tracker",
                                params={"token": self.token, **params}, timeout=60)
        response.raise_for_status()
        return response.json()


def _wait(url: str, process: subprocess.Popen, log: Path, timeout: float = 240,
          headers: dict[str, str] | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"le serveur s'est arrêté (code {process.returncode}) : voir {log}")
        with contextlib.suppress(requests.RequestException):
            if requests.get(url, headers=headers, timeout=2).status_code == 200:
                return
        time.sleep(0.5)
    raise RuntimeError(f"le serveur ne répond pas sur {url} : voir {log}")


@contextlib.contextmanager
def running_servers(model: Path, workdir: Path, **env_extra: str) -> Iterator[Servers]:
    """Start the action server and Rasa on free ports; stop them afterwards."""
    with running_replicas(model, workdir, 1, **env_extra) as replicas:
        yield replicas[0]


@contextlib.contextmanager
def running_replicas(model: Path, workdir: Path, count: int, **env_extra: str) -> Iterator[list[Servers]]:
    """One action server and `count` Rasa servers on the same stores (as replicas), on free ports."""
    with replica_cluster(model, workdir, count, **env_extra) as cluster:
        yield cluster.servers


PRODUCTION_ORIGIN = "https://www.pasdecalais.example"


@dataclass
class Cluster:
    """What `replica_cluster` started: the servers, and the processes a test may kill or restart.

    Process names: `actions`, then `rasa` (one replica) or `rasa0`, `rasa1`… Logs: `<name>.log`
    in `workdir` (a restarted process appends to its log).
    """

    servers: list[Servers]
    workdir: Path
    env: dict[str, str]
    production: bool
    jwt_secret: str | None
    commands: dict[str, list[str]]
    processes: dict[str, subprocess.Popen]
    logs: dict[str, IO[str]]

    def api_auth(self) -> tuple[dict[str, str], dict[str, str]]:
        """(query parameters, headers) for Rasa's HTTP API: `?token=` in dev, a JWT in production."""
        if self.jwt_secret is None:
            return {"token": self.servers[0].token}, {}
        import datetime as dt

        import jwt

        now = dt.datetime.now(dt.timezone.utc)
        claims = {"user": {"username": "tests", "role": "admin"}, "iat": now, "exp": now + dt.timedelta(minutes=10)}
        return {}, {"Authorization": f"Bearer {jwt.encode(claims, self.jwt_secret, algorithm='HS256')}"}

    def tracker(self, sender: str, index: int = 0) -> dict:
        params, headers = self.api_auth()
        response = requests.get(f"{self.servers[index].rasa_url}/conversations/{sender}/tracker", params=params,
                                headers=headers, timeout=60)
        response.raise_for_status()
        return response.json()

    def _start(self, name: str) -> subprocess.Popen:
        process = subprocess.Popen(self.commands[name], cwd=ROOT, env=self.env, stdout=self.logs[name],
                                   stderr=subprocess.STDOUT, start_new_session=True)
        self.processes[name] = process
        return process

    def _wait(self, name: str) -> None:
        log = self.workdir / f"{name}.log"
        if name == "actions":
            _wait(f"{self.servers[0].actions_url}/health", self.processes[name], log)
            return
        params, headers = self.api_auth()
        query = f"?token={params['token']}" if "token" in params else ""
        server = self.servers[self.names.index(name)]
        _wait(f"{server.rasa_url}/status{query}", self.processes[name], log, headers=headers)

    @property
    def names(self) -> list[str]:
        """The Rasa process names, in the order of `servers`."""
        return [name for name in self.commands if name != "actions"]

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        """Send `sig` (SIGKILL: no clean-up at all) to a process and its children, and reap it."""
        process = self.processes[name]
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        process.wait(timeout=30)

    def stop(self, name: str) -> None:
        try:
            self.kill(name, signal.SIGTERM)
        except subprocess.TimeoutExpired:
            self.kill(name)

    def restart(self, name: str) -> None:
        """Start a stopped process again on the same port and wait until it answers."""
        assert self.processes[name].poll() is not None, f"{name} tourne encore"
        self._start(name)
        self._wait(name)


@contextlib.contextmanager
def replica_cluster(model: Path, workdir: Path, count: int, *, production: bool = False,
                    **env_extra: str) -> Iterator[Cluster]:
    """One action server and `count` Rasa replicas on the same stores, on free ports (`Cluster`).

    `production=True` starts them as scripts/run_prod.sh does: `CJ62_ENV=production` (no
    `BOT_TODAY`), Rasa's API behind a JWT only (`rasa_ext.run`), `REST_TOKEN` set (sent by `Servers.say`
    as `X-Rest-Token`), `ALLOWED_ORIGINS` = `PRODUCTION_ORIGIN` unless given.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    action_port = free_port()
    token = secrets.token_urlsafe(16)
    endpoints = workdir / "endpoints.yml"
    endpoints.write_text(
        (ROOT / "endpoints.yml").read_text(encoding="utf-8").replace(
            "http://127.0.0.1:5055/webhook", f"http://127.0.0.1:{action_port}/webhook"),
        encoding="utf-8",
    )
    stores = {"TRACKER_DB_URL": f"sqlite:///{workdir / 'tracker.db'}", "DATABASE_URL": f"sqlite:///{workdir / 'app.db'}"}
    jwt_secret = None
    headers: dict[str, str] = {}
    if production:
        jwt_secret = secrets.token_urlsafe(32)
        rest_token = secrets.token_urlsafe(16)
        headers = {"X-Rest-Token": rest_token}
        stores.update(CJ62_ENV="production", RASA_JWT_SECRET=jwt_secret, REST_TOKEN=rest_token,
                      ALLOWED_ORIGINS=PRODUCTION_ORIGIN)
    env = base_env(**{**stores, **env_extra})
    if production:
        env.pop("BOT_TODAY", None)
    subprocess.run([sys.executable, "-m", "bot", "db", "upgrade"], cwd=ROOT, env=env, check=True,
                   capture_output=True, timeout=120)
    names = ["actions"] + (["rasa"] if count == 1 else [f"rasa{i}" for i in range(count)])
    ports = [free_port() for _ in range(count)]
    # Production: the JWT secret from RASA_JWT_SECRET through rasa_ext.run, as scripts/run_prod.sh does.
    # `--option=value`: a token_urlsafe secret may begin with "-", which argparse would take for an option.
    auth = [] if jwt_secret else [f"--auth-token={token}"]
    launcher = [sys.executable, "-m", "rasa_ext.run"] if jwt_secret else [str(VENV_BIN / "rasa"), "run"]
    commands = {"actions": [sys.executable, "-m", "rasa_ext.action_server", "--port", str(action_port)]}
    for name, port in zip(names[1:], ports):
        commands[name] = [*launcher, "--model", str(model), "--interface", "127.0.0.1",
                          "--port", str(port), "--credentials", "credentials.yml", "--endpoints", str(endpoints),
                          "--enable-api", *auth]
    servers = [Servers(f"http://127.0.0.1:{port}", f"http://127.0.0.1:{action_port}", token, workdir, dict(headers))
               for port in ports]
    logs = {name: (workdir / f"{name}.log").open("a") for name in names}
    cluster = Cluster(servers, workdir, env, production, jwt_secret, commands, {}, logs)
    try:
        for name in names:
            cluster._start(name)
        for name in names:
            cluster._wait(name)
        yield cluster
    finally:
        for process in reversed(list(cluster.processes.values())):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        for process in cluster.processes.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        for handle in logs.values():
            handle.close()
