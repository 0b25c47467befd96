"""A trap for requests that would leave 127.0.0.1.

Classic WebDriver has no request interception, so each engine is told to send everything but
127.0.0.1 through this "proxy". It never connects anywhere: it records the request line
(``CONNECT host:443`` or ``GET http://host/path``) and answers 403, so a stray request is
both caught and kept on this machine.
"""

from __future__ import annotations

import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class _Trap(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.seen: list[str] = []
        self.lock = threading.Lock()


class _Handler(socketserver.StreamRequestHandler):
    server: _Trap

    def handle(self) -> None:
        line = self.rfile.readline(8192).decode("latin-1").strip()
        while self.rfile.readline(8192).strip():  # the headers: read, not needed
            pass
        if line:
            with self.server.lock:
                self.server.seen.append(line)
        self.wfile.write(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n"
                         b"Connection: close\r\n\r\n")


class Offsite:
    """What the trap caught; ``address`` is its ``host:port`` for the engines' proxy settings."""

    def __init__(self, trap: _Trap) -> None:
        self._trap = trap
        self.address = f"127.0.0.1:{trap.server_address[1]}"

    def take(self) -> list[str]:
        """The request lines caught since the last call."""
        with self._trap.lock:
            seen, self._trap.seen[:] = list(self._trap.seen), []
        return seen


@contextmanager
def trapping() -> Iterator[Offsite]:
    trap = _Trap()
    thread = threading.Thread(target=trap.serve_forever, daemon=True)
    thread.start()
    try:
        yield Offsite(trap)
    finally:
        trap.shutdown()
        trap.server_close()
        thread.join()
