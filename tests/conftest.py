"""Shared test settings and the session fixtures that need a trained model or running servers.

hypothesis is deterministic and never time-limited (CONVENTIONS.md). The model is trained at
most once per run (cached by the data's fingerprint); the servers start once per session.
When some selected test needs the model, its training starts in the background as soon as the
tests are collected, and the tests that need no model run first, meanwhile: `rasa train` keeps
about one of CI's two cores busy, the unit tests the other.
"""

from __future__ import annotations

import os
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pytest
from hypothesis import settings

# A fixed key for tests (not a secret: it protects nothing real). Every process the tests start
# inherits it; production refuses to start without its own.
os.environ.setdefault("CJ62_FERNET_KEY", "dGVzdC1rZXktY2FwLWpldW5lcy02Mi10ZXN0cy0wMTI=")

settings.register_profile("cj62", deadline=None, derandomize=True, max_examples=200)
settings.load_profile("cj62")


_training: Future[Path] | None = None


def _needs_model(item: pytest.Item) -> bool:
    return "model" in getattr(item, "fixturenames", ())


@pytest.hookimpl(trylast=True)  # after -k / -m deselection: only the selected tests count
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The tests that need no model first (their order kept), and the training started meanwhile."""
    global _training
    items.sort(key=_needs_model)  # stable: each group keeps its order
    if any(_needs_model(item) for item in items) and not os.environ.get("CJ62_TEST_MODEL"):
        from rasa_servers import trained_model

        _training = ThreadPoolExecutor(max_workers=1, thread_name_prefix="rasa-train").submit(trained_model)


@pytest.fixture(scope="session")
def model() -> Path:
    """The trained model; CJ62_TEST_MODEL=path reuses a model already trained (development only)."""
    if os.environ.get("CJ62_TEST_MODEL"):
        return Path(os.environ["CJ62_TEST_MODEL"])
    assert _training is not None, "started when the tests were collected"
    return _training.result()


@pytest.fixture(scope="session")
def servers(model: Path, tmp_path_factory: pytest.TempPathFactory):
    from rasa_servers import running_servers

    with running_servers(model, tmp_path_factory.mktemp("servers")) as running:
        yield running
