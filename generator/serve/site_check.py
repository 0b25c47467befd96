"""What a built site's bytes must agree on, checked before it is published and by
``python -m generator.serve.atomic_build check``: every ``x.br`` and ``x.gz`` decompresses to
the file ``x`` beside it (nginx sends the sibling in its place, so a wrong one is a wrong page
for every browser that accepts it), and every zip and wheel passes its own CRC check (the
calculator's runtime reads them inside the browser, where a bad one fails the start).

The caches these bytes come from verify their entries (generator/cache_check.py,
generator/runtime/pyodide_build.py); this is the last check, on what actually ships.
"""

from __future__ import annotations

import gzip
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

import brotli  # type: ignore[import-untyped]

SIBLINGS = {".br": brotli.decompress, ".gz": gzip.decompress}
ARCHIVES = (".zip", ".whl")


def _sibling_problem(path: Path) -> str | None:
    original = path.with_name(path.name.removesuffix(path.suffix))
    if not original.is_file():
        return "has no file beside it"
    try:
        unpacked = SIBLINGS[path.suffix](path.read_bytes())
    except (brotli.error, OSError, EOFError, zlib.error) as error:
        return f"does not decompress ({error})"
    if unpacked != original.read_bytes():
        return f"does not decompress to {original.name}"
    return None


def _archive_problem(path: Path) -> str | None:
    try:
        with zipfile.ZipFile(path) as archive:
            bad = archive.testzip()
    except (OSError, zipfile.BadZipFile, zlib.error) as error:
        return f"is no sound zip ({error})"
    return f"fails its CRC check at {bad}" if bad is not None else None


def problems(site: Path) -> Iterator[str]:
    """``<path>: <what is wrong>`` for each sibling or archive of ``site`` that is wrong."""
    for path in sorted(site.rglob("*")):
        if not path.is_file():
            continue
        if path.suffix in SIBLINGS:
            found = _sibling_problem(path)
        elif path.suffix in ARCHIVES:
            found = _archive_problem(path)
        else:
            continue
        if found is not None:
            yield f"{path.relative_to(site).as_posix()} {found}"
