"""deploy/nginx.conf run by Debian's nginx over the freshly built site: the headers a browser
gets (CSP exactly as shipped, immutable hashed assets, revalidated HTML, wasm and module types)
and the build's precompressed .br/.gz files served when accepted."""

from __future__ import annotations

import gzip
import http.client
import os
import re
import shutil
import socket
import urllib.error
import urllib.request
from email.message import Message
from pathlib import Path

import brotli  # type: ignore[import-untyped]
import pytest

from generator.serve import preview
from generator.serve.preview import CONF, Nginx, PreviewError, free_port, render, running

from .markup import active_markup

pytestmark = pytest.mark.browser  # needs nginx like the browser suite needs chromium

CSP = ("default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; "
       "img-src 'self' data:; font-src 'self'; connect-src 'self' blob:; worker-src 'self'; "
       "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
SECURITY = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    "X-Frame-Options": "DENY",
}
IMMUTABLE = "public, max-age=31536000, immutable"


def fetch(url: str, encoding: str = "") -> tuple[int, dict[str, str], bytes]:
    """Status, headers (one sent twice, as Vary may be, joined by ", ") and body."""
    request = urllib.request.Request(url, headers={"Accept-Encoding": encoding})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:  # our own 127.0.0.1
            return answer.status, _headers(answer.headers), answer.read()
    except urllib.error.HTTPError as error:
        return error.code, _headers(error.headers), error.read()


def _headers(message: Message) -> dict[str, str]:
    return {name: ", ".join(message.get_all(name) or []) for name in message}


def one(site: Path, pattern: str) -> str:
    """The site path of the one built file matching ``pattern`` (a glob)."""
    found = sorted(p for p in site.glob(pattern) if p.suffix not in {".br", ".gz"})
    assert found, pattern
    return found[0].relative_to(site).as_posix()


def test_the_shipped_csp_is_the_one_tested_and_allows_no_inline_code_or_eval() -> None:
    conf = CONF.read_text(encoding="utf-8")
    assert f'"1" "{CSP}";' in conf and "add_header Content-Security-Policy $qz_csp always;" in conf
    assert "unsafe-inline" not in CSP and "'unsafe-eval'" not in CSP


@pytest.mark.parametrize("path", ["", "en/", "measures/3.1/", "en/glossary/", "how-to-apply/",
                                  "does-not-exist/"])
def test_pages_revalidate_and_carry_every_security_header(nginx, path: str) -> None:
    status, headers, body = fetch(nginx.url + path)
    assert status == (404 if path.startswith("does-not") else 200)
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert headers["Cache-Control"] == "no-cache"
    for name, value in SECURITY.items():
        assert headers[name] == value, name
    assert b"</html>" in body


@pytest.mark.parametrize(("pattern", "mime"), [
    ("assets/javascripts/bundle.*.min.js", "text/javascript; charset=utf-8"),
    ("assets/javascripts/workers/search.*.min.js", "text/javascript; charset=utf-8"),
    ("assets/stylesheets/main.*.min.css", "text/css; charset=utf-8"),
    ("assets/calc/calculator.*.js", "text/javascript; charset=utf-8"),
    ("assets/calc/calc-worker.*.js", "text/javascript; charset=utf-8"),
    ("assets/calc/calculator.*.css", "text/css; charset=utf-8"),
    ("assets/pyodide/*/pyodide.asm.wasm", "application/wasm"),
    ("assets/pyodide/*/pyodide.mjs", "text/javascript; charset=utf-8"),
    ("assets/pyodide/*/pyodide.asm.mjs", "text/javascript; charset=utf-8"),
    ("assets/pyodide/*/pyodide-lock.json", "application/json; charset=utf-8"),
    ("assets/pyodide/*/*.whl", "application/zip"),
])
def test_hashed_assets_are_immutable_with_their_type(nginx, built_site: Path, pattern: str,
                                                     mime: str) -> None:
    path = one(built_site, pattern)
    status, headers, body = fetch(nginx.url + path)
    assert status == 200
    assert headers["Cache-Control"] == IMMUTABLE
    assert headers["Content-Type"] == mime
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert body == (built_site / path).read_bytes()


@pytest.mark.parametrize("path", ["search/search_index.json", "assets/qz.css",
                                  "assets/javascripts/qz-head.js"])
def test_unhashed_files_revalidate(nginx, path: str) -> None:
    status, headers, _ = fetch(nginx.url + path)
    assert status == 200 and headers["Cache-Control"] == "no-cache"


