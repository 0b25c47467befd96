"""Builds run side by side — the test suite's parallel workers, an editor's preview beside
`make site` — over one ``.cache/qz-pyodide``: what one build is using is never removed by
another, and a version another build removes while this one looks does not fail it."""

from __future__ import annotations

import os
import time
from pathlib import Path

from generator.runtime import pyodide_build as pb


def cached_step(cache: Path, kind: str, key: str, used_ago: float = 0) -> Path:
    """A step as a build leaves it (published with its sums), last used ``used_ago`` s ago."""
    folder = pb._cached(cache, kind, key)
    tmp = cache / f"tmp-{kind}-{key}"
    tmp.mkdir(parents=True)
    (tmp / "output").write_text(key, encoding="utf-8")
    pb._publish(tmp, folder)
    when = time.time() - used_ago
    os.utime(folder, (when, when))
    return folder


def test_a_step_in_use_survives_the_versions_another_build_makes_meanwhile(
        tmp_path: Path) -> None:
    first = cached_step(tmp_path, "wheel", "real-data", used_ago=2 * 3600)  # an old hit…
    assert pb._cached(tmp_path, "wheel", "real-data") == first  # …that a build uses now
    for edit in ("edit-1", "edit-2", "edit-3"):  # another build's data edits, one after another
        cached_step(tmp_path, "wheel", edit)
    assert pb._intact(first)


def test_versions_unused_for_an_hour_beyond_the_limit_still_go(tmp_path: Path) -> None:
    for n in range(pb.KEEP + 2):
        cached_step(tmp_path, "core", f"old-{n}", used_ago=pb.IN_USE_SECONDS + 60 * (n + 1))
    newest = cached_step(tmp_path, "core", "new")
    pb._cached(tmp_path, "core", "new")
    kept = sorted(p.name for p in tmp_path.glob("core-*"))
    assert kept == sorted([newest.name, *(f"core-old-{n}" for n in range(pb.KEEP - 1))])


def test_a_version_removed_while_the_versions_are_listed_does_not_fail_the_build(
        tmp_path: Path) -> None:
    cached_step(tmp_path, "lock", "kept")
    # What the listing sees when another build removes a folder between listing and stat.
    (tmp_path / "lock-removed-meanwhile").symlink_to(tmp_path / "gone")
    folder = pb._cached(tmp_path, "lock", "kept")
    assert pb._intact(folder)
