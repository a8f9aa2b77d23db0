"""Download a catalogued model into the store: resumable, verified before use, installed atomically.

Synchronous: the GUI runs it in a worker thread or child process. Bytes stream into `<file>.part` in
the store and a later call resumes it with an HTTP Range request; only a file whose checksum (for Core
ML zips: whose structure) is right gets its final name. After a failure:
- cancelled, connection lost or stalled: the `.part` is kept, to resume.
- disk full: the `.part` is kept too. Writes are unbuffered, so its length is exactly what the system
  accepted, a correct prefix of the file; the message gives its size and how to delete it.
- checksum mismatch or damaged archive: the bad bytes are deleted.
Installed models are never touched by a failed download.
"""

from __future__ import annotations

import errno
import hashlib
import http.client
import os
import shutil
import socket
import ssl
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from urllib.parse import urlsplit

from metavis_gui.contract.atomic_write import fsync_directory
from metavis_gui.models.ct2_import import SIDECAR_SUFFIX as CT2_SIDECAR_SUFFIX
from metavis_gui.models.errors import ModelError, ModelImportError, ModelNotInstalled
from metavis_gui.models.ggml_model_check import validate_ggml_model
from metavis_gui.models.model_catalog import (
    COREML_REQUIRED_FILES,
    OPENAI_WHISPER,
    PARTIAL_SUFFIX,
    WHISPER_CPP,
    CatalogEntry,
    ModelKind,
    downloaded_file_name,
    engine_folder,
    installed_file_name,
    installed_path,
    partial_path,
)
from metavis_gui.models.safe_unzip import safe_unzip

DEFAULT_TIMEOUT_SECONDS = 30.0
CHUNK_BYTES = 256 * 1024
_CANCEL_POLL_SECONDS = 0.1
_PROGRESS_INTERVAL_SECONDS = 0.1
# A second request is needed when a server ignores Range or rejects a stale one; a third would be a loop.
_MAX_REQUESTS = 3
_UNAVAILABLE_STATUSES = (401, 403, 404, 410)
_ADVICE = "Installed models still work. Try again later, or use a mirror (--mirror URL or METAVIS_MODEL_MIRROR)."

Progress = Callable[[int, int], None]
CancelCheck = Callable[[], bool] | threading.Event


class DownloadError(ModelError):
    """A model could not be downloaded; `path` is the file it was meant for."""


class NetworkUnavailable(DownloadError):
    """The host could not be reached: offline, no DNS, refused, timed out."""


class DownloadInterrupted(NetworkUnavailable):
    """The connection broke or stalled mid-file; the `.part` is kept to resume."""


class ModelNotAvailable(DownloadError):
    """The server has no such file (404 and the like)."""


class ChecksumMismatch(DownloadError):
    def __init__(self, path: Path, message: str, expected: str, actual: str) -> None:
        super().__init__(path, message)
        self.expected, self.actual = expected, actual


class DiskFull(DownloadError):
    """No space left; nothing was installed."""


class DownloadCancelled(DownloadError):
    """Cancelled; the `.part` is kept to resume."""


class DownloadFailed(DownloadError):
    """Any other server answer or file-system failure."""


class _RangeNotSatisfiable(Exception):
    def __init__(self, total: int | None) -> None:
        self.total = total


def download_model(
    entry: CatalogEntry,
    models_dir: Path | None = None,
    *,
    progress: Progress | None = None,
    cancelled: CancelCheck | None = None,
    base_url: str | None = None,
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
) -> Path:
    """The installed path. `cancelled` is polled from a helper thread too: it must only read a flag.

    `progress(done, total)` gets bytes; total is 0 while unknown. `timeout` bounds connecting and each stall.
    """
    is_cancelled = cancelled.is_set if isinstance(cancelled, threading.Event) else (cancelled or (lambda: False))
    report = progress or (lambda done, total: None)
    destination, part, url = installed_path(entry, models_dir), partial_path(entry, models_dir), entry.url(base_url)
    try:
        part.parent.mkdir(parents=True, exist_ok=True)
        _fetch(url, part, entry.size_bytes, is_cancelled, report, timeout)
        _verify(entry, part, url, is_cancelled)
        return _install(entry, part, destination, is_cancelled)
    except InterruptedError:
        raise DownloadCancelled(part, f"{entry.file_name}: download cancelled; {_kept(part)}") from None
    except OSError as error:
        if error.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
            message = f"The disk holding {part.parent} is full: {destination.name} was not installed. Free some space"
            raise DiskFull(part, f"{message} and run the download again; {_kept(part)}") from error
        raise DownloadFailed(part, f"{part}: cannot be written ({error.strerror or error}).") from error


def _kept(part: Path) -> str:
    size = part.stat().st_size if part.is_file() else 0
    if not size:
        return "nothing was kept."
    return f"the {size / 1e6:.1f} MB downloaded so far are kept in {part} to resume (delete it to free the space)."


