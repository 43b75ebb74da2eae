"""`bot/` is plain Python: it imports, every module of it, with Rasa and TensorFlow made unimportable."""

from __future__ import annotations

import subprocess
import sys

PROBE = r"""
import importlib, pkgutil, sys, time

class Forbidden:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("rasa", "rasa_sdk", "tensorflow"):
            raise ImportError(f"bot/ must not import {name}")
        return None

sys.meta_path.insert(0, Forbidden())
import bot
for module in pkgutil.walk_packages(bot.__path__, "bot."):
    importlib.import_module(module.name)
loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("rasa", "rasa_sdk", "tensorflow"))
assert not loaded, loaded
print("ok")
"""


def test_bot_imports_without_rasa_or_tensorflow() -> None:
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
