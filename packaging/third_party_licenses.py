#!/usr/bin/env python3
"""THIRD_PARTY_LICENSES, written from what a built bundle actually contains.

Usage::

    .venv/bin/python packaging/third_party_licenses.py [--bundle DIR] [--output FILE]

`--bundle` is the bundle's internals folder (sys._MEIPASS: `_internal/` beside the Linux executables,
`Contents/Frameworks` in a .app); the default is the last build named in packaging/dist/bundle-info.json.
packaging/build_bundle.py runs it after each build and puts the file into the bundle, where the About box
shows it.

Every file at the top of the internals folder, and every top-level Python module inside the executables'
archive, must belong to a component below, to a Debian package (the system libraries PyInstaller copied for
FFmpeg and Qt, found with `dpkg -S`, their licences read from the package's machine-readable copyright file),
or to MetaVis Transcribe itself; `unlisted_contents` names what does not, and tests/packaging/
test_third_party_licenses.py fails on it. A new dependency therefore needs a row here, with its licence
checked by a person, before a bundle with it can pass.
"""

from __future__ import annotations

import argparse
import fnmatch
import importlib.metadata
import json
import re
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

PACKAGING_DIR = Path(__file__).resolve().parent
ROOT = PACKAGING_DIR.parent
DIST_DIR = PACKAGING_DIR / "dist"
OUTPUT = ROOT / "THIRD_PARTY_LICENSES"
# Where the file goes inside the bundle: the app finds it with app_paths.bundled_resources_dir().
BUNDLED_NAME = "resources/THIRD_PARTY_LICENSES"
ARCHIVE_NAME = "PYZ.pyz"

# What the project itself puts in the bundle: its package, the entry points, PyInstaller's bootstrap.
OWN_FILES = ("resources", "resources/*")
OWN_MODULES = ("metavis_gui", "gui_main", "cli_main", "runtime_hook_certificates", "runtime_hook_child_launcher")
PYINSTALLER_MODULES = ("_pyi_rth_utils", "pyimod*", "pyiboot*", "pyi_rth_*", "_sysconfigdata_*")


@dataclass(frozen=True)
class Component:
    name: str
    licence: str  # an SPDX expression, checked by a person against the component's own licence files
    source: str  # where its source code and licence are
    files: tuple[str, ...] = ()  # fnmatch patterns of paths relative to the internals folder
    distributions: tuple[str, ...] = ()  # its PyPI distributions: versions, modules and licence files
    note: str = ""
    platforms: tuple[str, ...] = ()  # the sys.platform values whose bundles carry it; empty: every platform


def _homebrew(formula: str, licence: str, *dylibs: str, note: str = "") -> Component:
    """A library of Homebrew's FFmpeg that PyInstaller copied into the Mac bundle; the licence is the one the
    formula declares, checked by a person against the library's own licence files."""
    return Component(
        name=f"{formula} (from Homebrew, a library of the bundled FFmpeg)",
        licence=licence,
        source=f"https://formulae.brew.sh/formula/{formula} (its formula names the source and licence)",
        files=dylibs,
        note=note,
        platforms=("darwin",),
    )


