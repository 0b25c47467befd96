"""The build caches stay under their size limit, least recently used first, and never lose an
entry the running build used."""

from __future__ import annotations

import os
import time
from pathlib import Path

from generator.cache_trim import trim, used


def entry(folder: Path, name: str, size: int, age: float) -> Path:
    path = folder / name
    path.write_bytes(b"x" * size)
    stamp = time.time() - age
    os.utime(path, (stamp, stamp))
    return path


def test_the_least_recently_used_go_first_until_under_the_limit(tmp_path: Path) -> None:
    oldest = entry(tmp_path, "a.br", 400, age=300)
    older = entry(tmp_path, "b.br", 400, age=200)
    recent = entry(tmp_path, "c.br", 400, age=100)
    assert trim(tmp_path, keep_since=time.time() - 10, limit=500) == 2
    assert not oldest.exists() and not older.exists() and recent.exists()


def test_a_hit_refreshes_an_entry_and_this_build_keeps_what_it_used(tmp_path: Path) -> None:
    start = time.time() - 1
    hit = used(entry(tmp_path, "a.gz", 500, age=900))
    other = entry(tmp_path, "b.gz", 500, age=100)
    assert trim(tmp_path, keep_since=start, limit=100) == 1
    assert hit.exists() and not other.exists()  # over the limit still: nothing else may go


def test_a_young_temporary_file_is_left_to_the_build_writing_it(tmp_path: Path) -> None:
    writing = entry(tmp_path, "a.br.123.tmp", 500, age=60)
    dead = entry(tmp_path, "b.br.456.tmp", 500, age=7200)
    assert trim(tmp_path, keep_since=time.time(), limit=0) == 1
    assert writing.exists() and not dead.exists()
    assert trim(tmp_path / "missing", keep_since=time.time()) == 0
