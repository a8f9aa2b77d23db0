"""Which engines there are, the other names each answers to, and where each keeps its models.

This is the part of the engine table (`metavis_gui.engines.engine_table`) that the model store and the
catalogue need: it sits here because they sit below the engines. Adding an engine means one `EngineId`
member and one `EngineIdentity` row here, and one `EngineSpec` row in the engine table.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict

from metavis_gui.models.model_kinds import ModelKind


class EngineId(StrEnum):
    """An engine's name: on the command line, in saved settings, in the summary's tool name."""

    WHISPER_CPP = "whisper.cpp"
    OPENAI_WHISPER = "openai-whisper"
    FASTER_WHISPER = "faster-whisper"
    WHISPERKIT = "whisperkit"


DEFAULT_ENGINE = EngineId.WHISPER_CPP


class EngineIdentity(BaseModel):
    model_config = ConfigDict(frozen=True)

    engine_id: EngineId
    # Other names the command line and saved settings accept for it.
    aliases: tuple[str, ...] = ()
    # Its models' folder inside the model store; None: the store itself.
    models_folder: str | None = None
    # What it keeps in that folder; a bare model name means a model of the first kind.
    model_kinds: tuple[ModelKind, ...]


_IDENTITIES = (
    EngineIdentity(
        engine_id=EngineId.WHISPER_CPP,
        aliases=("whispercpp-coreml",),  # the design note's name for whisper.cpp with its Core ML encoder
        model_kinds=(ModelKind.GGML, ModelKind.COREML_ENCODER),
    ),
    EngineIdentity(
        engine_id=EngineId.OPENAI_WHISPER,
        aliases=("whisper-cli",),  # the design note's name for openai-whisper's `whisper` command
        models_folder=EngineId.OPENAI_WHISPER.value,
        model_kinds=(ModelKind.PYTORCH,),
    ),
    EngineIdentity(
        engine_id=EngineId.FASTER_WHISPER,
        models_folder=EngineId.FASTER_WHISPER.value,
        model_kinds=(ModelKind.CT2_FOLDER,),
    ),
    EngineIdentity(
        engine_id=EngineId.WHISPERKIT,
        aliases=("whisperkit-cli",),
        models_folder=EngineId.WHISPERKIT.value,
        model_kinds=(ModelKind.WHISPERKIT_FOLDER,),
    ),
)
ENGINE_IDENTITIES: Mapping[EngineId, EngineIdentity] = MappingProxyType({row.engine_id: row for row in _IDENTITIES})
_ALIASES: Mapping[str, EngineId] = MappingProxyType(
    {alias: row.engine_id for row in _IDENTITIES for alias in row.aliases}
)


class UnknownEngine(ValueError):
    """A name that is neither an engine id nor an alias; the message lists the names that are."""


def accepted_engine_names() -> tuple[str, ...]:
    """Every engine id, then every alias."""
    return (*(engine_id.value for engine_id in EngineId), *_ALIASES)


def engine_id_from_name(name: EngineId | str) -> EngineId:
    """The engine an id or alias names, or UnknownEngine listing the known names."""
    if isinstance(name, str) and name in _ALIASES:
        return _ALIASES[name]
    try:
        return EngineId(name)
    except ValueError:
        known = ", ".join(engine_id.value for engine_id in EngineId)
        aliases = f" (or the aliases {', '.join(_ALIASES)})" if _ALIASES else ""
        raise UnknownEngine(f"Unknown engine {name!r}. Known engines: {known}{aliases}.") from None


def engine_identity(engine: EngineId | str) -> EngineIdentity:
    return ENGINE_IDENTITIES[engine_id_from_name(engine)]


# A pydantic field holding an EngineId that also takes an alias or the id's text.
EngineIdFromName = Annotated[EngineId, BeforeValidator(engine_id_from_name)]
