"""The test server (generator/serve/static_server.py, used by the browser tests and `make bench`)
answers as production's nginx (deploy/nginx.conf) does: for the same file and the same request,
the same encoding, bytes, type and Vary — whatever the Accept-Encoding header says."""

from __future__ import annotations

import hashlib
import http.client
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from generator.serve.preview import Nginx
from generator.serve.static_server import Server, serving

pytestmark = pytest.mark.browser  # needs nginx like the browser suite needs chromium

# What browsers send (Chromium over http://127.0.0.1 included), and the corners of nginx's own
# parsing: q-values (read for gzip, not for brotli), tokens inside other tokens, case.
ACCEPT = [None, "", "identity", "gzip", "br", "gzip, deflate", "gzip, deflate, br",
          "gzip, deflate, br, zstd", "br;q=0, gzip", "gzip;q=0", "gzip; q=0.5", "gzip;q=1.5",
          "x-gzip", "GZIP", "BR", "deflate, br;q=1", "abr, gzip", "zstd"]
PATHS = ["", "en/measures/3.1/", "search/search_index.json", "assets/calc/calculator.*.js",
         "assets/pyodide/*/pyodide.asm.wasm", "assets/pyodide/*/snapshot.bin",
         "assets/pyodide/*/calc-*.whl", "assets/qz-pages.json"]
COMPARED = ("Content-Encoding", "Content-Type", "Vary", "Content-Length")
# nginx's home page also varies by the visitor's language (deploy/nginx.conf redirects an English
# browser): the test server is a host without that negotiation (it shows the offer instead,
# tests/deploy/test_english_visitors.py), so those names are not compared.
LANGUAGE_VARY = {"Accept-Language", "Cookie", "Referer"}


def encoding_vary(value: str | None) -> str | None:
    kept = [v.strip() for v in (value or "").split(",") if v.strip() not in LANGUAGE_VARY]
    return ", ".join(v for v in kept if v) or None


@pytest.fixture(scope="module")
def test_server(built_site: Path) -> Iterator[Server]:
    with serving(built_site) as server:
        yield server


def answer(url: str, path: str, accept: str | None,
           **headers: str) -> tuple[int, dict[str, str | None], str]:
    """Status, the compared headers and the sha256 of the body, for a GET sent with exactly
    this Accept-Encoding (None: no such header at all)."""
    address = urlsplit(url)
    connection = http.client.HTTPConnection(address.hostname or "", address.port, timeout=30)
    try:
        connection.putrequest("GET", "/" + path, skip_accept_encoding=True)
        if accept is not None:
            connection.putheader("Accept-Encoding", accept)
        for name, value in headers.items():
            connection.putheader(name, value)
        connection.endheaders()
        response = connection.getresponse()
        body = response.read()
        compared = {name: response.getheader(name) for name in COMPARED}
        compared["Vary"] = encoding_vary(compared["Vary"])
        return response.status, compared, hashlib.sha256(body).hexdigest()
    finally:
        connection.close()


def site_path(site: Path, pattern: str) -> str:
    if "*" not in pattern:
        return pattern
    (found,) = [p for p in site.glob(pattern) if p.suffix not in {".br", ".gz"}]
    return found.relative_to(site).as_posix()


@pytest.mark.parametrize("pattern", PATHS)
def test_the_test_server_picks_what_nginx_picks(nginx: Nginx, test_server: Server,
                                                 built_site: Path, pattern: str) -> None:
    path = site_path(built_site, pattern)
    encodings = set()
    for accept in ACCEPT:
        expected = answer(nginx.url, path, accept)
        assert expected[0] == 200, (path, accept)
        assert answer(test_server.url, path, accept) == expected, (path, accept)
        encodings.add(expected[1]["Content-Encoding"])
    # What the comparison covers: a file with both siblings is served three ways.
    local = built_site / (path or "index.html")
    if local.is_dir():
        local = local / "index.html"
    has = {s for s in (".br", ".gz") if local.with_name(local.name + s).is_file()}
    assert encodings == {None} | {{".br": "br", ".gz": "gzip"}[s] for s in has}, (path, has)


def test_a_proxied_request_gets_no_gzip_as_from_nginx(nginx: Nginx, test_server: Server) -> None:
    """gzip_proxied off: a request through a proxy (Via) gets brotli or the plain file."""
    for accept in ("gzip", "gzip, br"):
        expected = answer(nginx.url, "", accept, Via="1.1 proxy")
        assert answer(test_server.url, "", accept, Via="1.1 proxy") == expected
        assert expected[1]["Content-Encoding"] == ("br" if "br" in accept else None)
