"""Train the model once per data fingerprint, and run Rasa + the action server for tests.

The model is cached under `.cache/models/` by a fingerprint of config.yml, domain.yml and
data/ (and the Rasa version), so that a run trains at most once. Servers listen on free
ports (never the fixed ones of CONVENTIONS.md), with `BOT_TODAY` pinned and their own
SQLite tracker database.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

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
    files = [ROOT / "config.yml", ROOT / "domain.yml", *sorted((ROOT / "data").rglob("*.yml"))]
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
        with log.open("w") as handle:
            done = subprocess.run(
                [str(VENV_BIN / "rasa"), "train", "--config", "config.yml", "--domain", "domain.yml", "--data", "data",
                 "--out", str(CACHE), "--fixed-model-name", name],
                cwd=ROOT, env=base_env(), stdout=handle, stderr=subprocess.STDOUT, timeout=30 * 60,
            )
        if done.returncode != 0 or not model.exists():
            raise RuntimeError(f"rasa train a échoué (code {done.returncode}) : voir {log}")
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

    def webhook(self) -> str:
        return f"{self.rasa_url}/webhooks/rest/webhook"

    def say(self, sender: str, text: str, **extra) -> list[dict]:
        response = requests.post(self.webhook(), json={"sender": sender, "message": text, **extra}, timeout=120)
        response.raise_for_status()
        return response.json()


def _wait(url: str, process: subprocess.Popen, log: Path, timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"le serveur s'est arrêté (code {process.returncode}) : voir {log}")
        with contextlib.suppress(requests.RequestException):
            if requests.get(url, timeout=2).status_code == 200:
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
    env = base_env(**{**stores, **env_extra})
    subprocess.run([sys.executable, "-m", "bot", "db", "upgrade"], cwd=ROOT, env=env, check=True,
                   capture_output=True, timeout=120)
    names = ["actions"] + (["rasa"] if count == 1 else [f"rasa{i}" for i in range(count)])
    logs = {name: (workdir / f"{name}.log").open("w") for name in names}
    processes: list[subprocess.Popen] = []
    try:
        processes.append(subprocess.Popen(
            [sys.executable, "-m", "rasa_ext.action_server", "--port", str(action_port)],
            cwd=ROOT, env=env, stdout=logs["actions"], stderr=subprocess.STDOUT, start_new_session=True,
        ))
        ports = [free_port() for _ in range(count)]
        for name, port in zip(names[1:], ports):
            processes.append(subprocess.Popen(
                [str(VENV_BIN / "rasa"), "run", "--model", str(model), "--interface", "127.0.0.1", "--port", str(port),
                 "--credentials", "credentials.yml", "--endpoints", str(endpoints), "--enable-api",
                 "--auth-token", token],
                cwd=ROOT, env=env, stdout=logs[name], stderr=subprocess.STDOUT, start_new_session=True,
            ))
        _wait(f"http://127.0.0.1:{action_port}/health", processes[0], workdir / "actions.log")
        for name, port, process in zip(names[1:], ports, processes[1:]):
            _wait(f"http://127.0.0.1:{port}/status?token={token}", process, workdir / f"{name}.log")
        yield [Servers(f"http://127.0.0.1:{port}", f"http://127.0.0.1:{action_port}", token, workdir)
               for port in ports]
    finally:
        for process in reversed(processes):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        for handle in logs.values():
            handle.close()
