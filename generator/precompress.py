"""MkDocs hook: write brotli (``x.br``) and gzip (``x.gz``) siblings of every compressible file in
the built site, for nginx's ``brotli_static`` and ``gzip_static`` (deploy/nginx.conf): the
server never compresses at request time.

Compressed bytes are cached by content hash under ``.cache/qz-precompress/``, so a rebuild only
compresses what changed (the 9.6 MB wasm once, not on every build); the cache is kept under a
size limit, least recently used first (generator/cache_trim.py). ``mkdocs serve`` skips it.
Registered in mkdocs.yml under ``hooks:``.
"""

from __future__ import annotations

import gzip
import os
import shutil
import time
from pathlib import Path

import brotli  # type: ignore[import-untyped]
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority, get_plugin_logger

from generator.cache_trim import trim, used  # a hook file: absolute imports
from generator.pyodide_build import sha256

log = get_plugin_logger(__name__)

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".cache" / "qz-precompress"
SUFFIXES = frozenset({".html", ".css", ".js", ".mjs", ".json", ".wasm", ".zip", ".whl",
                      ".bin", ".svg", ".xml", ".txt", ".map", ".ico"})
MIN_BYTES = 512  # below this the header overhead outweighs the gain
# Brotli's top quality costs ~0.2 s for a 40 kB page and minutes for the 13 MB snapshot: it is
# kept for the theme and calculator assets (rarely changed, cached), pages get quality 9 (~10 %
# larger, ~10× faster) so a data edit rebuilds quickly.
LARGE = 1 << 20

_command: list[str] = []  # the mkdocs command of this process (build / serve / gh-deploy)
_started: list[float] = []  # when this process started building: its cache entries stay
_done: dict[Path, tuple[int, int]] = {}  # path → (mtime_ns, size) already handled this process


def on_startup(command: str, dirty: bool) -> None:
    _command[:] = [command]
    _started[:] = [time.time()]


def _packed(path: Path, digest: str, suffix: str) -> Path:
    """The cached compressed bytes of ``path`` for ``suffix`` (.br or .gz), made when missing."""
    # The calculator's runtime files a first visit needs change only with Pyodide or calc:
    # quality 11 and a 16 MB window make the wasm 11 % smaller (2.77 MB, not 3.10; ≈30 s
    # once, then cached). The snapshot (a new one per data edit) stays at 9.
    runtime = "pyodide" in path.parts and path.suffix != ".bin"
    cached = CACHE / f"{digest[:40]}{'.w24' if runtime and suffix == '.br' else ''}{suffix}"
    if cached.is_file():
        return used(cached)
    CACHE.mkdir(parents=True, exist_ok=True)
    data = path.read_bytes()
    if suffix == ".br":
        quality = 11 if "assets" in path.parts and (len(data) <= LARGE or runtime) else 9
        packed = brotli.compress(data, quality=quality, lgwin=24 if runtime else 22)
    else:
        packed = gzip.compress(data, compresslevel=9, mtime=0)  # mtime 0: reproducible
    tmp = cached.with_name(cached.name + f".{os.getpid()}.tmp")
    tmp.write_bytes(packed)
    tmp.replace(cached)
    return cached


def precompress(site: Path) -> int:
    """Give each compressible file of ``site`` its .br and .gz siblings (kept only when smaller
    than the file; a stale sibling is removed). Returns how many files were written."""
    written = 0
    for path in sorted(site.rglob("*")):
        if path.suffix not in SUFFIXES or not path.is_file():
            continue
        stat = path.stat()
        if stat.st_size < MIN_BYTES or _done.get(path) == (stat.st_mtime_ns, stat.st_size):
            continue
        digest = sha256(path)
        for suffix in (".br", ".gz"):
            sibling = path.with_name(path.name + suffix)
            packed = _packed(path, digest, suffix)
            sibling.unlink(missing_ok=True)
            if packed.stat().st_size < stat.st_size:
                shutil.copyfile(packed, sibling)
                written += 1
        _done[path] = (stat.st_mtime_ns, stat.st_size)
    return written


@event_priority(-120)  # after static-i18n (-100) and the search-index pruning (-110)
def on_post_build(config: MkDocsConfig) -> None:
    if _command == ["serve"]:
        return
    written = precompress(Path(config.site_dir))
    log.debug(f"precompressed {written} files")
    trim(CACHE, keep_since=_started[0] if _started else time.time())
