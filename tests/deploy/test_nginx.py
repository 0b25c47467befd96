"""deploy/nginx.conf run by Debian's nginx over the freshly built site: the headers a browser
gets (CSP exactly as shipped, immutable hashed assets, revalidated HTML, wasm and module types)
and the build's precompressed .br/.gz files served when accepted."""

from __future__ import annotations

import gzip
import re
import urllib.error
import urllib.request
from pathlib import Path

import brotli  # type: ignore[import-untyped]
import pytest

from generator.preview import CONF, PreviewError, free_port, render

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
    request = urllib.request.Request(url, headers={"Accept-Encoding": encoding})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:  # our own 127.0.0.1
            return answer.status, dict(answer.headers.items()), answer.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers.items()), error.read()


def one(site: Path, pattern: str) -> str:
    """The site path of the one built file matching ``pattern`` (a glob)."""
    found = sorted(p for p in site.glob(pattern) if p.suffix not in {".br", ".gz", ".zst"})
    assert found, pattern
    return found[0].relative_to(site).as_posix()


def test_the_shipped_csp_is_the_one_tested_and_allows_no_inline_code_or_eval() -> None:
    conf = CONF.read_text(encoding="utf-8")
    assert f'add_header Content-Security-Policy "{CSP}" always;' in conf
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
    assert br_headers["Vary"] == "Accept-Encoding"
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
