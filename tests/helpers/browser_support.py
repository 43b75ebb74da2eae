"""What the browser tests share: Debian's Chromium (never `playwright install`), the npm files they
inject, free ports, and the back office started as `python -m bot backoffice`."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from pathlib import Path

from rasa_servers import free_port  # noqa: F401 (re-exported for the browser tests)

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SOCKETIO_CLIENT = ROOT / "node_modules" / "socket.io-client" / "dist" / "socket.io.min.js"


@contextlib.contextmanager
def backoffice_process(port: int, env: Mapping[str, str], log: Path) -> Iterator[str]:
    """Start the back office on `port` with `env`, wait for /sante, yield its URL, stop it."""
    with log.open("w") as output:
        process = subprocess.Popen([sys.executable, "-m", "bot", "backoffice", "--port", str(port)],
                                   cwd=ROOT, env=dict(env), stdout=output, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(OSError), urllib.request.urlopen(f"{url}/sante", timeout=2) as answer:
                if answer.read() == b"ok":
                    break
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("le back-office n'a pas démarré :\n" + log.read_text())
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
