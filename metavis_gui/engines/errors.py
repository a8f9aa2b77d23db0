"""Typed engine failures, each carrying a message a user can act on."""

from __future__ import annotations


def stderr_tail(stderr: str, lines: int = 30) -> str:
    """The last lines of an engine's stderr, for a details view: where its own reason usually is."""
    return "\n".join(stderr.splitlines()[-lines:])


class EngineError(Exception):
    """Base of every engine failure; ``message`` is shown to the user as is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class EngineNotFound(EngineError):
    """The engine's binary or package is not installed where we look."""


class ModelMissing(EngineError):
    """The chosen model file or folder does not exist."""


class ModelCorrupt(EngineError):
    """The model exists but the engine cannot load it."""


class EngineFailed(EngineError):
    """The engine ran and reported an error (exit code or an ``error:`` line)."""

    def __init__(self, message: str, exit_code: int | None = None, stderr_tail: str = "") -> None:
        super().__init__(message)
        self.exit_code = exit_code
        self.stderr_tail = stderr_tail


class EngineCrashed(EngineFailed):
    """The engine process died from a signal or an abort instead of exiting."""


class EngineTimedOut(EngineError):
    """The engine ran longer than allowed and was stopped."""