# On Linux the system libraries FFmpeg needs come from Debian packages, whose copyright files name their
# licences; a Mac has no such record, so the libraries Homebrew's ffmpeg (8.x: the formula's depends_on, and
# theirs) links are listed here. The FFmpeg majors are pinned so that Qt Multimedia's own FFmpeg (7.x) is never
# taken for Homebrew's, and so that a new FFmpeg is looked at by a person before a bundle with it passes.
HOMEBREW_FFMPEG_LIBRARIES: tuple[Component, ...] = (
    _homebrew(
        "ffmpeg", "GPL-2.0-or-later",
        "libavcodec.62.dylib", "libavdevice.62.dylib", "libavfilter.11.dylib", "libavformat.62.dylib",
        "libavutil.60.dylib", "libswresample.6.dylib", "libswscale.9.dylib",
        note="The FFmpeg libraries are LGPL-2.1-or-later on their own; linked with x264 and x265 (GPL) the "
        "bundled FFmpeg as a whole is under the GPL.",
    ),
    _homebrew("x264", "GPL-2.0-only", "libx264.*.dylib"),
    _homebrew("x265", "GPL-2.0-only", "libx265.*.dylib"),
    _homebrew("lame", "LGPL-2.0-or-later", "libmp3lame.*.dylib"),
    _homebrew("opus", "BSD-3-Clause", "libopus.*.dylib"),
    _homebrew("libvpx", "BSD-3-Clause", "libvpx.*.dylib"),
    _homebrew("dav1d", "BSD-2-Clause", "libdav1d.*.dylib"),
    _homebrew("svt-av1", "BSD-3-Clause", "libSvtAv1Enc.*.dylib"),
    _homebrew("libvmaf", "BSD-2-Clause-Patent", "libvmaf.*.dylib"),
    _homebrew("sdl2", "Zlib", "libSDL2-2.0.*.dylib"),
    _homebrew("openssl@3", "Apache-2.0", "libssl.3.dylib", "libcrypto.3.dylib"),
    _homebrew("aom", "BSD-2-Clause", "libaom.*.dylib"),
    _homebrew("libvorbis", "BSD-3-Clause", "libvorbis.*.dylib", "libvorbisenc.*.dylib"),
    _homebrew("libogg", "BSD-3-Clause", "libogg.*.dylib"),
    _homebrew("xz", "0BSD", "liblzma.*.dylib"),
    # Subtitle rendering (libass and what it draws with), in FFmpeg builds that enable it (ffmpeg-full).
    _homebrew("libass", "ISC", "libass.*.dylib"),
    _homebrew("freetype", "FTL", "libfreetype.*.dylib"),
    _homebrew("fribidi", "LGPL-2.1-or-later", "libfribidi.*.dylib"),
    _homebrew("harfbuzz", "MIT", "libharfbuzz.*.dylib"),
    _homebrew("libunibreak", "Zlib", "libunibreak.*.dylib"),
    _homebrew("fontconfig", "MIT", "libfontconfig.*.dylib"),
    _homebrew("libpng", "libpng-2.0", "libpng16.*.dylib"),
)  # fmt: skip


