"""Shared test settings: hypothesis is deterministic and never time-limited (CONVENTIONS.md)."""

from hypothesis import settings

settings.register_profile("cj62", deadline=None, derandomize=True, max_examples=200)
settings.load_profile("cj62")