def delete_model(name: str, models_dir: Path | None = None, *, engine: str = WHISPER_CPP) -> list[Path]:
    """Removes the model, its Core ML encoder, its sidecar and any unfinished download; returns what it removed."""
    if not name or name.startswith(".") or any(character in name for character in '/\\:*?"<>|'):
        raise ModelNotInstalled(Path(name), f"'{name}' is not a model name.", name=name)
    folder = engine_folder(engine, models_dir)
    kinds = (ModelKind.PYTORCH,) if engine == OPENAI_WHISPER else (ModelKind.GGML, ModelKind.COREML_ENCODER)
    candidates = [folder / installed_file_name(kind, name) for kind in kinds]
    candidates += [folder / (downloaded_file_name(kind, name) + PARTIAL_SUFFIX) for kind in kinds]
    if engine != OPENAI_WHISPER:
        candidates.append(folder / (installed_file_name(ModelKind.GGML, name) + CT2_SIDECAR_SUFFIX))
    removed = [path for path in candidates if path.exists() or path.is_symlink()]
    if not removed:
        raise ModelNotInstalled(candidates[0], f"No {engine} model '{name}' is installed in {folder}.", name=name)
    for path in removed:
        if path.is_dir() and not path.is_symlink():
            # Renamed first so a half-deleted encoder is never found under its real name.
            doomed = path.with_name(f".{path.name}.deleting")
            os.replace(path, doomed)
            shutil.rmtree(doomed)
        else:
            path.unlink()
    fsync_directory(folder)
    return removed


def _fetch(
    url: str, part: Path, size: int | None, is_cancelled: Callable[[], bool], report: Progress, timeout: float
) -> None:
    for _ in range(_MAX_REQUESTS):
        offset = part.stat().st_size if part.is_file() else 0
        if size is not None and offset > size:
            part.unlink()
            offset = 0
        if size is not None and offset == size:
            return
        try:
            with _open(url, part, offset, timeout, is_cancelled) as response:
                start, total = _response_span(response)
                if start not in (0, offset):
                    part.unlink(missing_ok=True)
                    continue
                if size is not None and total is not None and total != size:
                    raise DownloadFailed(part, f"{url}: the server offers {total} bytes, not the {size} published.")
                _stream(response, part, start, total, is_cancelled, report, (url, timeout))
                return
        except _RangeNotSatisfiable as answer:
            if answer.total == offset:
                return
            part.unlink(missing_ok=True)
    raise DownloadFailed(part, f"{url}: the server keeps sending unusable byte ranges; delete {part} and retry.")


@contextmanager
def _open(
    url: str, part: Path, offset: int, timeout: float, is_cancelled: Callable[[], bool]
) -> Iterator[http.client.HTTPResponse]:
    if is_cancelled():
        raise InterruptedError
    headers = {"User-Agent": "metavis-transcribe", "Accept-Encoding": "identity"}
    if offset:
        headers["Range"] = f"bytes={offset}-"
    sockets: list[socket.socket] = []
    stop = threading.Event()
    # Shutting the socket down from this thread ends a read blocked on a slow server within ~0.1 s of a cancel.
    watchdog = threading.Thread(target=_watch, args=(stop, is_cancelled, sockets), daemon=True)
    watchdog.start()
    try:
        try:
            response = _opener(sockets).open(urllib.request.Request(url, headers=headers), timeout=timeout)
        except urllib.error.HTTPError as error:
            with error:
                raise _http_failure(url, part, error) from None
        except (OSError, http.client.HTTPException) as error:
            if is_cancelled():
                raise InterruptedError from None
            raise _network_failure(url, part, error) from None
        with response:
            yield response
    finally:
        stop.set()
        watchdog.join()


def _http_failure(url: str, part: Path, error: urllib.error.HTTPError) -> Exception:
    if error.code == 416:
        return _RangeNotSatisfiable(_total_from_content_range(error.headers.get("Content-Range")))
    if error.code in _UNAVAILABLE_STATUSES:
        return ModelNotAvailable(
            part, f"{url}: not found on the server (HTTP {error.code}). Check the name and mirror."
        )
    return DownloadFailed(part, f"{url}: the server answered HTTP {error.code} {error.reason}. {_ADVICE}")


def _network_failure(url: str, part: Path, error: BaseException) -> DownloadError:
    reason = getattr(error, "reason", error)
    if isinstance(reason, FileNotFoundError):
        return ModelNotAvailable(part, f"{url}: no such file in the mirror folder.")
    hint = "This computer seems to be offline, or the host is blocked."
    if isinstance(reason, socket.gaierror):
        detail = "its name could not be resolved"
    elif isinstance(reason, ConnectionRefusedError):
        detail = "the connection was refused"
    elif isinstance(reason, TimeoutError):
        detail = "it did not answer in time"
    elif isinstance(reason, ssl.SSLCertVerificationError):
        detail = f"its certificate could not be verified ({reason.verify_message})"
        hint = "A proxy may be intercepting the connection, or this system lacks root certificates."
    else:
        detail = str(reason) or type(reason).__name__
    host = urlsplit(url).hostname or url
    return NetworkUnavailable(part, f"Cannot reach {host}: {detail}. {hint} {_ADVICE}")


