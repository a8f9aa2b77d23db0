"""An HTTP server on 127.0.0.1 that serves model files the way a model host does, and misbehaves on demand.

Used by the download tests and the model manager's; the fixtures that start it are in tests/conftest.py.
"""

from __future__ import annotations

import hashlib
import re
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

MODEL_FILE = "ggml-tiny.en.bin"
SERVER_CHUNK = 64 * 1024
SERVER_LIFETIME_SECONDS = 120


@dataclass
class ServedRequest:
    path: str
    range_header: str | None
    status: int
    bytes_sent: int


class ModelServer:
    """Serves `files` with Range support; `mode` and the knobs below make it misbehave on purpose."""

    def __init__(self, files: dict[str, bytes]) -> None:
        self.files = files
        self.mode = "normal"  # or "ignore-range", "wrong-bytes", "404"
        self.drop_first_after: int | None = None  # close the first connection after this many body bytes
        self.drop_once_after: dict[str, int] = {}  # file -> close its next connection after this many body bytes
        self.chunk_delay = 0.0
        self.requests: list[ServedRequest] = []
        self.stopping = threading.Event()
        handler = type("Handler", (_Handler,), {"model_server": self})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_port}/"
        self._thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        # Stops by itself even if a test forgets to.
        self._deadline = threading.Timer(SERVER_LIFETIME_SECONDS, self.stop)
        self._deadline.daemon = True

    def start(self) -> ModelServer:
        self._thread.start()
        self._deadline.start()
        return self

    def stop(self) -> None:
        if not self.stopping.is_set():
            self.stopping.set()
            self.httpd.shutdown()
            self.httpd.server_close()
            self._deadline.cancel()


class _Handler(BaseHTTPRequestHandler):
    model_server: ModelServer
    timeout = 10

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        server = self.model_server
        range_header = self.headers.get("Range")
        data = server.files.get(self.path.lstrip("/"))
        if data is None or server.mode == "404":
            self.send_error(404)
            server.requests.append(ServedRequest(self.path, range_header, 404, 0))
            return
        if server.mode == "wrong-bytes":
            data = corrupted(data)
        start, status = 0, 200
        if range_header and server.mode != "ignore-range":
            start, status = int(re.fullmatch(r"bytes=(\d+)-", range_header).group(1)), 206
            if start >= len(data):
                self.send_response(416)
                self.send_header("Content-Range", f"bytes */{len(data)}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                server.requests.append(ServedRequest(self.path, range_header, 416, 0))
                return
        body = data[start:]
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Accept-Ranges", "bytes")
        if status == 206:
            self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        self.end_headers()
        limit = server.drop_once_after.pop(self.path.lstrip("/"), None) or server.drop_first_after or len(body)
        server.drop_first_after = None
        sent = 0
        while sent < min(limit, len(body)) and not server.stopping.is_set():
            piece = body[sent : min(sent + SERVER_CHUNK, limit)]
            try:
                self.wfile.write(piece)
            except OSError:
                break
            sent += len(piece)
            if server.chunk_delay and server.stopping.wait(server.chunk_delay):
                break
        server.requests.append(ServedRequest(self.path, range_header, status, sent))


def hub_folder_files(repository: str, folder: Path) -> dict[str, bytes]:
    """A model folder's files at the paths the Hugging Face hub serves them: `<repository>/resolve/main/<file>`."""
    return {f"{repository}/resolve/main/{path.name}": path.read_bytes() for path in folder.iterdir() if path.is_file()}


def corrupted(data: bytes) -> bytes:
    middle = len(data) // 2
    return data[:middle] + bytes(byte ^ 0xFF for byte in data[middle : middle + 16]) + data[middle + 16 :]


def sha1(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()
