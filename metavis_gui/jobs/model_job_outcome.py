"""How a model download or import ended: what the model manager and the command line report."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict


class ModelJobFinished(BaseModel):
    model_config = ConfigDict(frozen=True)

    installed: Path


class ModelJobFailed(BaseModel):
    """Nothing was installed; the message is the model layer's own, written for the user."""

    model_config = ConfigDict(frozen=True)

    message: str


class ModelJobCancelled(BaseModel):
    """Stopped on request; the message says what was kept (a download's `.part` resumes next time)."""

    model_config = ConfigDict(frozen=True)

    message: str


ModelJobOutcome = ModelJobFinished | ModelJobFailed | ModelJobCancelled