COMPONENTS: tuple[Component, ...] = (
    Component(
        name="FFmpeg (the ffmpeg and ffprobe programs)",
        licence="GPL-2.0-or-later",
        source="https://ffmpeg.org/download.html; the Debian build: https://sources.debian.org/src/ffmpeg/",
        files=("ffmpeg", "ffmpeg/*"),
        note="The bundled build is configured with --enable-gpl (it links x264, x265 and other GPL libraries), "
        "so it is under the GPL. MetaVis Transcribe runs it as a separate program and does not link it. "
        "Its copyright file is ffmpeg/copyright in the bundle; the system libraries it needs are listed "
        "below under their Debian packages.",
    ),
    Component(
        name="whisper.cpp (whisper-cli)",
        licence="MIT",
        source="https://github.com/ggml-org/whisper.cpp (v1.8.5, with the patches of engines/whisper_cpp_patches.py)",
        files=("engines", "engines/*"),
        note="Its licence text is engines/LICENSE in the bundle.",
    ),
    Component(
        name="Python",
        licence="PSF-2.0",
        source="https://www.python.org/downloads/source/",
        files=("libpython3*", "python3.*", "python3.*/*", "base_library.zip", "lib-dynload", "lib-dynload/*"),
    ),
    Component(
        name="Qt",
        licence="LGPL-3.0-only",
        source="https://download.qt.io/official_releases/qt/ (the version of PySide6 below)",
        files=("libQt6*", "PySide6/Qt", "PySide6/Qt/*"),
        distributions=("PySide6-Essentials", "PySide6-Addons"),
        note="Shipped as shared libraries inside PySide6's wheels, which a user may replace. The Qt libraries "
        "PySide6 ships also carry ICU (Unicode-3.0) and Qt Multimedia's own LGPL build of FFmpeg's libraries.",
    ),
    Component(
        name="ICU (in Qt's libraries)",
        licence="Unicode-3.0",
        source="https://github.com/unicode-org/icu",
        files=("libicu*.so.73", "PySide6/Qt/lib/libicu*"),
    ),
    Component(
        name="FFmpeg libraries of Qt Multimedia",
        licence="LGPL-2.1-or-later",
        source="https://code.qt.io/cgit/qt/qtmultimedia.git (Qt's FFmpeg build); https://ffmpeg.org",
        files=("libavcodec.so.61", "libavformat.so.61", "libavutil.so.59", "libswresample.so.5", "libswscale.so.8"),
    ),
    Component(
        name="PySide6 and Shiboken6",
        licence="LGPL-3.0-only",
        source="https://code.qt.io/cgit/pyside/pyside-setup.git",
        files=("PySide6", "PySide6/*", "shiboken6", "shiboken6/*", "libpyside6*", "libshiboken6*"),
        distributions=("shiboken6",),
    ),
    Component(
        name="qasync",
        licence="BSD-2-Clause",
        source="https://github.com/CabbageDevelopment/qasync",
        distributions=("qasync",),
    ),
    Component(
        name="pydantic",
        licence="MIT",
        source="https://github.com/pydantic/pydantic",
        files=("pydantic-*.dist-info", "pydantic-*.dist-info/*"),
        distributions=("pydantic",),
    ),
    Component(
        name="pydantic-core",
        licence="MIT",
        source="https://github.com/pydantic/pydantic-core",
        files=("pydantic_core", "pydantic_core/*"),
        distributions=("pydantic-core",),
    ),
    Component(
        name="typing-inspection",
        licence="MIT",
        source="https://github.com/pydantic/typing-inspection",
        distributions=("typing-inspection",),
    ),
    Component(
        name="annotated-types",
        licence="MIT",
        source="https://github.com/annotated-types/annotated-types",
        distributions=("annotated-types",),
    ),
    Component(
        name="typing-extensions",
        licence="PSF-2.0",
        source="https://github.com/python/typing_extensions",
        distributions=("typing-extensions",),
    ),
    Component(
        name="NumPy",
        licence="BSD-3-Clause AND 0BSD AND MIT AND Zlib AND CC0-1.0",
        source="https://github.com/numpy/numpy",
        files=("numpy", "numpy/*", "numpy-*.dist-info", "numpy-*.dist-info/*"),
        distributions=("numpy",),
    ),
    Component(
        name="OpenBLAS and the GCC Fortran runtime (in NumPy's wheel)",
        licence="BSD-3-Clause AND GPL-3.0-or-later WITH GCC-exception-3.1",
        source="https://github.com/OpenMathLib/OpenBLAS; https://gcc.gnu.org",
        files=("numpy.libs", "numpy.libs/*", "libscipy_openblas*", "libgfortran-*", "libquadmath-*"),
        note="libgfortran and libquadmath are under the GPL with the GCC Runtime Library Exception, which "
        "allows shipping them with programs under any licence.",
    ),
    Component(
        name="platformdirs",
        licence="MIT",
        source="https://github.com/tox-dev/platformdirs",
        distributions=("platformdirs",),
    ),
    Component(
        name="certifi (Mozilla's CA certificates)",
        licence="MPL-2.0",
        source="https://github.com/certifi/python-certifi",
        files=("certifi", "certifi/*"),
        distributions=("certifi",),
    ),
    Component(
        name="PocketSphinx and its US English acoustic model and dictionary",
        licence="BSD-2-Clause",
        source="https://github.com/cmusphinx/pocketsphinx",
        files=("pocketsphinx", "pocketsphinx/*", "pocketsphinx-*.dist-info", "pocketsphinx-*.dist-info/*"),
        distributions=("pocketsphinx",),
        note="The en-us model and cmudict-en-us.dict come with the package under the same BSD-style licence.",
    ),
    Component(
        name="g2p-en (its trained checkpoint only)",
        licence="Apache-2.0",
        source="https://github.com/Kyubyong/g2p",
        files=("g2p_en", "g2p_en/*"),
        distributions=("g2p-en",),
    ),
    Component(
        name="python-sounddevice",
        licence="MIT",
        source="https://github.com/spatialaudio/python-sounddevice",
        distributions=("sounddevice",),
    ),
    Component(
        name="cffi",
        licence="MIT-0",
        source="https://github.com/python-cffi/cffi",
        files=("_cffi_backend*",),
        distributions=("cffi",),
    ),
    Component(
        name="pycparser",
        licence="BSD-3-Clause",
        source="https://github.com/eliben/pycparser",
        distributions=("pycparser",),
    ),
    Component(name="pysubs2", licence="MIT", source="https://github.com/tkarabela/pysubs2", distributions=("pysubs2",)),
    Component(
        name="OpenTimelineIO",
        licence="Apache-2.0",
        source="https://github.com/AcademySoftwareFoundation/OpenTimelineIO",
        files=("opentimelineio", "opentimelineio/*"),
        distributions=("opentimelineio",),
    ),
    Component(
        name="timecode", licence="MIT", source="https://github.com/eoyilmaz/timecode", distributions=("timecode",)
    ),
    Component(
        name="ONNX Runtime",
        licence="MIT",
        source="https://github.com/microsoft/onnxruntime",
        files=("onnxruntime", "onnxruntime/*", "onnxruntime-*.dist-info", "onnxruntime-*.dist-info/*"),
        distributions=("onnxruntime",),
    ),
    Component(
        name="Silero VAD network (silero_vad_v6.onnx, as faster-whisper ships it)",
        licence="MIT",
        source="https://github.com/snakers4/silero-vad",
        files=("silero", "silero/*"),
    ),
    Component(
        name="FlatBuffers",
        licence="Apache-2.0",
        source="https://github.com/google/flatbuffers",
        files=("flatbuffers", "flatbuffers/*"),
        distributions=("flatbuffers",),
    ),
    Component(
        name="Protocol Buffers",
        licence="BSD-3-Clause",
        source="https://github.com/protocolbuffers/protobuf",
        files=("google", "google/*"),
        distributions=("protobuf",),
    ),
    *HOMEBREW_FFMPEG_LIBRARIES,
)


