"""Run the production nginx configuration (deploy/nginx.conf) over a built site on 127.0.0.1,
as the current user: ``make preview`` and the deploy tests. ``make preview`` serves only a
complete build: one whose files match its ``.complete`` stamp (generator/serve/atomic_build.py).

Only the lines of deploy/nginx.conf marked ``preview:`` are rewritten (user, pid, logs, listen,
root); temp folders go under a scratch directory. Every rewrite must match exactly once, so an
edit to the shipped file that breaks the preview fails loudly instead of serving something else.

    python -m generator.serve.preview [SITE] [PORT]
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from generator.serve import atomic_build

ROOT = Path(__file__).resolve().parents[2]
CONF = ROOT / "deploy" / "nginx.conf"
TEMPS = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")


class PreviewError(Exception):
    pass


def render(conf: str, site: Path, port: int, scratch: Path) -> str:
    """deploy/nginx.conf with the preview lines filled in for ``site``, ``port``, ``scratch``."""
    temps = "".join(f"    {name}_temp_path {scratch / name};\n" for name in TEMPS)
    rewrites = [
        # As root, workers would run as "nobody", who cannot read a private temp folder.
        (r"^user [^;]+;.*\n", "user root;\n" if os.geteuid() == 0 else ""),
        (r"^pid [^;]+;", f"pid {scratch / 'nginx.pid'};"),
        (r"^error_log [^;]+;", f"error_log {scratch / 'error.log'};"),
        (r"^    access_log [^;]+;", f"    access_log {scratch / 'access.log'};\n{temps}"),
        (r"^        listen 80;", f"        listen 127.0.0.1:{port};"),
        (r"^        root [^;]+;", f"        root {site.resolve()};"),
    ]
    for pattern, replacement in rewrites:
        literal = replacement.replace("\\", "\\\\")  # a path is not a regex template
        conf, count = re.subn(pattern, literal, conf, flags=re.MULTILINE)
        if count != 1:
            raise PreviewError(f"{CONF}: expected one line matching {pattern!r}, found {count}")
    return conf


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Nginx:
    url: str
    conf: Path
    scratch: Path


def _wait(url: str, process: subprocess.Popen[bytes], scratch: Path) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log = (scratch / "error.log").read_text(errors="replace") \
                if (scratch / "error.log").is_file() else ""
            raise PreviewError(f"nginx exited with {process.returncode}: {log}")
        with contextlib.suppress(OSError):
            urllib.request.urlopen(url, timeout=1).close()
            return
        time.sleep(0.05)
    raise PreviewError(f"nginx did not answer at {url}")


PORT_TRIES = 5  # a port the OS chose may be taken before nginx binds it (parallel tests)


class _PortTaken(PreviewError):
    pass


def _start(binary: str, site: Path, port: int, conf: Path,
           scratch: Path) -> tuple[subprocess.Popen[bytes], Path]:
    """nginx started on ``port`` and answering; _PortTaken if another process holds the port."""
    rendered = scratch / "nginx.conf"
    rendered.write_text(render(conf.read_text(encoding="utf-8"), site, port, scratch),
                        encoding="utf-8")
    test = subprocess.run([binary, "-t", "-p", str(scratch), "-c", str(rendered)],
                          capture_output=True, text=True, check=False)
    if test.returncode != 0:
        raise PreviewError(f"nginx -t failed:\n{test.stderr}")
    (scratch / "error.log").unlink(missing_ok=True)  # what this start says, not an earlier one
    process = subprocess.Popen([binary, "-p", str(scratch), "-c", str(rendered),
                                "-g", "daemon off;"])
    try:
        _wait(f"http://127.0.0.1:{port}/", process, scratch)
    except PreviewError as error:
        _end(process)
        raise (_PortTaken(str(error)) if "Address already in use" in str(error) else error) \
            from None
    return process, rendered


def _end(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def running(site: Path, port: int = 0, conf: Path = CONF) -> Iterator[Nginx]:
    """nginx in the foreground on 127.0.0.1 serving ``site`` for the duration of the block,
    with ``conf`` (deploy/nginx.conf; another version of it for a comparison). Port 0: one the
    OS chose, another if that one is taken before nginx binds it."""
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(binary).is_file():
        raise PreviewError("nginx is not installed: run `make deploy-deps`")
    with tempfile.TemporaryDirectory(prefix="qz-nginx-") as tmp:
        scratch = Path(tmp)
        for name in TEMPS:
            (scratch / name).mkdir()
        for attempt in range(1 if port else PORT_TRIES):
            chosen = port or free_port()
            try:
                process, rendered = _start(binary, site, chosen, conf, scratch)
                break
            except _PortTaken:
                if port or attempt == PORT_TRIES - 1:
                    raise
        try:
            yield Nginx(f"http://127.0.0.1:{chosen}/", rendered, scratch)
        finally:
            _end(process)


def _stop(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # leave running() through its finally: nginx stops with us


def main(argv: list[str]) -> int:
    site = Path(argv[0] if argv else "site")
    port = int(argv[1]) if len(argv) > 1 else 8080
    try:
        atomic_build.check(site, atomic_build.data_folder())
    except atomic_build.Incomplete as error:
        print(f"preview: {error}", file=sys.stderr)
        return 1
    signal.signal(signal.SIGTERM, _stop)
    try:
        with running(site, port) as nginx:
            print(f"nginx (deploy/nginx.conf) serving {site} at {nginx.url} (Ctrl+C stops)")
            with contextlib.suppress(KeyboardInterrupt):
                while True:
                    time.sleep(3600)
    except PreviewError as error:
        print(f"preview: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
