"""Verified entries for the build caches under ``.cache/`` (compressed files, search
segmentation, compiled templates).

A cache entry is ``MAGIC + sha256(key + payload) + payload``, its key being the cache's folder
and the entry's file name (``qz-precompress/<sha256 of the source>.br``): a truncated or altered
file fails the check, and so does a sound entry copied onto another key's name (a backup
restore, a merged CI cache, a bad rsync); either counts as a miss (the caller rebuilds the entry
and writes it again) and prints one warning line. An entry of the previous format (``QZC1``,
sealed without its key) is a plain miss, rebuilt without a warning. Entries are written to a
temporary name and renamed, so a reader never sees half of one. A cache folder that cannot be
written (read-only ``.cache``, a file in its place) turns into "no cache" with one warning per
build, never an exception.

Warnings go to the ``qz.cache`` logger, not to MkDocs' own: a damaged cache is repaired by the
build, it is not a content problem that ``mkdocs build --strict`` should abort on.

The caches live in the checkout's ``.cache/``, or under ``$QZ_CACHE_DIR`` when set (a CI cache,
a read-only checkout). The Pyodide runtime's cache has its own setting (mkdocs.yml).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAGIC = b"QZC2"
_OLDER = (b"QZC1",)  # earlier formats: rewritten silently, they are not damage
_HEAD = len(MAGIC) + hashlib.sha256().digest_size

log = logging.getLogger("qz.cache")
_unwritable: set[Path] = set()  # cache roots already reported as unwritable by this process


def folder(name: str) -> Path:
    """The folder of the cache called ``name``."""
    base = os.environ.get("QZ_CACHE_DIR")
    return (Path(base) if base else ROOT / ".cache") / name


def key_of(path: Path) -> str:
    """The key an entry at ``path`` is bound to: its cache's folder and its own name."""
    return f"{path.parent.name}/{path.name}"


def _digest(key: str, payload: bytes) -> bytes:
    digest = hashlib.sha256(key.encode("utf-8") + b"\0")
    digest.update(payload)
    return digest.digest()


def seal(payload: bytes, key: str) -> bytes:
    """The stored form of ``payload`` under ``key``: a magic number and the hash of the key and
    the bytes, then the bytes."""
    return MAGIC + _digest(key, payload) + payload


def unseal(blob: bytes, key: str) -> bytes | None:
    """The payload of a stored entry, or None if the entry is damaged or was sealed under
    another key."""
    payload = blob[_HEAD:]
    if len(blob) < _HEAD or blob[:len(MAGIC)] != MAGIC \
            or _digest(key, payload) != blob[len(MAGIC):_HEAD]:
        return None
    return payload


def read(path: Path) -> bytes | None:
    """The verified payload at ``path``; None if absent, unreadable, damaged or another key's
    entry (one warning for those two, which the caller then rebuilds)."""
    try:
        blob = path.read_bytes()
    except OSError:  # absent (a plain miss) or an unusable folder (reported on write)
        return None
    payload = unseal(blob, key_of(path))
    if payload is None and not blob.startswith(_OLDER):
        log.warning(f"WARNING -  cache: {path} is damaged or another key's entry (hash "
                    f"mismatch, {len(blob)} bytes): ignored and rebuilt")
    return payload


def write(path: Path, payload: bytes) -> bool:
    """Store ``payload`` at ``path`` (atomically); False, with one warning per cache root and
    process, when the folder cannot be written."""
    folder = path.parent
    if folder in _unwritable:
        return False
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(seal(payload, key_of(path)))
        tmp.replace(path)
    except OSError as error:
        _unwritable.add(folder)
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        root = folder.parent
        if root not in _unwritable:
            _unwritable.add(root)
            log.warning(f"WARNING -  cache: cannot write {folder} ({error.strerror or error}): "
                        f"building without the cache under {root}")
        return False
    return True


def reset() -> None:
    """Forget which folders were unwritable (a new build in the same process, and tests)."""
    _unwritable.clear()