@dataclass(frozen=True)
class DebianPackage:
    name: str
    version: str
    licences: tuple[str, ...]  # the License: fields of its copyright file; empty when it is not machine-readable
    files: tuple[str, ...]  # the bundle's files it provides


@dataclass(frozen=True)
class BundleContents:
    files: tuple[str, ...]  # top-level entries of the internals folder, and the files of its folders of programs
    modules: tuple[str, ...]  # top-level modules in the executables' archive


def default_bundle() -> Path:
    info = json.loads((DIST_DIR / "bundle-info.json").read_text(encoding="utf-8"))
    cli = DIST_DIR / info["executables"]["cli"]
    return cli.parent.parent / "Frameworks" if cli.parent.name == "MacOS" else cli.parent / "_internal"


def read_bundle(internals: Path) -> BundleContents:
    files = sorted(entry.name for entry in internals.iterdir())
    for folder in ("engines", "ffmpeg"):  # their programs are listed one by one
        if (internals / folder).is_dir():
            files += sorted(f"{folder}/{entry.name}" for entry in (internals / folder).iterdir())
    return BundleContents(files=tuple(files), modules=archive_modules(_executables(internals)))


def _executables(internals: Path) -> list[Path]:
    folder = internals.parent / "MacOS" if internals.name == "Frameworks" else internals.parent
    return [folder / name for name in ("metavis-gui", "metavis-transcribe") if (folder / name).is_file()]


def archive_modules(executables: Iterable[Path]) -> tuple[str, ...]:
    """The top-level modules PyInstaller put in the executables' PYZ archive (pure Python code lives there)."""
    from PyInstaller.archive.readers import CArchiveReader

    modules: set[str] = set()
    for executable in executables:
        archive = CArchiveReader(str(executable))
        modules.update(name.split(".")[0] for name in archive.open_embedded_archive(ARCHIVE_NAME).toc)
    return tuple(sorted(modules))


def _matches(name: str, patterns: Iterable[str]) -> bool:
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in patterns)


def component_of_file(name: str, platform: str = sys.platform) -> Component | None:
    """The component a bundle built on `platform` (a sys.platform value) holds this file of."""
    return next(
        (
            component
            for component in COMPONENTS
            if (not component.platforms or platform in component.platforms) and _matches(name, component.files)
        ),
        None,
    )


def distribution_modules() -> dict[str, str]:
    """Top-level module -> the distribution that installed it, for the distributions the table names."""
    named = {_normalized(distribution) for component in COMPONENTS for distribution in component.distributions}
    return {
        module: _normalized(distribution)
        for module, distributions in importlib.metadata.packages_distributions().items()
        for distribution in distributions
        if _normalized(distribution) in named
    }


def _normalized(distribution: str) -> str:
    return re.sub(r"[-_.]+", "-", distribution).lower()