@pytest.mark.parametrize("pattern", ["index.html", "en/measures/3.1/index.html",
                                     "assets/javascripts/bundle.*.min.js",
                                     "assets/pyodide/*/pyodide.asm.wasm",
                                     "assets/pyodide/*/python_stdlib.zip",
                                     "search/search_index.json"])
def test_precompressed_files_are_served_when_accepted(nginx, built_site: Path,
                                                      pattern: str) -> None:
    path = one(built_site, pattern)
    raw = (built_site / path).read_bytes()
    url = nginx.url + path.removesuffix("index.html")
    _, br_headers, packed = fetch(url, "gzip, deflate, br")
    assert br_headers["Content-Encoding"] == "br"
    # the home page also varies by language (an English browser is sent to /en/)
    vary = {v.strip() for v in br_headers["Vary"].split(",")}
    assert vary == ({"Accept-Encoding", "Accept-Language", "Cookie", "Referer"}
                    if path == "index.html" else {"Accept-Encoding"}), vary
    assert brotli.decompress(packed) == raw
    assert len(packed) < len(raw)
    _, gz_headers, packed = fetch(url, "gzip")
    assert gz_headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed) == raw
    _, plain_headers, body = fetch(url, "")
    assert "Content-Encoding" not in plain_headers and body == raw
    for headers in (br_headers, gz_headers, plain_headers):  # same headers, any encoding
        assert headers["Content-Security-Policy"] == CSP
        assert headers["Cache-Control"] == plain_headers["Cache-Control"]


def test_every_compressible_file_has_fresh_siblings(built_site: Path) -> None:
    pages = sorted(built_site.rglob("*.html"))
    assert len(pages) > 50
    for page in pages:
        raw = page.read_bytes()
        assert brotli.decompress(page.with_name(page.name + ".br").read_bytes()) == raw, page
        assert gzip.decompress(page.with_name(page.name + ".gz").read_bytes()) == raw, page


def test_no_page_has_inline_script_style_or_handlers(built_site: Path) -> None:
    for page in built_site.rglob("*.html"):
        found = active_markup(page.read_text(encoding="utf-8"))
        assert not found, (page, found[:3])


def test_the_preview_rewrites_only_the_marked_lines(tmp_path: Path) -> None:
    conf = CONF.read_text(encoding="utf-8")
    port = free_port()
    preview = render(conf, tmp_path / "site", port, tmp_path)
    assert f"listen 127.0.0.1:{port};" in preview and f"root {tmp_path / 'site'};" in preview
    assert f"pid {tmp_path / 'nginx.pid'};" in preview and "/var/log" not in preview
    kept = [line for line in conf.splitlines() if "preview:" not in line]
    assert all(line in preview.splitlines() for line in kept)  # nothing else changed
    with pytest.raises(PreviewError, match="listen"):
        render(re.sub(r"listen 80;", "listen 8080;", conf), tmp_path, port, tmp_path)


def test_a_port_taken_before_nginx_binds_it_is_exchanged_for_another(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The OS chose a free port, but something else bound it before nginx did (another test
    worker's server, a browser's connection): nginx starts on another one."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<p>served</p>", encoding="utf-8")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = taken.getsockname()[1]
        chosen = iter([busy])
        monkeypatch.setattr(preview, "free_port", lambda: next(chosen, 0) or free_port())
        with running(site) as nginx:
            assert nginx.url != f"http://127.0.0.1:{busy}/"
            status, _, body = fetch(nginx.url)
            assert status == 200 and b"<p>served</p>" in body


# ---------------------------------------------------------------- error answers, redirects, limits


def raw(nginx: Nginx, path: str, **headers: str) -> tuple[int, list[tuple[str, str]]]:
    """Status and every header line as sent, repeats included (a dict would hide them)."""
    connection = http.client.HTTPConnection("127.0.0.1", int(nginx.url.rsplit(":", 1)[1][:-1]),
                                            timeout=10)
    try:
        connection.request("GET", "/" + path, headers=headers)
        answer = connection.getresponse()
        answer.read()
        return answer.status, answer.getheaders()
    finally:
        connection.close()


def assert_headers_once(lines: list[tuple[str, str]], cache_control: str) -> None:
    for name, value in [*SECURITY.items(), ("Cache-Control", cache_control)]:
        sent = [v for n, v in lines if n.lower() == name.lower()]
        assert sent == [value], (name, sent)


@pytest.mark.parametrize("pattern", ["assets/pyodide/*/pyodide.mjs", "index.html",
                                     "assets/javascripts/bundle.*.min.js"])
