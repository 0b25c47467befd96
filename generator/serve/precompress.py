"""MkDocs hook: write brotli (``x.br``) and gzip (``x.gz``) siblings of every compressible file in
the built site, for nginx's ``brotli_static`` and ``gzip_static`` (deploy/nginx.conf): the
server never compresses at request time. This is the site's one compression pipeline: pages,
theme and calculator assets and the Pyodide runtime (which gets its own quality and window,
see ``_packed``) all get exactly the two encodings nginx serves, and the test server
(generator/serve/static_server.py) serves them by nginx's rules.

Compressed bytes are cached under ``.cache/qz-precompress/``, named by the sha256 of the source
file, so a rebuild only compresses what changed (the 9.6 MB wasm once, not on every build). The
calculator's runtime files are compressed with the runtime and kept in its own cache
(``compressed/`` under the qz-pyodide plugin's ``cache_dir``), like the runtime itself: a
``$QZ_CACHE_DIR`` that cannot be used (a read-only CI cache) costs the pages' compression, not
a minute of brotli on the wasm. Each
entry carries the hash of its compressed bytes and is verified on every use; a damaged entry is
compressed again (generator/cache_check.py). The siblings in the site are copies, never links
into the cache. The cache is kept under a size limit, least recently used first
(generator/cache_trim.py). ``mkdocs serve`` skips it.
Registered in mkdocs.yml under ``hooks:``.
"""

from __future__ import annotations

import gzip
import time
from pathlib import Path

import brotli  # type: ignore[import-untyped]
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority, get_plugin_logger

from generator import cache_check  # a hook file: absolute imports
from generator.cache_trim import trim, used
from generator.runtime.pyodide_build import sha256

log = get_plugin_logger(__name__)

CACHE = cache_check.folder("qz-precompress")
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
_runtime_cache: list[Path] = []  # where the runtime's compressed files are kept (on_config)


def on_startup(command: str, dirty: bool) -> None:
    _command[:] = [command]
    _started[:] = [time.time()]
    cache_check.reset()


def _packed(path: Path, digest: str, suffix: str) -> bytes:
    """The compressed bytes of ``path`` for ``suffix`` (.br or .gz): from the cache when its
    entry is intact, else compressed now and stored."""
    # The calculator's runtime files a first visit needs change only with Pyodide or calc:
    # quality 11 and a 16 MB window make the wasm 11 % smaller (2.77 MB, not 3.10; ≈30 s
    # once, then cached). The snapshot (a new one per data edit) stays at 9.
    runtime = "pyodide" in path.parts and path.suffix != ".bin"
    folder = _runtime_cache[0] if runtime and _runtime_cache else CACHE
    cached = folder / f"{digest}{'.w24' if runtime and suffix == '.br' else ''}{suffix}"
    payload = cache_check.read(cached)
    if payload is not None:
        used(cached)
        return payload
    data = path.read_bytes()
    if suffix == ".br":
        quality = 11 if "assets" in path.parts and (len(data) <= LARGE or runtime) else 9
        packed: bytes = brotli.compress(data, quality=quality, lgwin=24 if runtime else 22)
    else:
        packed = gzip.compress(data, compresslevel=9, mtime=0)  # mtime 0: reproducible
    cache_check.write(cached, packed)
    return packed


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
            sibling.unlink(missing_ok=True)  # perhaps a link into a cache: never write through it
            if len(packed) < stat.st_size:
                sibling.write_bytes(packed)
                written += 1
        _done[path] = (stat.st_mtime_ns, stat.st_size)
    return written


def runtime_cache(config: MkDocsConfig) -> Path | None:
    """The folder for the runtime's compressed files: ``compressed/`` in the qz-pyodide plugin's
    own cache (None without the plugin)."""
    plugin = config.plugins.get("qz-pyodide")
    if plugin is None:
        return None
    return cache_check.ROOT / str(plugin.config["cache_dir"]) / "compressed"


def on_config(config: MkDocsConfig) -> None:
    _runtime_cache[:] = [folder] if (folder := runtime_cache(config)) else []


@event_priority(-120)  # after static-i18n (-100) and the search-index pruning (-110)
def on_post_build(config: MkDocsConfig) -> None:
    if _command == ["serve"]:
        return
    written = precompress(Path(config.site_dir))
    log.debug(f"precompressed {written} files")
    since = _started[0] if _started else time.time()
    for folder in (CACHE, *_runtime_cache):
        trim(folder, keep_since=since)