def is_own_or_standard_module(module: str) -> bool:
    return module in sys.stdlib_module_names or _matches(module, (*OWN_MODULES, *PYINSTALLER_MODULES))


def debian_packages(internals: Path, names: Iterable[str]) -> tuple[dict[str, DebianPackage], list[str]]:
    """The Debian packages providing these shared libraries, and the names no package provides."""
    names = list(names)
    if not names:
        return {}, []
    info = Path("/var/lib/dpkg/info")
    if not info.is_dir():  # not Debian: nothing is known
        return {}, names
    # What `dpkg -S` reads, read once: each package's .list of the paths it installed.
    wanted = set(names)
    provided: dict[str, set[str]] = {}
    for listing in sorted(info.glob("*.list")):
        package = listing.stem.split(":")[0]
        for path in listing.read_text(encoding="utf-8", errors="replace").splitlines():
            base = path.rpartition("/")[2]
            if base in wanted:
                provided.setdefault(package, set()).add(base)
    found = {base for bases in provided.values() for base in bases}
    versions = _dpkg_versions(provided)
    packages = {
        package: DebianPackage(
            name=package,
            version=versions.get(package, "unknown"),
            licences=copyright_licences(Path("/usr/share/doc") / package / "copyright"),
            files=tuple(sorted(bases)),
        )
        for package, bases in sorted(provided.items())
    }
    return packages, [name for name in names if name not in found]


def _dpkg_versions(packages: Iterable[str]) -> dict[str, str]:
    query = ["dpkg-query", "-W", "-f=${Package} ${Version}\\n", *packages]
    result = subprocess.run(query, capture_output=True, text=True, check=False)
    return dict(line.split(" ", 1) for line in result.stdout.splitlines() if " " in line)


