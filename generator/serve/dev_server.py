"""``make serve``: MkDocs' live preview on HOST:PORT, or one clear line (Chinese, English) when
that port is taken or not a port at all, naming a free one to use instead, never a traceback.

    python -m generator.serve.dev_server HOST PORT

MkDocs only binds its port after a whole build and then ends in an ``OSError`` traceback; the
port is tried first here, with the same SO_REUSEADDR its server sets (a port left in TIME_WAIT by
the last run is free).
"""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path

from calc import bilingual

LAST_PORT = 65535


def address(host: str) -> tuple[socket.AddressFamily, str] | None:
    """The family and address ``host`` names; None if it names none."""
    try:
        family, _, _, _, found = socket.getaddrinfo(host, 0, type=socket.SOCK_STREAM)[0]
    except (OSError, UnicodeError):
        return None
    return family, str(found[0])


def busy(where: tuple[socket.AddressFamily, str], port: int) -> bool:
    """Whether another program holds ``port`` there (or it cannot be had at all)."""
    family, host = where
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return True
    return False


def free_after(where: tuple[socket.AddressFamily, str], port: int) -> int | None:
    """The first port above ``port`` that is free (at most 100 tried)."""
    return next((p for p in range(port + 1, min(port + 101, LAST_PORT + 1))
                 if not busy(where, p)), None)


def problem(host: str, raw: str) -> dict[str, str] | None:
    """What stands in the way of serving on ``host``:``raw`` (zh, en); None if nothing."""
    if not raw.isdigit() or not 0 < int(raw) <= LAST_PORT:
        return bilingual("serve.bad_port", port=raw)
    where = address(host)
    if where is None or busy(where, 0):  # no port at all there: not this machine's address
        return bilingual("serve.bad_host", host=host)
    port = int(raw)
    if not busy(where, port):
        return None
    other = free_after(where, port)
    if other is None:
        return bilingual("serve.port_busy_none", host=host, port=port)
    return bilingual("serve.port_busy", host=host, port=port, other=other)


def main(argv: list[str]) -> int:
    host, port = argv
    found = problem(host, port)
    if found is not None:
        print(f"{found['zh']}\n{found['en']}", file=sys.stderr)
        return 2
    mkdocs = Path(sys.executable).with_name("mkdocs")
    os.execv(mkdocs, [str(mkdocs), "serve", "--dev-addr", f"{host}:{port}"])
    return 0  # pragma: no cover - execv does not return


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
