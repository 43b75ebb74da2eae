"""Shared test settings and the session fixtures that need a trained model or running servers.

hypothesis is deterministic and never time-limited (CONVENTIONS.md). The model is trained at
most once per run (cached by the data's fingerprint); the servers start once per session.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import settings

settings.register_profile("cj62", deadline=None, derandomize=True, max_examples=200)
settings.load_profile("cj62")


@pytest.fixture(scope="session")
def model() -> Path:
    from rasa_servers import trained_model

    return trained_model()


@pytest.fixture(scope="session")
def servers(model: Path, tmp_path_factory: pytest.TempPathFactory):
    from rasa_servers import running_servers

    with running_servers(model, tmp_path_factory.mktemp("servers")) as running:
        yield running
