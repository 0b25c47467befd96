"""Size limits for the content-addressed build caches (compressed pages and runtime files).

Every data edit gives some files new contents, hence new cache entries; without a limit an
editor's `.cache/` grows by ~45 MB per edit. A hit refreshes an entry's mtime, so the oldest
mtimes are the least recently used; a build removes those beyond the limit after it is done,
never one it used itself. A folder the build cannot write is left as it is.
"""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path

LIMIT_BYTES = 256 * 1024 * 1024  # ≈ 5 builds' worth of compressed pages and runtime files
STALE_TMP_SECONDS = 3600  # a temporary file this old was left by a build that died


def used(path: Path) -> Path:
    """Mark a cache entry as used now (its mtime is its place in the LRU order)."""
    with contextlib.suppress(OSError):  # removed meanwhile by another build: made again later
        os.utime(path)
    return path


def trim(folder: Path, keep_since: float, limit: int = LIMIT_BYTES) -> int:
    """Remove the least recently used files of ``folder`` until it holds at most ``limit``
    bytes, sparing those used since ``keep_since`` (a time.time()); returns how many went."""
    if not folder.is_dir():
        return 0
    entries: list[tuple[float, int, Path]] = []
    for path in folder.iterdir():
        try:
            stat = path.stat()
        except OSError:
            continue
        if path.is_file():
            entries.append((stat.st_mtime, stat.st_size, path))
    total = sum(size for _, size, _ in entries)
    removed = 0
    now = time.time()
    for mtime, size, path in sorted(entries, key=lambda e: e[0]):
        if total <= limit or mtime >= keep_since:
            break
        if path.name.endswith(".tmp") and now - mtime < STALE_TMP_SECONDS:
            continue  # another build may still be writing it
        try:
            path.unlink(missing_ok=True)
        except OSError:  # a read-only cache: nothing to trim (cache_check reported it)
            break
        total -= size
        removed += 1
    return removed
