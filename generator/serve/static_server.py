"""A static server for the built site as production should serve it: gzip siblings (``x.gz``)
when the browser accepts them, content-hashed files cached as immutable, the rest revalidated,
``.wasm`` and ``.mjs`` with the right types. For the browser tests and the benchmark; it binds to
127.0.0.1 only.

    python -m generator.serve.static_server site [PORT]
"""

from __future__ import annotations

import contextlib
import email.utils
import functools
import http.server
import os
import re
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ClassVar

# A content hash in the name (bundle.a5f9d56c.min.js, calculator.686a7fc3ec.js) or in a folder
# (assets/pyodide/314.0.7-49e8d97211/): the URL changes whenever the bytes do.
HASHED = re.compile(r"\.[0-9a-f]{8,}\.|/\d+\.\d+\.\d+-[0-9a-f]{10}/")
ENCODINGS = (("zstd", ".zst"), ("gzip", ".gz"))  # preferred first: zstd decodes faster
TYPES = {".mjs": "text/javascript", ".js": "text/javascript", ".wasm": "application/wasm",
         ".json": "application/json", ".whl": "application/zip", ".zip": "application/zip",
         ".bin": "application/octet-stream"}


class Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,  # noqa: RUF012
                      **TYPES}
    mounts: ClassVar[dict[str, Path]] = {}  # URL prefix → another folder (the naive page)
    immutable: ClassVar[tuple[str, ...]] = ()  # URL prefixes cached as immutable, any name

    def translate_path(self, path: str) -> str:
        for prefix, folder in self.mounts.items():
            if path.startswith(prefix):
                rest = path[len(prefix):].split("?", 1)[0].split("#", 1)[0]
                return str(folder / rest.lstrip("/"))
        return super().translate_path(path)

    def send_head(self):  # type: ignore[no-untyped-def]
        path = Path(self.translate_path(self.path))
        header = self.headers.get("Accept-Encoding", "")
        accepted = {part.split(";")[0].strip() for part in header.split(",")}
        found = [(enc, path.with_name(path.name + ext)) for enc, ext in ENCODINGS
                 if enc in accepted and path.is_file()]
        found = [(enc, packed) for enc, packed in found if packed.is_file()]
        if not found:
            return super().send_head()
        encoding, gz = found[0]
        stat = gz.stat()
        modified = email.utils.formatdate(path.stat().st_mtime, usegmt=True)
        if self.headers.get("If-Modified-Since") == modified:
            self.send_response(http.HTTPStatus.NOT_MODIFIED)
            self.end_headers()
            return None
        handle = gz.open("rb")
        self.send_response(http.HTTPStatus.OK)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", encoding)
        self.send_header("Content-Length", str(stat.st_size))
        self.send_header("Last-Modified", modified)
        self.end_headers()
        return handle

    def end_headers(self) -> None:
        path = self.path.split("?", 1)[0]
        immutable = HASHED.search(path) or path.startswith(self.immutable)
        self.send_header("Cache-Control", "public, max-age=31536000, immutable" if immutable
                         else "no-cache")
        self.send_header("Vary", "Accept-Encoding")
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/"


@contextmanager
def serving(root: Path, port: int = 0, mounts: dict[str, Path] | None = None,
            immutable: tuple[str, ...] = (), handler: type[Handler] = Handler,
            **attributes: Any) -> Iterator[Server]:
    """Serve ``root`` on 127.0.0.1 in a background thread for the duration of the block;
    ``handler`` (a Handler) gets ``attributes`` as class attributes of its own copy."""
    bound = type("BoundHandler", (handler,), {"mounts": dict(mounts or {}),
                                              "immutable": immutable, **attributes})
    server = Server(("127.0.0.1", port), functools.partial(bound, directory=os.fspath(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def main(argv: list[str]) -> int:
    root = Path(argv[0] if argv else "site")
    with serving(root, int(argv[1]) if len(argv) > 1 else 8000) as server:
        print(f"serving {root} at {server.url} (Ctrl+C stops)")
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
