"""What an adapter hands the job runner: a program, its argv and where its output will be."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict


class TranscriptionSettings(BaseModel):
    """What the user asked of an engine, independent of which engine runs it."""

    model_config = ConfigDict(frozen=True)

    audio_path: Path
    model_path: Path
    language: str | None = None  # None: detect
    threads: int = 4


class EngineCommand(BaseModel):
    model_config = ConfigDict(frozen=True)

    program: Path
    arguments: tuple[str, ...]
    output_path: Path


class LiveSegment(BaseModel):
    """A segment the engine printed while running: shown to the user before the job ends."""

    model_config = ConfigDict(frozen=True)

    start_seconds: float
    end_seconds: float
    text: str
