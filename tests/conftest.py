"""Shared test settings and the session fixtures that need a trained model or running servers.

hypothesis is deterministic and never time-limited (CONVENTIONS.md). The model is trained at
most once per run (cached by the data's fingerprint); the servers start once per session.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

# A fixed key for tests (not a secret: it protects nothing real). Every process the tests start
# inherits it; production refuses to start without its own.
os.environ.setdefault("CJ62_FERNET_KEY", "dGVzdC1rZXktY2FwLWpldW5lcy02Mi10ZXN0cy0wMTI=")

settings.register_profile("cj62", deadline=None, derandomize=True, max_examples=200)
settings.load_profile("cj62")


@pytest.fixture(scope="session")
def model() -> Path:
    """The trained model; CJ62_TEST_MODEL=path reuses a model already trained (development only)."""
    import os

    from rasa_servers import trained_model

    return Path(os.environ["CJ62_TEST_MODEL"]) if os.environ.get("CJ62_TEST_MODEL") else trained_model()


@pytest.fixture(scope="session")
def servers(model: Path, tmp_path_factory: pytest.TempPathFactory):
    from rasa_servers import running_servers

    with running_servers(model, tmp_path_factory.mktemp("servers")) as running:
        yield running
