"""A static server for the built site as production serves it, for the browser tests and the
benchmark; it binds to 127.0.0.1 only.

What nginx does with deploy/nginx.conf, for what the tests depend on: the build's ``x.br`` and
``x.gz`` siblings (generator/serve/precompress.py) chosen per request exactly as nginx's
``brotli_static on`` and ``gzip_static on`` choose them (:func:`encoding`: brotli first, then
gzip, each only when its sibling exists; ``Vary: Accept-Encoding`` on every file); the
types of the configuration's ``types`` block with its charset; content-hashed files cached as
immutable, the rest revalidated. tests/deploy/test_nginx.py checks it against nginx itself.
Not served as nginx does: byte ranges (a test that needs them adds them, as test_network does).

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

CONF = Path(__file__).resolve().parents[2] / "deploy" / "nginx.conf"
# A content hash in the name (bundle.a5f9d56c.min.js, calculator.686a7fc3ec.js) or in a folder
# (assets/pyodide/314.0.7-49e8d97211/): the URL changes whenever the bytes do.
HASHED = re.compile(r"\.[0-9a-f]{8,}\.|/\d+\.\d+\.\d+-[0-9a-f]{10}/")


def nginx_types(conf: str) -> dict[str, str]:
    """Suffix → Content-Type from the configuration's ``types`` block, with ``; charset=…``
    for its ``charset_types`` (nginx adds it to those only)."""
    block = re.search(r"^\s*types \{(.*?)\}", conf, flags=re.MULTILINE | re.DOTALL)
    charset = re.search(r"^\s*charset (\S+);", conf, flags=re.MULTILINE)
    with_charset = re.search(r"^\s*charset_types ([^;]+);", conf, flags=re.MULTILINE)
    if block is None or charset is None or with_charset is None:
        raise ValueError(f"{CONF}: no types block, charset or charset_types")
    textual = set(with_charset.group(1).split()) | {"text/html"}  # nginx's default list
    types = {}
    for line in block.group(1).split(";"):
        if not line.strip():
            continue
        mime, *suffixes = line.split()
        for suffix in suffixes:
            extra = f"; charset={charset.group(1)}" if mime in textual else ""
            types[f".{suffix}"] = mime + extra
    return types


def _brotli_accepted(header: str) -> bool:
    """ngx_brotli's static module (check_accept_encoding, the version Debian ships): a "br"
    token not inside another one, refused only by a lower-case ``q=0``, ``q=0.``, … ``q=0.000``."""
    text, lower, at = header + "\0", header.lower(), 0  # nginx's header values end in NUL

    def skip(i: int) -> int:
        while text[i] == " ":
            i += 1
        return i

    while True:
        at = lower.find("br", at)
        if at < 0:
            return False
        before = text[at - 1] if at else " "
        at += 2
        after = text[at] if at < len(header) else " "
        if before in ", " and after in ", ;":
            break
    for expected in ";q=":
        at = skip(at)
        if text[at] != expected:
            return True
        at += 1
    at = skip(at)
    if text[at] != "0":
        return True
    if text[at + 1] != ".":
        return False
    for digit in text[at + 2:at + 5]:
        if not "0" <= digit <= "9":
            return False
        if digit > "0":
            return True
    return False


def _quantity(value: str) -> int:
    """ngx_http_gzip_quantity: q × 1000 as nginx reads it (0: refused or malformed)."""
    if not value or value[0] not in "01":
        return 0
    q = int(value[0]) * 100
    if len(value) == 1 or value[1] in ", ":
        return q
    if value[1] != ".":
        return 0
    digits = 0
    for char in value[2:]:
        if char in ", ":
            break
        if not char.isdigit() or not char.isascii():
            return 0
        q += int(char)
        digits += 1
    return q if q <= 100 and digits <= 3 else 0


def _gzip_accepted(header: str) -> bool:
    """nginx's ngx_http_gzip_accept_encoding: a "gzip" token not inside another one, with no
    ``q=0``."""
    if header.startswith("gzip,"):
        return True
    lower, start = header.lower(), 0
    while True:
        at = lower.find("gzip", start)
        if at < 0:
            return False
        if at == 0 or header[at - 1] in ", ":
            break
        start = at + 4
    rest = header[at + 4:]
    for index, char in enumerate(rest):
        if char == ",":
            return True
        if char == " ":
            continue
        if char != ";":
            return False
        for offset, after in enumerate(rest[index + 1:], index + 1):
            if after in "qQ":
                value = rest[offset + 1:]
                return len(value) >= 2 and value[0] == "=" and _quantity(value[1:]) > 0
            if after != " ":
                return False
        return True
    return True


def encoding(path: Path, accept: str | None, http11: bool = True,
             via: bool = False) -> tuple[str, Path]:
    """What nginx sends for the file ``path`` under deploy/nginx.conf (``brotli_static on``,
    ``gzip_static on``, ``gzip_vary on``, ``gzip_http_version`` 1.1, ``gzip_proxied off``):
    (Content-Encoding or "", the file whose bytes go out). nginx sends ``Vary:
    Accept-Encoding`` with every file either way (brotli_static asks for it before it looks
    for a sibling)."""
    brotli_file = path.with_name(path.name + ".br")
    gzip_file = path.with_name(path.name + ".gz")
    header = accept or ""
    if brotli_file.is_file() and accept is not None and _brotli_accepted(header):
        return "br", brotli_file
    if gzip_file.is_file() and accept is not None and http11 and not via \
            and _gzip_accepted(header):
        return "gzip", gzip_file
    return "", path


TYPES = nginx_types(CONF.read_text(encoding="utf-8"))


class Handler(http.server.SimpleHTTPRequestHandler):
    mounts: ClassVar[dict[str, Path]] = {}  # URL prefix → another folder (the naive page)
    immutable: ClassVar[tuple[str, ...]] = ()  # URL prefixes cached as immutable, any name
    _vary = False  # this response is a file's (nginx: Vary: Accept-Encoding)

    def translate_path(self, path: str) -> str:
        for prefix, folder in self.mounts.items():
            if path.startswith(prefix):
                rest = path[len(prefix):].split("?", 1)[0].split("#", 1)[0]
                return str(folder / rest.lstrip("/"))
        return super().translate_path(path)

    def guess_type(self, path: str | os.PathLike[str]) -> str:
        return TYPES.get(Path(path).suffix, "application/octet-stream")  # nginx's default_type

    def send_head(self):  # type: ignore[no-untyped-def]
        self._vary = False
        path = Path(self.translate_path(self.path))
        if path.is_dir() and self.path.split("?", 1)[0].endswith("/"):
            path = path / "index.html"  # nginx's index: then the static modules see index.html
        if not path.is_file():
            return super().send_head()  # a folder without its slash (301) or a 404
        chosen, served = encoding(path, self.headers.get("Accept-Encoding"),
                                  self.request_version >= "HTTP/1.1", "Via" in self.headers)
        self._vary = True
        stat = served.stat()
        modified = email.utils.formatdate(stat.st_mtime, usegmt=True)
        if self.headers.get("If-Modified-Since") == modified:  # nginx: an exact match
            self.send_response(http.HTTPStatus.NOT_MODIFIED)
            self.end_headers()
            return None
        handle = served.open("rb")
        self.send_response(http.HTTPStatus.OK)
        self.send_header("Content-Type", self.guess_type(path))
        if chosen:
            self.send_header("Content-Encoding", chosen)
        self.send_header("Content-Length", str(stat.st_size))
        self.send_header("Last-Modified", modified)
        self.end_headers()
        return handle

    def end_headers(self) -> None:
        path = self.path.split("?", 1)[0]
        immutable = HASHED.search(path) or path.startswith(self.immutable)
        self.send_header("Cache-Control", "public, max-age=31536000, immutable" if immutable
                         else "no-cache")
        if self._vary:
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
