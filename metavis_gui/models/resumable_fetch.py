"""Fetch one URL into a `.part` file, resumably: the transfer every model download is made of.

Bytes stream into the `.part` unbuffered, so its length is always a correct prefix of the file, and a later
call resumes it with an HTTP Range request. A cancel is noticed within ~0.1 s even while a read is blocked
on a slow server. The errors of every download are here too, each with a message a user can act on.
"""

from __future__ import annotations

import hashlib
import http.client
import os
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

from metavis_gui.models.errors import ModelError

CHUNK_BYTES = 256 * 1024
_CANCEL_POLL_SECONDS = 0.1
_PROGRESS_INTERVAL_SECONDS = 0.1
# A second request is needed when a server ignores Range or rejects a stale one; a third would be a loop.
_MAX_REQUESTS = 3
_UNAVAILABLE_STATUSES = (401, 403, 404, 410)
ADVICE = "Installed models still work. Try again later, or use a mirror (--mirror URL or METAVIS_MODEL_MIRROR)."

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


def as_cancel_check(cancelled: CancelCheck | None) -> Callable[[], bool]:
    """The flag reader to poll; it is polled from a helper thread too, so it must only read a flag."""
    return cancelled.is_set if isinstance(cancelled, threading.Event) else (cancelled or (lambda: False))


def file_digest(path: Path, algorithm: str, is_cancelled: Callable[[], bool]) -> str:
    """The hex digest of a file, read in 1 MB steps so a cancel stops hashing a large model at once."""
    digest = hashlib.new(algorithm)
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            if is_cancelled():
                raise InterruptedError
            digest.update(chunk)
    return digest.hexdigest()


def fetch_resumable(
    url: str, part: Path, size: int | None, is_cancelled: Callable[[], bool], report: Progress, timeout: float
) -> None:
    """Completes `part` from `url`: resumes with a Range request, restarts when the server cannot resume.

    `size`, when published, is checked against what the server offers. The bytes are not verified here.
    """
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
    return DownloadFailed(part, f"{url}: the server answered HTTP {error.code} {error.reason}. {ADVICE}")


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
    return NetworkUnavailable(part, f"Cannot reach {host}: {detail}. {hint} {ADVICE}")


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
                    f"Run the download again to resume. {ADVICE}",
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
