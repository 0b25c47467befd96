"""scripts/netlink.py, the phone link the network benchmark puts between the browser and nginx:
bytes pass unchanged, and no connection gets them faster than the link allows — one shared
link, with its round trips. (Only lower bounds: a loaded machine may be slower, never faster.)"""

from __future__ import annotations

import importlib.util
import socket
import socketserver
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType

import pytest

SIZE = 200_000
BITS = 4e6  # 500 kB/s: 0.4 s for SIZE
RTT_MS = 100


def _netlink() -> ModuleType:
    path = Path(__file__).resolve().parents[2] / "scripts" / "netlink.py"
    spec = importlib.util.spec_from_file_location("netlink", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class _Answer(socketserver.BaseRequestHandler):
    """Reads one line, answers it followed by SIZE bytes derived from it, then closes."""

    def handle(self) -> None:
        line = b""
        while not line.endswith(b"\n"):
            line += self.request.recv(64)
        self.request.sendall(line + _body(line))


def _body(line: bytes) -> bytes:
    return (line * (SIZE // len(line) + 1))[:SIZE]


@contextmanager
def _link() -> Iterator[int]:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Answer)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        link = _netlink().Link(server.server_address[1], BITS, BITS, RTT_MS)
        with link.running() as running:
            yield running.port
    finally:
        server.shutdown()
        server.server_close()


def _fetch(port: int, line: bytes, out: dict[bytes, bytes]) -> None:
    with socket.create_connection(("127.0.0.1", port)) as conn:
        conn.sendall(line)
        data = b""
        while chunk := conn.recv(65536):
            data += chunk
    out[line] = data


@pytest.mark.parametrize("parallel", [1, 3])
def test_the_link_passes_bytes_unchanged_and_never_faster_than_it_allows(parallel: int) -> None:
    lines = [f"request {i}\n".encode() for i in range(parallel)]
    got: dict[bytes, bytes] = {}
    with _link() as port:
        start = time.monotonic()
        threads = [threading.Thread(target=_fetch, args=(port, line, got)) for line in lines]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        elapsed = time.monotonic() - start
    assert got == {line: line + _body(line) for line in lines}
    # One link for all: every byte through it at its rate, after the handshake and the request's
    # and the answer's half round trips.
    floor = parallel * (SIZE + len(lines[0])) * 8 / BITS + 2 * RTT_MS / 1000
    assert elapsed >= floor, (elapsed, floor)