def _response_span(response: http.client.HTTPResponse) -> tuple[int, int | None]:
    """(first byte sent, size of the whole file), from a 206's Content-Range or a full answer's length."""
    if response.status == 206:
        content_range = response.headers.get("Content-Range", "")
        try:
            first = int(content_range.split()[1].split("-")[0])
        except (IndexError, ValueError):
            return -1, None
        return first, _total_from_content_range(content_range)
    length = response.headers.get("Content-Length", "")
    return 0, int(length) if length.isdigit() else None


def _total_from_content_range(content_range: str | None) -> int | None:
    total = (content_range or "").rpartition("/")[2].strip()
    return int(total) if total.isdigit() else None


def _stream(
    response: http.client.HTTPResponse,
    part: Path,
    start: int,
    total: int | None,
    is_cancelled: Callable[[], bool],
    report: Progress,
    source: tuple[str, float],
) -> None:
    descriptor = os.open(part, os.O_WRONLY | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o644)
    try:
        os.ftruncate(descriptor, start)
        os.lseek(descriptor, start, os.SEEK_SET)
        done, reported = start, 0.0
        report(done, total or 0)
        while not is_cancelled():
            try:
                chunk = response.read1(CHUNK_BYTES)
            except (OSError, http.client.HTTPException) as error:
                if is_cancelled():
                    break
                what = f"stalled for {source[1]:g} s" if isinstance(error, TimeoutError) else "was lost"
                raise DownloadInterrupted(
                    part,
                    f"{source[0]}: the connection {what} after {done} bytes. "
                    f"Run the download again to resume. {_ADVICE}",
                ) from None
            if not chunk:
                break
            if total is not None and done + len(chunk) > total:
                raise DownloadFailed(part, f"{source[0]}: the server sent more than the {total} bytes it announced.")
            _write_chunk(descriptor, chunk)
            done += len(chunk)
            if time.monotonic() - reported >= _PROGRESS_INTERVAL_SECONDS:
                report(done, total or 0)
                reported = time.monotonic()
        if is_cancelled():
            raise InterruptedError
        if total is not None and done < total:
            raise DownloadInterrupted(
                part,
                f"{source[0]}: the connection closed after {done} of {total} bytes. Run the download again to resume.",
            )
        report(done, total or done)
    finally:
        with suppress(OSError):
            os.fsync(descriptor)
        os.close(descriptor)


def _write_chunk(descriptor: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(descriptor, view) :]


def _verify(entry: CatalogEntry, part: Path, url: str, is_cancelled: Callable[[], bool]) -> None:
    if entry.checksum and entry.checksum_algorithm:
        digest = hashlib.new(entry.checksum_algorithm.value)
        with part.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                if is_cancelled():
                    raise InterruptedError
                digest.update(chunk)
        actual, expected = digest.hexdigest(), entry.checksum.lower()
        if actual != expected:
            part.unlink()
            algorithm = entry.checksum_algorithm.name.replace("SHA", "SHA-")
            message = (
                f"{entry.file_name}: the download from {url} is damaged or not the published file: its {algorithm} "
                f"is {actual}, expected {expected}. It was deleted and nothing was installed; try again or a mirror."
            )
            raise ChecksumMismatch(part, message, expected=expected, actual=actual)
    if entry.kind is ModelKind.GGML:
        try:
            validate_ggml_model(part)
        except ModelImportError:
            part.unlink()
            raise


def _install(entry: CatalogEntry, part: Path, destination: Path, is_cancelled: Callable[[], bool]) -> Path:
    if entry.kind is ModelKind.COREML_ENCODER:
        try:
            folder = safe_unzip(
                part, destination.parent, destination.name, required_files=COREML_REQUIRED_FILES, cancelled=is_cancelled
            )
        except ModelImportError:
            part.unlink()
            raise
        part.unlink()
        return folder
    os.replace(part, destination)
    fsync_directory(destination.parent)
    return destination


def _watch(stop: threading.Event, is_cancelled: Callable[[], bool], sockets: list[socket.socket]) -> None:
    while not stop.wait(_CANCEL_POLL_SECONDS):
        if is_cancelled():
            for connection in list(sockets):
                with suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)


def _opener(sockets: list[socket.socket]) -> urllib.request.OpenerDirector:
    """urllib's own opener (proxies, redirects, file:// mirrors), with every socket it connects recorded."""
    context = ssl.create_default_context()

    class HttpConnection(http.client.HTTPConnection):
        def connect(self) -> None:
            super().connect()
            sockets.append(self.sock)

    class HttpsConnection(http.client.HTTPSConnection):
        def connect(self) -> None:
            super().connect()
            sockets.append(self.sock)

    class HttpHandler(urllib.request.HTTPHandler):
        def http_open(self, request: urllib.request.Request) -> http.client.HTTPResponse:
            return self.do_open(HttpConnection, request)

    class HttpsHandler(urllib.request.HTTPSHandler):
        def https_open(self, request: urllib.request.Request) -> http.client.HTTPResponse:
            return self.do_open(HttpsConnection, request, context=context)

    return urllib.request.build_opener(HttpHandler, HttpsHandler(context=context))
