"""`make serve` on a port another program holds says so in both languages, names the port and a
free one to use instead (`make serve PORT=…`), and ends without a traceback, before building."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator

import pytest

from calc import bilingual
from generator.serve import dev_server

from .conftest import ROOT


@pytest.fixture
def taken() -> Iterator[int]:
    """A port of 127.0.0.1 that another program listens on (chosen by the OS)."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        yield int(holder.getsockname()[1])


def test_make_serve_on_a_taken_port_names_it_and_a_free_one(taken: int) -> None:
    done = subprocess.run(["make", "--no-print-directory", "serve", "HOST=127.0.0.1",
                           f"PORT={taken}"], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, check=False,
                          env={**os.environ, "MAKEFLAGS": ""})
    output = done.stdout + done.stderr
    assert done.returncode != 0
    other = dev_server.free_after(dev_server.address("127.0.0.1") or pytest.fail(), taken)
    said = bilingual("serve.port_busy", host="127.0.0.1", port=taken, other=other)
    assert said["zh"] in output and said["en"] in output, output
    assert f"make serve PORT={other}" in output
    assert "Traceback" not in output and "OSError" not in output
    assert "Building documentation" not in output  # refused before a build, not after it


@pytest.mark.parametrize("port", ["abc", "0", "70000", "-1"])
def test_a_port_that_is_no_port_is_refused_in_both_languages(port: str) -> None:
    done = subprocess.run([sys.executable, "-m", "generator.serve.dev_server", "127.0.0.1",
                           port], cwd=ROOT, capture_output=True, text=True, timeout=60,
                          check=False)
    assert done.returncode == 2
    said = bilingual("serve.bad_port", port=port)
    assert done.stderr.strip().splitlines() == [said["zh"], said["en"]]


def test_an_address_not_of_this_machine_is_refused() -> None:
    assert dev_server.problem("192.0.2.1", "8000") == bilingual("serve.bad_host", host="192.0.2.1")


def test_a_free_port_is_no_problem_and_a_taken_one_is(taken: int) -> None:
    assert dev_server.problem("127.0.0.1", str(taken)) is not None
    with socket.socket() as probe:  # a port the OS just gave out and nobody holds
        probe.bind(("127.0.0.1", 0))
        free = int(probe.getsockname()[1])
    assert dev_server.problem("127.0.0.1", str(free)) is None