def test_an_unsatisfiable_range_gets_one_set_of_headers_and_is_not_immutable(
        nginx, built_site: Path, pattern: str) -> None:
    path = one(built_site, pattern)
    size = (built_site / path).stat().st_size
    status, lines = raw(nginx, path, Range=f"bytes={size + 10}-")
    assert status == 416
    assert_headers_once(lines, "no-cache")
    status, lines = raw(nginx, path, Range="bytes=0-9")  # a part: revalidated, headers once
    assert status == 206
    assert_headers_once(lines, "no-cache")


def test_a_runtime_folder_is_forbidden_without_immutable(nginx, built_site: Path) -> None:
    folder = one(built_site, "assets/pyodide/*/pyodide.mjs").rsplit("/", 1)[0] + "/"
    status, lines = raw(nginx, folder)
    assert status == 403
    assert_headers_once(lines, "no-cache")
    status, lines = raw(nginx, "assets/pyodide/0.0.0-0000000000/missing.js")
    assert status == 404
    assert_headers_once(lines, "no-cache")


@pytest.mark.parametrize(("path", "location"), [("en", "/en/"), ("measures/3.1", "/measures/3.1/"),
                                                ("en/glossary", "/en/glossary/")])
def test_a_folder_without_slash_redirects_by_path_only(nginx, path: str, location: str) -> None:
    status, lines = raw(nginx, path, Host="example.gov.cn")
    assert status == 301
    assert [v for n, v in lines if n == "Location"] == [location]
    assert_headers_once(lines, "no-cache")


def test_source_maps_and_dot_files_are_not_served(built_site: Path, tmp_path: Path) -> None:
    # The session's site is shared and read-only: the stamp goes into a copy (hard links).
    site = tmp_path / "site"
    shutil.copytree(built_site, site, copy_function=os.link)
    maps = sorted(site.rglob("*.map"))
    assert maps  # the theme ships its maps: what is tested here is that nginx keeps them
    stamp = site / ".complete"
    stamp.unlink(missing_ok=True)  # a link: a file of this copy's own instead
    stamp.write_text('{"files": 0, "tree": "qz-test-stamp"}', encoding="utf-8")
    with running(site) as nginx:
        for path in [*maps, stamp]:
            name = path.relative_to(site).as_posix()
            for encoding in ("", "br", "gzip"):
                status, _, body = fetch(nginx.url + name, encoding)
                assert status == 404, (name, encoding)  # the site's 404 page, maybe compressed
                assert path.read_bytes() not in body


def test_one_address_gets_at_most_64_requests_at_once(nginx, built_site: Path) -> None:
    """Requests whose answers are not read stay in progress: the 65th from the same address is
    refused at once (429), another address is still served."""
    wasm = one(built_site, "assets/pyodide/*/pyodide.asm.wasm")
    port = int(nginx.url.rsplit(":", 1)[1][:-1])
    held: list[socket.socket] = []
    try:
        for _ in range(64):
            sock = socket.socket()
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # the answer stalls
            sock.bind(("127.0.0.3", 0))
            sock.connect(("127.0.0.1", port))
            sock.sendall(f"GET /{wasm} HTTP/1.1\r\nHost: qz\r\n\r\n".encode())
            assert sock.recv(12) == b"HTTP/1.1 200"
            held.append(sock)
        extra = socket.create_connection(("127.0.0.1", port), timeout=10,
                                         source_address=("127.0.0.3", 0))
        held.append(extra)
        extra.sendall(b"GET / HTTP/1.1\r\nHost: qz\r\n\r\n")
        assert extra.recv(12) == b"HTTP/1.1 429"
        status, _, _ = fetch(nginx.url)  # 127.0.0.1
        assert status == 200
    finally:
        for sock in held:
            sock.close()


def test_slow_clients_are_let_go_soon() -> None:
    """What scripts/nginx_load.py measured (1,600 half-open connections from one address): a
    short wait for a request's header and body, slots for thousands of connections."""
    conf = CONF.read_text(encoding="utf-8")
    seconds = {name: int(value) for name, value in
               re.findall(r"^\s*(client_header_timeout|client_body_timeout) (\d+)s;", conf,
                          flags=re.MULTILINE)}
    assert seconds.keys() == {"client_header_timeout", "client_body_timeout"}
    assert max(seconds.values()) <= 10
    connections = re.search(r"worker_connections (\d+);", conf)
    assert connections is not None and int(connections.group(1)) >= 4096
