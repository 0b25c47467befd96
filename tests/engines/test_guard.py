"""The suite's own guards hold in each engine: it drives Debian's builds, and a request off
127.0.0.1 is caught (so that tests passing with nothing caught means something)."""

from __future__ import annotations

import subprocess
import time

import pytest

from generator.serve.static_server import Server

from .drivers import Engine
from .offsite import Offsite

pytestmark = pytest.mark.engines

PACKAGES = {"firefox-esr": "firefox-esr", "webkitgtk": "libwebkit2gtk-4.1-0"}


def test_the_engine_is_debians(engine: Engine) -> None:
    """The version the engine reports is the one of Debian's package (e.g. 153.8.0 of
    153.8.0esr-1~deb12u1, 2.50.6 of 2.50.6-1~deb12u2): nothing downloaded stands in for it."""
    package = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", PACKAGES[engine.name]],
                             capture_output=True, text=True, check=True).stdout
    assert package.startswith(engine.version), (engine.name, engine.version, package)


def test_a_request_off_127_0_0_1_is_caught(engine: Engine, engine_server: Server,
                                           offsite: Offsite) -> None:
    engine.goto(engine_server.url)
    assert offsite.take() == []
    # .example is reserved (RFC 2606); the trap answers it and nothing leaves this machine.
    # One request from the page, one from a worker (the calculator's runtime lives in one).
    engine.js("""
      const probe = 'fetch("http://qz-offsite.example/worker", {mode: "no-cors"}).catch(() => {});';
      new Worker(URL.createObjectURL(new Blob([probe], {type: "text/javascript"})));
      fetch("http://qz-offsite.example/page", {mode: "no-cors"}).catch(() => {});
    """)
    caught: list[str] = []
    deadline = time.monotonic() + 10
    while len(caught) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
        caught += offsite.take()
    for where in ("page", "worker"):
        assert any(f"qz-offsite.example/{where} " in line for line in caught), (where, caught)


def test_a_script_error_is_caught(engine: Engine, engine_server: Server) -> None:
    engine.goto(engine_server.url)
    engine.js("setTimeout(() => { throw new Error('qz-probe'); }, 0);")
    seen: list[str] = []
    deadline = time.monotonic() + 10
    while not seen and time.monotonic() < deadline:
        time.sleep(0.05)
        seen += engine.errors()
    assert any("qz-probe" in error for error in seen), seen