def copyright_licences(path: Path) -> tuple[str, ...]:
    """A machine-readable (DEP-5) Debian copyright file's licences: the `Files: *` stanza's first, then the
    other files' in order; empty when the file is missing or free-form."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ()
    if not text.startswith("Format:"):
        return ()
    main: list[str] = []
    others: list[str] = []
    for stanza in re.split(r"\n[ \t]*\n", text):
        licence = re.search(r"^License:[ \t]*(\S[^\n]*)$", stanza, flags=re.MULTILINE)
        files = re.search(r"^Files:[ \t]*(\S[^\n]*)$", stanza, flags=re.MULTILINE)
        if licence is None or files is None:
            continue  # a standalone License: stanza holds a licence's text, not a file's licence
        (main if files.group(1).strip() == "*" else others).append(licence.group(1).strip())
    return tuple(dict.fromkeys((*main, *others)))


@dataclass(frozen=True)
class Inventory:
    components: tuple[Component, ...]  # the table's components found in the bundle
    debian: tuple[DebianPackage, ...]
    unlisted_files: tuple[str, ...]
    unlisted_modules: tuple[str, ...]


def take_inventory(internals: Path, platform: str = sys.platform) -> Inventory:
    """What the bundle at internals, built on `platform` (a sys.platform value), holds, and what is unlisted."""
    contents = read_bundle(internals)
    used: set[str] = set()
    system_libraries: list[str] = []
    for name in contents.files:
        component = component_of_file(name, platform)
        if component is not None:
            used.add(component.name)
        elif _matches(name, OWN_FILES):
            continue
        else:
            system_libraries.append(name)
    by_module = distribution_modules()
    unlisted_modules = []
    for module in contents.modules:
        if module in by_module:
            used.update(c.name for c in COMPONENTS if by_module[module] in map(_normalized, c.distributions))
        elif not is_own_or_standard_module(module):
            unlisted_modules.append(module)
    # Only a Linux bundle's system libraries come from Debian packages; a Mac's must all be in the table.
    from_packages = [name for name in system_libraries if name.startswith("lib") and platform == "linux"]
    packages, unknown = debian_packages(internals, from_packages)
    unknown += [name for name in system_libraries if name not in from_packages]
    return Inventory(
        components=tuple(component for component in COMPONENTS if component.name in used),
        debian=tuple(packages.values()),
        unlisted_files=tuple(sorted(unknown)),
        unlisted_modules=tuple(unlisted_modules),
    )


def _distribution_versions(component: Component) -> str:
    versions = []
    for distribution in component.distributions:
        try:
            versions.append(f"{distribution} {importlib.metadata.version(distribution)}")
        except importlib.metadata.PackageNotFoundError:
            versions.append(f"{distribution} (not installed where this file was written)")
    return ", ".join(versions)


def _licence_texts(component: Component) -> list[str]:
    texts = []
    for distribution in component.distributions:
        try:
            files = importlib.metadata.files(distribution) or []
        except importlib.metadata.PackageNotFoundError:
            continue
        for file in files:
            if re.search(r"(LICEN[CS]E|COPYING|NOTICE)[^/]*$", file.name, flags=re.IGNORECASE) and ".dist-info" in str(
                file
            ):
                texts.append(
                    f"--- {file} ---\n{Path(str(file.locate())).read_text(encoding='utf-8', errors='replace').strip()}\n"
                )
    return texts


def render(inventory: Inventory, whisper_version: str | None) -> str:
    lines = [
        "THIRD-PARTY SOFTWARE IN METAVIS TRANSCRIBE",
        "",
        "Written by packaging/third_party_licenses.py from the contents of the built bundle; do not edit by hand.",
        "MetaVis Transcribe's own code is proprietary. The components below keep their own licences. FFmpeg, a",
        "separate program the app runs, is under the GNU GPL: its source, and that of every GPL or LGPL",
        "component listed here, is available from the addresses given (or from MetaVis on request), and you may",
        "replace the LGPL libraries (Qt, PySide6) in the bundle with your own builds.",
        "",
        "=" * 100,
    ]
    for component in inventory.components:
        lines += ["", component.name, f"  Licence: {component.licence}", f"  Source:  {component.source}"]
        if component.name.startswith("whisper.cpp") and whisper_version:
            lines.append(f"  Version: {whisper_version}")
        if component.distributions:
            lines.append(f"  Version: {_distribution_versions(component)}")
        if component.note:
            lines.append(f"  Note:    {component.note}")
    lines += [
        "",
        "=" * 100,
        "",
        "System libraries copied from Debian packages of the build machine (needed by FFmpeg and by Qt's platform",
        "plugins). Each package's copyright file is /usr/share/doc/<package>/copyright on Debian; sources are at",
        "https://sources.debian.org/. Licences as its machine-readable copyright file declares them:",
    ]
    for package in inventory.debian:
        licences = "see the package's copyright file (not machine-readable)"
        if package.licences:
            main, *others = package.licences
            licences = main + (f" (some files: {', '.join(others)})" if others else "")
        lines += [
            "",
            f"{package.name} {package.version}",
            f"  Files:   {', '.join(package.files)}",
            f"  Licence: {licences}",
        ]
    texts = [text for component in inventory.components for text in _licence_texts(component)]
    if texts:
        lines += ["", "=" * 100, "", "Licence texts of the Python packages above, as they ship them:", ""]
        lines += texts
    return "\n".join(lines).rstrip() + "\n"


def whisper_cpp_version(internals: Path) -> str | None:
    try:
        return json.loads((internals / "engines" / "build-info.json").read_text(encoding="utf-8")).get("version")
    except (OSError, ValueError):
        return None


def write(internals: Path, output: Path = OUTPUT) -> Inventory:
    """Write the file from the bundle at internals, and a copy into it; the inventory says what is unlisted."""
    inventory = take_inventory(internals)
    text = render(inventory, whisper_cpp_version(internals))
    output.write_text(text, encoding="utf-8")
    bundled = internals / BUNDLED_NAME
    if bundled.parent.is_dir():
        bundled.write_text(text, encoding="utf-8")
    return inventory


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--bundle", type=Path, default=None, help="the bundle's internals folder (default: the last build)"
    )
    parser.add_argument("--output", type=Path, default=OUTPUT)
    arguments = parser.parse_args(argv)
    internals = arguments.bundle or default_bundle()
    inventory = write(internals, arguments.output)
    for name in (*inventory.unlisted_files, *inventory.unlisted_modules):
        print(
            f"error: {name} in {internals} belongs to no component of packaging/third_party_licenses.py",
            file=sys.stderr,
        )
    print(
        f"Wrote {arguments.output} ({len(inventory.components)} components, {len(inventory.debian)} Debian packages)."
    )
    return 1 if inventory.unlisted_files or inventory.unlisted_modules else 0


if __name__ == "__main__":
    sys.exit(main())
