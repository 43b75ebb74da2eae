"""Exceptions for the logs, without their message (which may quote what the user wrote)."""

from __future__ import annotations

import traceback

from bot.paths import ROOT


def describe_failure(error: BaseException, frames: int = 6) -> str:
    """The exception's type and its last frames (file, line, function), never its message, e.g.
    "KeyError at rasa/core/processor.py:123 in _parse_message ← …".
    """
    stack = traceback.extract_tb(error.__traceback__)[-frames:]
    where = " ← ".join(f"{_short(frame.filename)}:{frame.lineno} in {frame.name}" for frame in reversed(stack))
    return f"{type(error).__name__} at {where}" if where else type(error).__name__


def _short(filename: str) -> str:
    for marker in ("site-packages/", f"{ROOT}/"):
        if marker in filename:
            return filename.split(marker, 1)[1]
    return filename
